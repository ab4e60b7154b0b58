/**
 * Measure 5: the deployed bundles (built by `npm run package`, kept by serverless-esbuild)
 * against a naive bundle of the same dependencies imported whole, same esbuild settings:
 * size, and the time to import each in a fresh Node 22 process (median of several).
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { build } from 'esbuild'
import type { MeasureRow } from '../measure-result.ts'
import { median, round } from '../stats.ts'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const WORK_FOLDER = '.esbuild-bench'

const NAIVE_ENTRY = `
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

export async function measureColdStart(imports: number): Promise<MeasureRow> {
  const out = mkdtempSync(join(tmpdir(), 'bench-cold-'))
  try {
    await run('npm', ['run', '-s', 'package', '--', '--package', join(out, 'package')], {
      cwd: ROOT,
      env: { ...process.env, ESBUILD_WORK_FOLDER: WORK_FOLDER },
      timeout: 300_000,
    })
    const entry = join(ROOT, `naive-entry-${process.pid}.mjs`)
    writeFileSync(entry, NAIVE_ENTRY)
    try {
      await build({
        entryPoints: [entry],
        outfile: join(out, 'naive.mjs'),
        bundle: true,
        minify: true,
        platform: 'node',
        format: 'esm',
        target: 'node22',
        banner: {
          js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
        },
        logLevel: 'silent',
      })
    } finally {
      rmSync(entry, { force: true })
    }
    const bundles = {
      http: join(ROOT, WORK_FOLDER, '.build', 'functions', 'http.mjs'),
      queue: join(ROOT, WORK_FOLDER, '.build', 'functions', 'queue.mjs'),
      naive: join(out, 'naive.mjs'),
    }
    // Interleaved, one process at a time, so machine noise falls on every bundle alike.
    const runs: Record<keyof typeof bundles, number[]> = { http: [], queue: [], naive: [] }
    for (let i = 0; i < imports; i++) {
      for (const name of Object.keys(bundles) as (keyof typeof bundles)[])
        runs[name].push(await importTime(bundles[name]))
    }
    const figure = (name: keyof typeof bundles) => ({
      kb: round(statSync(bundles[name]).size / 1024, 0),
      importMs: round(median(runs[name]), 1),
      runsMs: runs[name].map((time) => round(time, 1)),
    })
    const figures = { http: figure('http'), queue: figure('queue'), naive: figure('naive') }
    const size = (name: 'http' | 'queue') => round(figures[name].kb / figures.naive.kb, 2)
    const time = (name: 'http' | 'queue') =>
      round(figures[name].importMs / figures.naive.importMs, 2)
    const worst = Math.max(size('http'), size('queue'), time('http'), time('queue'))
    return {
      id: '5',
      measure: 'Cold start: bundle size and import time in a fresh Node 22 process',
      ours: `http ${figures.http.kb} KB / ${figures.http.importMs} ms (${size('http')}× / ${time('http')}×); queue ${figures.queue.kb} KB / ${figures.queue.importMs} ms (${size('queue')}× / ${time('queue')}×)`,
      naive: `${figures.naive.kb} KB / ${figures.naive.importMs} ms`,
      target: '≤ 0.6× naive',
      met: worst <= 0.6,
      data: { imports, ...figures },
    }
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}

/** Imports the bundle in a new process and returns how long the import took, in ms. */
async function importTime(file: string): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t))`
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
  })
  return Number(stdout)
}
