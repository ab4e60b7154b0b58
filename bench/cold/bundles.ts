/**
 * The bundles the cold-start rows measure: the deployed ones (built by `npm run package`, kept
 * by serverless-esbuild, in chunks), a naive bundle of the same dependencies imported whole,
 * and the naive functions (bench/cold/naive-functions.ts). The naive ones are built the plain
 * way: one minified ESM file, esbuild's defaults for Node (CommonJS builds of the
 * dependencies), no splitting, no plugins.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { build } from 'esbuild'
import { unzip } from './unzip.ts'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
// A folder of its own (settable, so two benchmarks on one checkout do not race).
const WORK_FOLDER = process.env.BENCH_ESBUILD_WORK_FOLDER ?? '.esbuild-bench'

const NAIVE_DEPENDENCIES = `
import * as undici from 'undici'
import * as secretsManager from '@aws-sdk/client-secrets-manager'
import middy from '@middy/core'
import * as logger from '@aws-lambda-powertools/logger'
import * as batch from '@aws-lambda-powertools/batch'
import * as parameters from '@aws-lambda-powertools/parameters/secrets'
import * as webhooks from 'standardwebhooks'
globalThis.keep = [undici, secretsManager, middy, logger, batch, parameters, webhooks]
export const handler = async () => ({})
`

export interface Bundles {
  /** The deployed bundles: each function's entry, unpacked from the zip a deploy uploads. */
  readonly http: string
  readonly queue: string
  /** Every dependency imported whole, no code of ours: the import-time baseline. */
  readonly naiveDependencies: string
  /** The naive functions: exports `httpHandler` and `queueHandler`. */
  readonly naiveFunctions: string
  remove(): void
}

export async function buildBundles(): Promise<Bundles> {
  const out = mkdtempSync(join(tmpdir(), 'bench-bundles-'))
  await run('npm', ['run', '-s', 'package', '--', '--package', join(out, 'package')], {
    cwd: ROOT,
    env: { ...process.env, ESBUILD_WORK_FOLDER: WORK_FOLDER },
    timeout: 300_000,
  })
  // What Lambda runs: the uploaded zip, unpacked into a task root of its own.
  const taskRoot = (fn: 'http' | 'queue') => {
    const root = join(out, 'task', fn)
    unzip(join(out, 'package', `${fn}.zip`), root)
    return join(root, 'functions', fn, 'index.mjs')
  }
  const entry = join(ROOT, `naive-entry-${process.pid}.mjs`)
  writeFileSync(entry, NAIVE_DEPENDENCIES)
  try {
    await bundle(entry, join(out, 'naive.mjs'))
  } finally {
    rmSync(entry, { force: true })
  }
  await bundle(join(ROOT, 'bench', 'cold', 'naive-functions.ts'), join(out, 'naive-functions.mjs'))
  return {
    http: taskRoot('http'),
    queue: taskRoot('queue'),
    naiveDependencies: join(out, 'naive.mjs'),
    naiveFunctions: join(out, 'naive-functions.mjs'),
    remove: () => rmSync(out, { recursive: true, force: true }),
  }
}

/** One minified ESM file for Node 22, as a first bundling attempt would make it. */
async function bundle(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    define: { esbuildDetection: 'true' },
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: 'silent',
  })
}
