/**
 * Measure 5: the deployed bundles (each function's entry and its chunks) against a naive bundle of the same dependencies imported whole, same esbuild settings:
 * size, and the time to import each in a fresh Node 22 process (median of several).
 */
import { execFile } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import type { Bundles } from '../cold/bundles.ts'
import type { MeasureRow } from '../measure-result.ts'
import { median, round } from '../stats.ts'

const run = promisify(execFile)

export async function measureColdStart(built: Bundles, imports: number): Promise<MeasureRow> {
  const bundles = { http: built.http, queue: built.queue, naive: built.naiveDependencies }
  // A deployed function is its entry and the chunks beside it: the size is the folder's.
  const sizeOf = (name: keyof typeof bundles) =>
    name === 'naive'
      ? statSync(bundles[name]).size
      : readdirSync(dirname(bundles[name])).reduce(
          (total, file) => total + statSync(join(dirname(bundles[name]), file)).size,
          0,
        )
  // Interleaved, one process at a time, so machine noise falls on every bundle alike.
  const runs: Record<keyof typeof bundles, number[]> = { http: [], queue: [], naive: [] }
  for (let i = 0; i < imports; i++) {
    for (const name of Object.keys(bundles) as (keyof typeof bundles)[])
      runs[name].push(await importTime(bundles[name]))
  }
  const figure = (name: keyof typeof bundles) => ({
    kb: round(sizeOf(name) / 1024, 0),
    importMs: round(median(runs[name]), 1),
    runsMs: runs[name].map((time) => round(time, 1)),
  })
  const figures = { http: figure('http'), queue: figure('queue'), naive: figure('naive') }
  const size = (name: 'http' | 'queue') => round(figures[name].kb / figures.naive.kb, 2)
  const time = (name: 'http' | 'queue') => round(figures[name].importMs / figures.naive.importMs, 2)
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
}

/** Imports the bundle in a new process and returns how long the import took, in ms. */
async function importTime(file: string): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t))`
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    // No function settings: the INIT head start stays idle, and only loading is timed.
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT', ATLAS_SECRET_ID: '' },
  })
  return Number(stdout)
}
