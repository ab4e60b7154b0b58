/**
 * Handing revoke requests over to the revoke queue (`REVOKE_QUEUE_URL`): Okta's leavers, which
 * Okta will not wait for, and signed webhooks that could not finish now, so the sender's retry
 * policy no longer decides whether an offboarding happens. Each request goes as a typed
 * hand-over (`handover.ts`), with who asked as a message attribute; to a FIFO queue with a
 * message group per person (or invitation) and a deduplication id per delivery. Requests go ten
 * to a `SendMessageBatch`, a few batches at a time; entries SQS refuses are sent again, twice at
 * most, after a short jittered pause. Everything happens before the caller's deadline (Okta
 * waits 3 s): no call starts without time left for it, a call in flight is abandoned (and its
 * connection aborted) at the deadline, and no pause runs past it; what is not sent by then is
 * the EnqueueFailedError's, as for a queue that refuses. The SQS client is loaded on first use
 * only: most invocations never need it.
 */
import { createHash } from 'node:crypto'
import type { SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs'
import pLimit from 'p-limit'
import { beforeDeadline, deadlineReached } from '../../before-deadline.ts'
import { type HandOver, handOverBody, handOverGroup, REQUESTED_BY_ATTRIBUTE } from '../handover.ts'

export interface RevokeQueue {
  /**
   * Sends every request, or throws EnqueueFailedError naming those not sent: nothing is half
   * sent without saying which half.
   */
  send(handOvers: readonly HandOver[], options?: SendOptions): Promise<void>
}

export interface SendOptions {
  /**
   * Absolute deadline, epoch milliseconds: no call to SQS starts, runs or waits past it.
   * Default: DEFAULT_BUDGET_MS from the call.
   */
  readonly deadline?: number
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
/** The budget of a caller that names no deadline (the webhook route's hand-over). */
export const DEFAULT_BUDGET_MS = 5_000
/** Time a call needs to be worth starting: with less left before the deadline, none starts. */
const MIN_CALL_MS = 50
/** The pause before the n-th re-send is BACKOFF_MS·2ⁿ⁻¹ (at most MAX_BACKOFF_MS), half of it jittered. */
const BACKOFF_MS = 100
const MAX_BACKOFF_MS = 400
/** What a deadline's error says was not done in time. */
const TAKEN = 'the revoke queue took the requests'

/** The pause before re-send `resend` (1, 2…): between half and all of the exponential step. */
export function backoffMs(resend: number, random: () => number = Math.random): number {
  const step = Math.min(MAX_BACKOFF_MS, BACKOFF_MS * 2 ** (resend - 1))
  return step / 2 + random() * (step / 2)
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

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
        // Attempts short enough that a stuck one can be tried again inside Okta's 3 s; the
        // deadline's abort bounds the whole call whatever these say.
        new SQSClient({
          maxAttempts: 3,
          requestHandler: {
            connectionTimeout: 1_000,
            requestTimeout: 1_500,
            throwOnRequestTimeout: true,
          },
        }),
      Command: SendMessageBatchCommand,
    }))
    return loaded
  }

  /** The entries of one batch SQS did not take, after every send; their errors, if any. */
  const sendBatch = async (
    entries: SendMessageBatchRequestEntry[],
    deadline: number,
  ): Promise<{ left: SendMessageBatchRequestEntry[]; error?: unknown }> => {
    let left = entries
    for (let send = 1; send <= SENDS && left.length > 0; send++) {
      const pause = send === 1 ? 0 : backoffMs(send - 1)
      // A call that could not finish before the deadline is not started: the caller answers now.
      if (Date.now() + pause + MIN_CALL_MS > deadline)
        return { left, error: deadlineReached(TAKEN) }
      if (pause > 0) await sleep(pause)
      let refused: Set<string>
      try {
        const answer = await beforeDeadline(deadline, TAKEN, async (abortSignal) => {
          const { sqs, Command } = await load()
          return sqs.send(new Command({ QueueUrl: queueUrl, Entries: left }), { abortSignal })
        })
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
    async send(handOvers, options = {}) {
      const deadline = options.deadline ?? Date.now() + DEFAULT_BUDGET_MS
      const entries = handOvers.map((handOver, index) =>
        handOverEntry(handOver, String(index), fifo),
      )
      const limit = pLimit(BATCHES_AT_ONCE)
      const batches: SendMessageBatchRequestEntry[][] = []
      for (let start = 0; start < entries.length; start += BATCH)
        batches.push(entries.slice(start, start + BATCH))
      // Every batch is tried, whatever another's fate: one refused batch sinks no other.
      const results = await Promise.all(
        batches.map((batch) => limit(() => sendBatch(batch, deadline))),
      )
      const unsent = results.flatMap((result) =>
        result.left.map((entry) => handOvers[Number(entry.Id)] as HandOver),
      )
      if (unsent.length === 0) return
      const error = results.find((result) => result.error !== undefined)?.error
      const timedOut = results.some(
        (result) => (result.error as Error | undefined)?.name === 'TimeoutError',
      )
      throw new EnqueueFailedError(
        error === undefined
          ? `the revoke queue refused ${unsent.length} of ${handOvers.length} requests ${SENDS} times`
          : timedOut
            ? `the revoke queue had not taken ${unsent.length} of ${handOvers.length} requests by the deadline`
            : `the revoke queue refused ${unsent.length} of ${handOvers.length} requests (${(error as Error).name})`,
        unsent,
        error === undefined ? undefined : { cause: error },
      )
    },
  }
}
