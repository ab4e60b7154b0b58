/**
 * Handing revoke requests over to the revoke queue (`REVOKE_QUEUE_URL`): Okta's leavers, which
 * Okta will not wait for, and signed webhooks that could not finish now, so the sender's retry
 * policy no longer decides whether an offboarding happens. Each request goes as a typed
 * hand-over (`handover.ts`), with who asked as a message attribute; to a FIFO queue with a
 * message group per person (or invitation) and a deduplication id per delivery. Requests go ten
 * to a `SendMessageBatch`, a few batches at a time; entries SQS refuses are sent again, twice at
 * most. The SQS client is loaded on first use only: most invocations never need it.
 */
import { createHash } from 'node:crypto'
import type { SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs'
import pLimit from 'p-limit'
import { type HandOver, handOverBody, handOverGroup, REQUESTED_BY_ATTRIBUTE } from '../handover.ts'

export interface RevokeQueue {
  /**
   * Sends every request, or throws EnqueueFailedError naming those not sent: nothing is half
   * sent without saying which half.
   */
  send(handOvers: readonly HandOver[]): Promise<void>
}

/** The queue could not take (some of) the requests: the caller answers 503 and its sender retries. */
export class EnqueueFailedError extends Error {
  override readonly name = 'EnqueueFailedError'
  /** The hand-overs that are not on the queue. */
  readonly unsent: readonly HandOver[]
  constructor(message: string, unsent: readonly HandOver[], options?: ErrorOptions) {
    super(message, options)
    this.unsent = unsent
  }
}

const BATCH = 10
/** Batches in flight at once: a delivery of hundreds of leavers is queued well inside Okta's 3 s. */
const BATCHES_AT_ONCE = 4
/** Sends of one entry in all: the first, and two more for entries SQS refused. */
const SENDS = 3

/** The SQS entry for one hand-over (exported for the tests, which read it back as Lambda would). */
export function handOverEntry(
  handOver: HandOver,
  id: string,
  fifo: boolean,
): SendMessageBatchRequestEntry {
  const body = handOverBody(handOver.request, handOver.deliveryId)
  return {
    Id: id,
    MessageBody: body,
    MessageAttributes: {
      [REQUESTED_BY_ATTRIBUTE]: {
        DataType: 'String',
        StringValue: JSON.stringify(handOver.requestedBy),
      },
    },
    ...(fifo
      ? {
          MessageGroupId: handOverGroup(handOver.request),
          // The same delivery of the same request is one message for SQS's dedup window.
          MessageDeduplicationId: createHash('sha256').update(body).digest('hex'),
        }
      : {}),
  }
}

export function sqsRevokeQueue(queueUrl: string, client?: Pick<SQSClient, 'send'>): RevokeQueue {
  const fifo = queueUrl.endsWith('.fifo')
  let loaded:
    | Promise<{
        sqs: Pick<SQSClient, 'send'>
        Command: typeof import('@aws-sdk/client-sqs').SendMessageBatchCommand
      }>
    | undefined
  const load = () => {
    loaded ??= import('@aws-sdk/client-sqs').then(({ SQSClient, SendMessageBatchCommand }) => ({
      sqs:
        client ??
        new SQSClient({
          maxAttempts: 3,
          requestHandler: { connectionTimeout: 2_000, requestTimeout: 3_000 },
        }),
      Command: SendMessageBatchCommand,
    }))
    return loaded
  }

  /** The entries of one batch SQS did not take, after every send; their errors, if any. */
  const sendBatch = async (
    entries: SendMessageBatchRequestEntry[],
  ): Promise<{ left: SendMessageBatchRequestEntry[]; error?: unknown }> => {
    let left = entries
    for (let send = 1; send <= SENDS && left.length > 0; send++) {
      let refused: Set<string>
      try {
        const { sqs, Command } = await load()
        const answer = await sqs.send(new Command({ QueueUrl: queueUrl, Entries: left }))
        // An entry missing from both lists was not taken either.
        const taken = new Set((answer.Successful ?? []).map((entry) => entry.Id ?? ''))
        refused = new Set(left.map((entry) => entry.Id ?? '').filter((id) => !taken.has(id)))
      } catch (error) {
        return { left, error }
      }
      left = left.filter((entry) => refused.has(entry.Id ?? ''))
    }
    return { left }
  }

  return {
    async send(handOvers) {
      const entries = handOvers.map((handOver, index) =>
        handOverEntry(handOver, String(index), fifo),
      )
      const limit = pLimit(BATCHES_AT_ONCE)
      const batches: SendMessageBatchRequestEntry[][] = []
      for (let start = 0; start < entries.length; start += BATCH)
        batches.push(entries.slice(start, start + BATCH))
      // Every batch is tried, whatever another's fate: one refused batch sinks no other.
      const results = await Promise.all(batches.map((batch) => limit(() => sendBatch(batch))))
      const unsent = results.flatMap((result) =>
        result.left.map((entry) => handOvers[Number(entry.Id)] as HandOver),
      )
      if (unsent.length === 0) return
      const error = results.find((result) => result.error !== undefined)?.error
      throw new EnqueueFailedError(
        error === undefined
          ? `the revoke queue refused ${unsent.length} of ${handOvers.length} requests ${SENDS} times`
          : `the revoke queue refused ${unsent.length} of ${handOvers.length} requests (${(error as Error).name})`,
        unsent,
        error === undefined ? undefined : { cause: error },
      )
    },
  }
}
