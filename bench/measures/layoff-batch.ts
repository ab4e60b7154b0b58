/**
 * "Layoff batch under a rate limit (token bucket)": N revocations through the queue handler,
 * run by independent warm containers (worker threads: no shared state) pulling batches of ten
 * from a model of the revoke queue (its visibility timeout and redrive policy from
 * serverless.yml), against the simulator enforcing a token bucket per organization with
 * `RateLimit-*` headers and 429 `RATE_LIMITED_TOKEN_BUCKET` + `Retry-After` when empty.
 * Reported: drain time against the bucket's minimum (Atlas requests needed ÷ refill rate),
 * Atlas requests per revocation (429s and challenges included), records dead-lettered.
 * Twice: messages naming the invitation (one DELETE each), and naming only a username (a list
 * and a DELETE each); and the by-id run again without pacing, as the baseline.
 */
import { Worker } from 'node:worker_threads'
import { DEMO_ORG_ID } from '../../dev/simulator/demo-seed.ts'
import { functionEnv, startAtlasProcess, startSecrets } from '../bench-fixture.ts'
import { benchInvitationId } from '../bench-ids.ts'
import { QueueModel, type ReceivedMessage } from '../layoff/queue-model.ts'
import type { MeasureRow } from '../measure-result.ts'
import { round } from '../stats.ts'

export interface LayoffSettings {
  readonly revocations: number
  readonly containers: number
  readonly ratePerSecond: number
  readonly burst: number
  /** Atlas round trip; a new connection costs two. */
  readonly atlasRttMs: number
  /** Atlas sends RateLimit-* headers (default true). */
  readonly rateHeaders?: boolean
  /** Our pacing on (default); off, the handler meets 429s with its retry policy only. */
  readonly pacing?: boolean
}

export const LAYOFF: LayoffSettings = {
  revocations: 2_000,
  containers: 5,
  ratePerSecond: 20,
  burst: 40,
  atlasRttMs: 40,
}

/** serverless.yml: the revoke queue and the queue function. */
const QUEUE = { visibilityTimeoutMs: 180_000, maxReceiveCount: 5 }
const FUNCTION_TIMEOUT_MS = 30_000

export interface LayoffFigures {
  readonly variant: 'by id' | 'by username'
  readonly revocations: number
  readonly drainMs: number
  /** Atlas requests a revocation needs at least (1, or 2 with a list first). */
  readonly requestsNeeded: number
  readonly minimumMs: number
  readonly atlasRequests: number
  readonly throttled: number
  readonly deadLettered: number
  readonly notRevoked: number
}

export async function runLayoff(
  settings: LayoffSettings,
  variant: LayoffFigures['variant'],
): Promise<LayoffFigures> {
  const atlas = await startAtlasProcess({
    invitations: settings.revocations,
    latencyMs: settings.atlasRttMs,
    connectionMs: 2 * settings.atlasRttMs,
    rateLimit: {
      ratePerSecond: settings.ratePerSecond,
      burst: settings.burst,
      headers: settings.rateHeaders ?? true,
    },
  })
  const { secretsManager } = await startSecrets()
  const bodies = Array.from({ length: settings.revocations }, (_, i) =>
    JSON.stringify(
      variant === 'by id'
        ? { orgId: DEMO_ORG_ID, invitationId: benchInvitationId(i) }
        : { username: `bench-${i}@example.com` },
    ),
  )
  const queue = new QueueModel(bodies, QUEUE)
  const env = {
    ...(process.env as Record<string, string>),
    ...functionEnv(atlas.url),
    ALLOWED_ORG_IDS: DEMO_ORG_ID,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  }
  const workers = Array.from(
    { length: settings.containers },
    () =>
      new Worker(new URL('../layoff/layoff-worker.ts', import.meta.url), {
        workerData: { env, timeoutMs: FUNCTION_TIMEOUT_MS, pacing: settings.pacing ?? true },
        env,
      }),
  )
  try {
    await atlas.resetCounters()
    const started = performance.now()
    let lastSettled = started
    // Waits for invisible records: cleared once the queue drains, so the run ends with it.
    const waits = new Set<NodeJS.Timeout>()
    await new Promise<void>((resolve, reject) => {
      let idle = 0
      const feed = (worker: Worker) => {
        const batch = queue.receive(performance.now())
        if (batch.length === 0) {
          idle += 1
          if (queue.size === 0 && idle === workers.length) resolve()
          else if (queue.size > 0) {
            // Everything left is invisible (failed records wait out their visibility timeout).
            const wait = Math.max(10, (queue.nextVisibleAt() ?? 0) - performance.now())
            const timer = setTimeout(() => {
              waits.delete(timer)
              idle -= 1
              feed(worker)
            }, wait)
            waits.add(timer)
          }
          return
        }
        worker.once('message', (answer: { failed: string[] }) => {
          queue.settle(batch, new Set(answer.failed))
          lastSettled = performance.now()
          feed(worker)
        })
        worker.postMessage({ batch: batch satisfies ReceivedMessage[] })
      }
      for (const worker of workers) {
        worker.once('error', reject)
        worker.once('message', () => feed(worker))
      }
    })
    for (const timer of waits) clearTimeout(timer)
    const counters = await atlas.counters()
    const requestsNeeded = variant === 'by id' ? 1 : 2
    return {
      variant,
      revocations: settings.revocations,
      drainMs: lastSettled - started,
      requestsNeeded,
      minimumMs: ((settings.revocations * requestsNeeded) / settings.ratePerSecond) * 1000,
      atlasRequests: counters.requests,
      throttled: counters.byStatus['429'] ?? 0,
      deadLettered: queue.deadLettered,
      notRevoked: settings.revocations - (await atlas.revokedCount()),
    }
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()))
    await Promise.all([atlas.stop(), secretsManager.stop()])
  }
}

const TARGETS = { drain: 1.2, requests: 1.15 }

export async function measureLayoffBatch(settings: LayoffSettings): Promise<MeasureRow> {
  const runs = [await runLayoff(settings, 'by id'), await runLayoff(settings, 'by username')]
  // The baseline: the same handler without pacing, meeting 429s with its retry policy alone.
  const unpaced = await runLayoff({ ...settings, pacing: false }, 'by id')
  const judge = (run: LayoffFigures) => ({
    ...run,
    drainRatio: round(run.drainMs / run.minimumMs, 2),
    requestsPerRevocation: round(run.atlasRequests / run.revocations, 3),
    requestsRatio: round(run.atlasRequests / (run.revocations * run.requestsNeeded), 3),
  })
  const judged = runs.map(judge)
  const describe = (run: ReturnType<typeof judge>) =>
    `${run.variant}: drained in ${round(run.drainMs / 1000, 1)} s = ${run.drainRatio}× the ${round(run.minimumMs / 1000, 1)} s minimum; ${run.requestsPerRevocation} Atlas requests per revocation (${run.requestsRatio}× the ${run.requestsNeeded} needed; ${run.throttled} × 429); ${run.deadLettered} to the DLQ`
  return {
    id: '9',
    measure: `Layoff batch under a rate limit (token bucket): ${settings.revocations} revocations, ${settings.containers} containers, ${settings.ratePerSecond} requests/s, burst ${settings.burst}, Atlas ${settings.atlasRttMs} ms RTT`,
    ours: judged.map(describe).join('; '),
    naive: `without pacing (429s met by the retry policy alone), ${describe(judge(unpaced))}`,
    target: `drain ≤ ${TARGETS.drain}× minimum, ≤ ${TARGETS.requests}× the requests needed, 0 DLQ`,
    met: judged.every(
      (run) =>
        run.drainRatio <= TARGETS.drain &&
        run.requestsRatio <= TARGETS.requests &&
        run.deadLettered === 0 &&
        run.notRevoked === 0,
    ),
    data: { settings, runs: judged, unpaced: judge(unpaced) },
  }
}
