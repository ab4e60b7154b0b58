/**
 * Handing revoke requests over to the revoke queue (`REVOKE_QUEUE_URL`): Okta's leavers, which
 * Okta will not wait for, and signed webhooks that could not finish now, so the sender's retry
 * policy no longer decides whether an offboarding happens. The SQS client is loaded on first
 * use only: most invocations never need it.
 */
import type { SQSClient } from '@aws-sdk/client-sqs'
import type { RequestedBy } from '../../logging/revocation-log.ts'

/** A revoke request for the queue, with who asked (the queue function logs it in the audit trail). */
export type QueuedRequest = Readonly<Record<string, unknown>> & {
  readonly requestedBy: RequestedBy
}

export interface RevokeQueue {
  /** Sends every request, or throws: nothing is half sent without saying so. */
  send(requests: readonly QueuedRequest[]): Promise<void>
}

/** The queue could not take the requests: the caller answers 503 and its sender retries. */
export class EnqueueFailedError extends Error {
  override readonly name = 'EnqueueFailedError'
}

const BATCH = 10

export function sqsRevokeQueue(queueUrl: string): RevokeQueue {
  let client:
    | Promise<{
        sqs: SQSClient
        Command: typeof import('@aws-sdk/client-sqs').SendMessageBatchCommand
      }>
    | undefined
  const load = () => {
    client ??= import('@aws-sdk/client-sqs').then(({ SQSClient, SendMessageBatchCommand }) => ({
      sqs: new SQSClient({
        maxAttempts: 3,
        requestHandler: { connectionTimeout: 2_000, requestTimeout: 3_000 },
      }),
      Command: SendMessageBatchCommand,
    }))
    return client
  }
  return {
    async send(requests) {
      const { sqs, Command } = await load()
      for (let start = 0; start < requests.length; start += BATCH) {
        const batch = requests.slice(start, start + BATCH)
        let failed: number
        try {
          const answer = await sqs.send(
            new Command({
              QueueUrl: queueUrl,
              Entries: batch.map((request, index) => ({
                Id: String(index),
                MessageBody: JSON.stringify(request),
              })),
            }),
          )
          failed = answer.Failed?.length ?? 0
        } catch (error) {
          throw new EnqueueFailedError(
            `the revoke queue refused the requests (${(error as Error).name})`,
            {
              cause: error,
            },
          )
        }
        if (failed > 0)
          throw new EnqueueFailedError(
            `the revoke queue refused ${failed} of ${batch.length} requests`,
          )
      }
    },
  }
}
