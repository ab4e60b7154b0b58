/**
 * Measure 4: wall time of the queue handler for a batch of 10 with 50 ms of Atlas latency,
 * against one revocation on the same warm handler, at the default concurrency, at 10, and
 * one at a time (the sequential baseline).
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda'
import { DEMO_ORG_ID } from '../../dev/simulator/demo-seed.ts'
import { createAtlasDispatcher } from '../../lib/atlas/http/index.ts'
import { createQueueHandler } from '../../lib/triggers/queue/queue-handler.ts'
import { lambdaContext, sqsEvent } from '../../test/support/lambda-events.ts'
import { functionEnv, startAtlasProcess, startSecrets } from '../bench-fixture.ts'
import { benchInvitationId } from '../bench-ids.ts'
import type { MeasureRow } from '../measure-result.ts'
import { median, repeat, round } from '../stats.ts'

const LATENCY_MS = 50
const BATCH = 10

export async function measureSqsBatchWallTime(repetitions: number): Promise<MeasureRow> {
  const atlas = await startAtlasProcess({
    invitations: (4 + repetitions * (1 + 3 * BATCH)) * 2,
    latencyMs: LATENCY_MS,
  })
  const { secretsManager } = await startSecrets()
  let next = 0
  const batch = (size: number): SQSEvent =>
    sqsEvent(
      Array.from({ length: size }, () =>
        JSON.stringify({ orgId: DEMO_ORG_ID, invitationId: benchInvitationId(next++) }),
      ),
    )
  const handlerWith = async (concurrency: number) => {
    const handler = createQueueHandler(
      { ...functionEnv(atlas.url), QUEUE_CONCURRENCY: String(concurrency) },
      { dispatcher: createAtlasDispatcher(atlas.url) },
    )
    await handler(batch(1), lambdaContext()) // warm: secret read, nonce cached, connection open
    return handler
  }
  const time = async (
    handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>,
    size: number,
  ) => {
    const event = batch(size)
    const started = performance.now()
    const response = await handler(event, lambdaContext())
    const elapsed = performance.now() - started
    if (response.batchItemFailures.length > 0) throw new Error('a record failed')
    return elapsed
  }
  try {
    const byDefault = await handlerWith(5)
    const wide = await handlerWith(10)
    const sequential = await handlerWith(1)
    const one = median(await repeat(repetitions, () => time(byDefault, 1)))
    const at5 = median(await repeat(repetitions, () => time(byDefault, BATCH)))
    const at10 = median(await repeat(repetitions, () => time(wide, BATCH)))
    const at1 = median(await repeat(repetitions, () => time(sequential, BATCH)))
    const ratio = (ms: number) => `${round(ms / one, 2)}×`
    return {
      id: '4',
      measure: `SQS batch of ${BATCH}, ${LATENCY_MS} ms Atlas latency: handler wall time vs one revocation (${Math.round(one)} ms)`,
      ours: `${ratio(at10)} at QUEUE_CONCURRENCY=10 (${Math.round(at10)} ms); ${ratio(at5)} at the default 5 (${Math.round(at5)} ms)`,
      naive: `${ratio(at1)} one at a time (${Math.round(at1)} ms)`,
      target: '≤ 1.5× one revocation, vs ~10× sequential',
      met: at5 / one <= 1.5,
      verdict: `${at10 / one <= 1.5 ? '✓' : '✗'} at 10; ${at5 / one <= 1.5 ? '✓' : '✗'} at the default 5 (see note)`,
      data: {
        latencyMs: LATENCY_MS,
        repetitions,
        oneMs: one,
        concurrency10Ms: at10,
        concurrency5Ms: at5,
        sequentialMs: at1,
      },
    }
  } finally {
    await secretsManager.stop()
    await atlas.stop()
  }
}
