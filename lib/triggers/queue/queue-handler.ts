/**
 * The SQS function: each record is a revoke request (raw, SNS-wrapped, or an EventBridge event
 * carrying one or an Okta leaver event). A record is acked on the outcome table's word (`acked`):
 * what is done (`revoked`, `already_gone`, `removed_member`, a dry run's report, `not_found`) and
 * what is final (`active_member`, which no retry can change); everything else is a batch item
 * failure, so SQS redelivers it and, after maxReceiveCount, moves it to the DLQ. Records run concurrently up to
 * QUEUE_CONCURRENCY (FIFO queues: in order, and a failed record fails the rest of its own
 * message group only), all within the invocation's deadline. While ALLOWED_ORG_IDS is unset no
 * record is read: each fails for a reason outside the messages, so the batch fails and stays on
 * the queue, and nothing reaches Atlas.
 */

import { createHash } from 'node:crypto'
import {
  BatchProcessor,
  EventType,
  processPartialResponse,
  SqsFifoPartialProcessorAsync,
} from '@aws-lambda-powertools/batch'
import type { Logger } from '@aws-lambda-powertools/logger'
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware'
import middy from '@middy/core'
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda'
import pLimit from 'p-limit'
import { describeError } from '../../audit/describe-error.ts'
import { createLogger } from '../../audit/logger.ts'
import { type Observer, warnDeprecation } from '../../audit/revocation-log.ts'
import { countSkipped, type MetricSink, powertoolsMetrics } from '../../audit/revocation-metrics.ts'
import { loadFunctionConfig } from '../../config/function-config.ts'
import { ValidationError } from '../../errors.ts'
import { LedgerUnavailableError } from '../../ledger/ledger.ts'
import { type OutcomeKind, rulesOf } from '../../outcome.ts'
import { OrgNotAllowedError, revoke } from '../../revoke/revoke.ts'
import {
  ANSWER_MS,
  announceOrgScope,
  announceStartFailure,
  type Container,
  type ContainerOverrides,
  createContainer,
  invocationDeadline,
  madeAtInit,
  requireOrgScope,
} from '../container.ts'
import { REQUESTED_BY_ATTRIBUTE } from '../handover.ts'
import { LEAVER_SKIPS } from '../okta-events.ts'
import { recordRequest } from '../record-request.ts'
import { RepeatInProgressError, RepeatMismatchError, RepeatsUnavailableError } from '../repeats.ts'
import {
  BatchFailedError,
  type FailureCause,
  RecordNotSettledError,
  shouldFailWholeBatch,
} from './batch-failure-policy.ts'
import { type QueueMessage, readQueueMessage } from './queue-message.ts'

export interface QueueHandlerOptions extends ContainerOverrides {
  readonly logger?: Logger
  readonly metrics?: MetricSink
}

/**
 * @example
 * // functions/queue/index.ts
 * export const handler = createQueueHandler(process.env)
 */
export function createQueueHandler(
  env: Readonly<Record<string, string | undefined>>,
  options: QueueHandlerOptions = {},
) {
  const observer = {
    logger: options.logger ?? createLogger(),
    metrics: options.metrics ?? powertoolsMetrics(env),
  }
  const { logger } = observer
  const container = madeAtInit(
    () => {
      const built = createContainer(loadFunctionConfig(env, 'queue'), {
        ...options,
        onDeprecation: warnDeprecation(observer),
      })
      announceOrgScope(logger, built.config.orgScope, 'queue')
      return built
    },
    (error) => announceStartFailure(logger, error),
  )
  const handle = (event: SQSEvent, context: Context) =>
    handleQueueBatch(event, context, container(), observer)
  return middy(handle).use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
}

export async function handleQueueBatch(
  event: SQSEvent,
  context: Context,
  container: Container,
  observer: Observer,
): Promise<SQSBatchResponse> {
  const { logger } = observer
  const remainingMs = context.getRemainingTimeInMillis()
  const deadline = invocationDeadline(remainingMs)
  // The ledger's writes may use the second the revocations leave, less the answer's time.
  const writeBy = invocationDeadline(remainingMs, Date.now(), ANSWER_MS)
  const records = event.Records ?? []
  const fifo = records[0]?.eventSourceARN?.endsWith('.fifo') === true
  const failures: FailureCause[] = []

  const handleRecord = async (record: SQSRecord) => {
    try {
      // Without a scope the record is not read, nor claimed across containers.
      requireOrgScope(container.config)
      await onceAcrossContainers(record, container, context, () =>
        revokeRecord(record, container, observer, deadline, writeBy),
      )
    } catch (error) {
      const cause = error instanceof RecordNotSettledError ? error.failureCause : 'environment'
      failures.push(cause)
      logger.warn('record not acked', {
        messageId: record.messageId,
        cause,
        error: describeError(error),
      })
      throw error
    }
  }

  let response: SQSBatchResponse
  if (fifo) {
    response = await processPartialResponse(
      event,
      handleRecord,
      new SqsFifoPartialProcessorAsync(),
      {
        context,
        // Order matters within a message group only: other groups go on.
        skipGroupOnError: true,
        throwOnFullBatchFailure: false,
      },
    )
  } else {
    const limit = pLimit(container.config.queueConcurrency)
    response = await processPartialResponse(
      event,
      (record: SQSRecord) => limit(() => handleRecord(record)),
      new BatchProcessor(EventType.SQS),
      {
        context,
        throwOnFullBatchFailure: false,
      },
    )
  }
  if (shouldFailWholeBatch(records.length, response.batchItemFailures.length, failures)) {
    throw new BatchFailedError(
      `all ${records.length} records failed for reasons outside the messages; SQS will retry them`,
    )
  }
  return response
}

/**
 * Runs a record once for every container (IDEMPOTENCY_TABLE): a repeat of a delivery already
 * done (the same SQS message, the same hand-over delivered twice, or the same Okta System Log
 * event in two EventBridge deliveries) is acked without running. A delivery is keyed by its id
 * and a digest of what it carries, so a copy under the same id that asks something else runs.
 */
async function onceAcrossContainers(
  record: SQSRecord,
  container: Container,
  context: Context,
  work: () => Promise<void>,
): Promise<void> {
  const { repeats } = container
  if (!repeats) return work()
  const message = messageOf(record, container)
  const digest = createHash('sha256')
    .update(message.deliveryContent ?? record.body)
    .digest('base64')
  const key =
    message.deliveryId === undefined
      ? `message:${record.messageId}`
      : `delivery:${message.deliveryId}:${digest}`
  try {
    await repeats.once(
      key,
      digest,
      async () => {
        await work()
        return 'done'
      },
      () => true,
      () => context.getRemainingTimeInMillis(),
    )
  } catch (error) {
    if (
      error instanceof RepeatInProgressError ||
      error instanceof RepeatMismatchError ||
      error instanceof RepeatsUnavailableError
    )
      throw new RecordNotSettledError(error.message, 'environment')
    throw error
  }
}

async function revokeRecord(
  record: SQSRecord,
  container: Container,
  observer: Observer,
  deadline: number,
  writeBy: number,
): Promise<void> {
  const receivedAt = new Date()
  if (Date.now() >= deadline)
    throw new RecordNotSettledError('deadline reached before the record started', 'environment')
  const message = messageOf(record, container)
  if (message.skipped.length > 0) {
    observer.logger[message.requests.length > 0 ? 'info' : 'warn']('record events skipped', {
      messageId: record.messageId,
      requestedBy: message.requestedBy,
      skipped: message.skipped,
    })
    countSkipped(observer.metrics, message.skipped, LEAVER_SKIPS, message.requestedBy.trigger)
  }
  if (message.requests.length === 0) {
    observer.logger.info('record acked: nothing to revoke', { messageId: record.messageId })
    return
  }
  const requestedBy = { ...message.requestedBy, messageId: record.messageId }
  let worst: OutcomeKind | undefined
  for (const request of message.requests) {
    let report: Awaited<ReturnType<typeof revoke>>
    try {
      report = await revoke(request, container.revokeSettings(), deadline)
    } catch (error) {
      // Malformed, or for an organization this deployment does not serve: the message's fault.
      if (error instanceof ValidationError || error instanceof OrgNotAllowedError)
        throw new RecordNotSettledError(error.message, 'message')
      throw error
    }
    try {
      await recordRequest(
        observer,
        container.ledger,
        {
          includeProjects: container.config.includeProjects,
          retentionDays: container.config.ledgerRetentionDays,
        },
        report,
        {
          requestedBy,
          receivedAt,
          writeBy,
          ...(message.claimedBy === undefined ? {} : { claimedBy: message.claimedBy }),
        },
      )
    } catch (error) {
      // Not recorded is not done: the record comes back, and the retry records what it finds.
      if (error instanceof LedgerUnavailableError)
        throw new RecordNotSettledError(error.message, 'environment')
      throw error
    }
    if (worst === undefined || rulesOf(report.outcome).precedence < rulesOf(worst).precedence)
      worst = report.outcome
  }
  // Acked when done, or final (`active_member`: a person must act, and its alarm asks one).
  const rules = rulesOf(worst ?? 'already_gone')
  if (!rules.acked)
    throw new RecordNotSettledError(`outcome ${worst}`, rules.sqsFailure ?? 'environment')
}

function messageOf(record: SQSRecord, container: Container): QueueMessage {
  try {
    return readQueueMessage(record.body, {
      senderId: record.attributes?.SenderId,
      requestedByAttribute: record.messageAttributes?.[REQUESTED_BY_ATTRIBUTE]?.stringValue,
      trustedSender: container.config.trustedHandoverSender,
    })
  } catch (error) {
    if (error instanceof ValidationError) throw new RecordNotSettledError(error.message, 'message')
    throw error
  }
}
