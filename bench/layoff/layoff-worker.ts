/**
 * One warm queue-function container for the layoff row, in a worker thread so it shares
 * nothing with the others (its own Atlas connection, nonce, pacing and secrets cache): it asks
 * the main thread for a batch, runs the deployed handler on it, reports the records that
 * failed, and asks again until told to stop. Without pacing it is the baseline: the same
 * handler meeting 429s with its retry policy alone.
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { SQSBatchResponse } from 'aws-lambda'
import { createAtlasDispatcher } from '../../lib/atlas/http/index.ts'
import { createQueueHandler } from '../../lib/triggers/queue/queue-handler.ts'
import { lambdaContext, sqsEvent } from '../../test/support/lambda-events.ts'
import type { ReceivedMessage } from './queue-model.ts'

const { env, timeoutMs, pacing } = workerData as {
  env: Record<string, string>
  timeoutMs: number
  /** false: the baseline, which meets a 429 with its retry policy only. */
  pacing: boolean
}
const handler = createQueueHandler(
  env,
  pacing ? {} : { dispatcher: createAtlasDispatcher(env.ATLAS_BASE_URL ?? '', { pacing: false }) },
)
const port = parentPort
if (!port) throw new Error('layoff-worker runs as a worker thread')

port.on('message', async (message: { batch?: ReceivedMessage[]; stop?: boolean }) => {
  if (message.stop) {
    port.close()
    process.exit(0)
  }
  const batch = message.batch ?? []
  const event = sqsEvent(batch.map((record) => record.body))
  // sqsEvent numbers its records; give them the queue's message ids.
  event.Records.forEach((record, index) => {
    record.messageId = batch[index]?.messageId ?? record.messageId
  })
  let failed: string[]
  try {
    const response = (await handler(
      event,
      lambdaContext(timeoutMs, 'atlas-invite-revoker-bench-queue'),
    )) as SQSBatchResponse
    failed = response.batchItemFailures.map((failure) => failure.itemIdentifier)
  } catch {
    // The whole batch failed (the handler threw): every record goes back.
    failed = batch.map((record) => record.messageId)
  }
  port.postMessage({ failed })
})
port.postMessage({ ready: true })
