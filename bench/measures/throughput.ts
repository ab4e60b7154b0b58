/** Measure 6: revocations per second through the HTTP handler at concurrency 50, and CPU per revocation. */
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { startAtlasProcess } from '../bench-fixture.ts'
import type { MeasureRow } from '../measure-result.ts'
import { median, repeat, round } from '../stats.ts'

const CONCURRENCY = 50

interface Throughput {
  perSecond: number
  cpuMsPerRevocation: number
  seconds: number
}

export async function measureThroughput(count: number, repetitions: number): Promise<MeasureRow> {
  const atlas = await startAtlasProcess({ invitations: (count + 1) * repetitions })
  try {
    const runs = await repeat(repetitions, (run) =>
      throughputRun(atlas.url, count, run * (count + 1)),
    )
    const perSecond = median(runs.map((r) => r.perSecond))
    const cpu = median(runs.map((r) => r.cpuMsPerRevocation))
    return {
      id: '6',
      measure: `Throughput: signed webhooks through the HTTP handler in-process, concurrency ${CONCURRENCY}, no Atlas latency (${count} revocations)`,
      ours: `${Math.round(perSecond)} revocations/s, ${round(cpu, 2)} ms CPU per revocation`,
      naive: '—',
      target: 'reported',
      met: undefined,
      data: { count, repetitions, concurrency: CONCURRENCY, runs },
    }
  } finally {
    await atlas.stop()
  }
}

function throughputRun(atlasUrl: string, count: number, offset: number): Promise<Throughput> {
  return new Promise((resolve, reject) => {
    const worker = fork(
      fileURLToPath(new URL('throughput-worker.ts', import.meta.url)),
      [atlasUrl, String(count), String(CONCURRENCY), String(offset)],
      {
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'INFO', POWERTOOLS_METRICS_DISABLED: 'false' },
      },
    )
    worker.once('message', (message) => resolve(message as Throughput))
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`throughput worker exited with ${code}`))
    })
  })
}
