/**
 * The bundles the cold-start rows measure: the deployed ones (built by `npm run package`, kept
 * by serverless-esbuild, in chunks), a naive bundle of the same dependencies imported whole,
 * and the naive functions (bench/cold/naive-functions.ts). The naive ones are built the plain
 * way: one minified ESM file, esbuild's defaults for Node (CommonJS builds of the
 * dependencies), no splitting, no plugins.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
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
  /**
   * Each function's NODE_OPTIONS as the packaged template deploys it (its preload), with
   * Lambda's task root `/var/task` standing for the folder the zip was unpacked into.
   */
  readonly nodeOptions: { readonly http?: string | undefined; readonly queue?: string | undefined }
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
  const template = join(out, 'package', 'cloudformation-template-update-stack.json')
  const nodeOptions = (fn: 'http' | 'queue') =>
    deployedNodeOptions(template, fn, join(out, 'task', fn))
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
    nodeOptions: { http: nodeOptions('http'), queue: nodeOptions('queue') },
    naiveDependencies: join(out, 'naive.mjs'),
    naiveFunctions: join(out, 'naive-functions.mjs'),
    remove: () => rmSync(out, { recursive: true, force: true }),
  }
}

/** Lambda's task root, where a zip function's code is. */
const LAMBDA_TASK_ROOT = '/var/task'

/**
 * NODE_OPTIONS of the function whose handler is `functions/<fn>/index.handler` in the packaged
 * CloudFormation template, each path under the task root pointing into `root` instead.
 */
export function deployedNodeOptions(
  templateFile: string,
  fn: string,
  root: string,
): string | undefined {
  const template = JSON.parse(readFileSync(templateFile, 'utf8')) as {
    Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>
  }
  const lambda = Object.values(template.Resources).find(
    (resource) =>
      resource.Type === 'AWS::Lambda::Function' &&
      resource.Properties?.Handler === `functions/${fn}/index.handler`,
  )
  if (!lambda) throw new Error(`the packaged template has no function functions/${fn}`)
  const variables = (lambda.Properties?.Environment as { Variables?: Record<string, unknown> })
    ?.Variables
  const options = variables?.NODE_OPTIONS
  if (options === undefined) return undefined
  if (typeof options !== 'string')
    throw new Error(`functions/${fn}: NODE_OPTIONS is not a plain string in the template`)
  return options.replace(
    new RegExp(`(?<=^|\\s)${LAMBDA_TASK_ROOT}(/\\S*)`, 'g'),
    (_, rest: string) => JSON.stringify(root + rest),
  )
}

/** `env` with NODE_OPTIONS set to `options` (the deployed ones), or as it was without any. */
export function withNodeOptions(
  env: Readonly<Record<string, string | undefined>>,
  options: string | undefined,
): Record<string, string | undefined> {
  return options === undefined ? { ...env } : { ...env, NODE_OPTIONS: options }
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
