/**
 * `POST /revocations`: an HR system's signed webhook (Standard Webhooks). The signature is
 * checked on the raw bytes before anything else; a replay gets the first answer. When Atlas
 * cannot finish the revocation now (throttled, unavailable, the deadline) the request is handed
 * to the revoke queue and answered 202 `queued`, so whether the offboarding happens no longer
 * depends on the sender retrying; only if the queue refuses too is the answer a 503. Every
 * refusal (size, signature, another body under a remembered id, a body that is no request) is
 * logged and counted (`refusals.ts`).
 */
import { createHash } from 'node:crypto'
import { describeError } from '../../audit/describe-error.ts'
import { SecretUnavailableError } from '../../credentials/secret-cache.ts'
import { ValidationError } from '../../errors.ts'
import { LedgerUnavailableError } from '../../ledger/ledger.ts'
import { OrgNotAllowedError } from '../../revoke/revoke.ts'
import type { RevokeReport } from '../../revoke/revoke-report.ts'
import {
  parseRevokeRequest,
  type RevokeRequest,
  toRevokeInput,
} from '../../revoke/revoke-request.ts'
import { ANSWER_MS, invocationDeadline } from '../container.ts'
import { RepeatMismatchError } from '../repeats.ts'
import type { ApiRequest } from './api-request.ts'
import { errorAnswer } from './error-answers.ts'
import type { RouteContext } from './http-handler.ts'
import { type HttpResult, json, keptAnswer, refusal, reportResponse } from './http-responses.ts'
import { EnqueueFailedError } from './revoke-queue.ts'
import { WebhookSignatureError } from './webhook-signature.ts'

export const MAX_BODY_BYTES = 16 * 1024

export async function webhookRevocation(
  request: ApiRequest,
  context: RouteContext,
): Promise<HttpResult> {
  const { requestId, logger } = context
  const container = context.container()
  if (request.body.length > MAX_BODY_BYTES) {
    return context.refuse(
      'payload_too_large',
      refusal(413, 'payload_too_large', `bodies are limited to ${MAX_BODY_BYTES} bytes`, requestId),
      { bytes: request.body.length },
    )
  }
  const verify = await container.webhookVerifier()
  let webhookId: string
  try {
    webhookId = verify(request.headers, request.body)
  } catch (error) {
    if (!(error instanceof WebhookSignatureError)) throw error
    return context.refuse(
      error.reason,
      refusal(401, 'invalid_signature', error.message, requestId),
      { detail: error.message, webhookId: request.headers['webhook-id']?.slice(0, 256) },
    )
  }
  // A replay reaching this container joins or repeats the first answer; one reaching another
  // container is recognized there too (IDEMPOTENCY_TABLE).
  try {
    const { answer, replayed } = await container.webhookReplays.answer(
      webhookId,
      request.body,
      () => acrossContainers(request.body, webhookId, context),
    )
    if (replayed) logger.info('webhook replay answered from the first delivery', { webhookId })
    return answer
  } catch (error) {
    if (!(error instanceof RepeatMismatchError)) throw error
    return context.refuse('replay_mismatch', refusal(409, 'conflict', error.message, requestId), {
      webhookId,
    })
  }
}

/** The first answer to this webhook id, whichever container gave it. */
async function acrossContainers(
  rawBody: Buffer,
  webhookId: string,
  context: RouteContext,
): Promise<HttpResult> {
  const { repeats } = context.container()
  if (!repeats) return revokeOrHandOver(rawBody, webhookId, context)
  const digest = createHash('sha256').update(rawBody).digest('base64')
  const { result, repeated } = await repeats.once(
    `webhook:${webhookId}`,
    digest,
    () => revokeOrHandOver(rawBody, webhookId, context),
    keptAnswer,
    context.remainingMs,
  )
  if (repeated)
    context.logger.info('webhook repeat answered from the first delivery (another container)', {
      webhookId,
    })
  return result
}

async function revokeOrHandOver(
  rawBody: Buffer,
  webhookId: string,
  context: RouteContext,
): Promise<HttpResult> {
  let body: unknown
  try {
    body = JSON.parse(rawBody.toString('utf8'))
  } catch {
    return context.refuse(
      'invalid_request',
      refusal(400, 'invalid_json', 'the body is not JSON', context.requestId, { field: 'body' }),
      { field: 'body', webhookId },
    )
  }
  let report: RevokeReport
  try {
    report = await context.revoke(body, { trigger: 'webhook', webhookId })
  } catch (error) {
    // Refused for what it asks: the answer (logged and counted once), which no replay keeps.
    if (error instanceof ValidationError || error instanceof OrgNotAllowedError)
      return errorAnswer(error, context)
    // The Atlas key could not be read, or the ledger not written: the request is valid, and
    // the queue can do (or find done, and record) it later.
    const why =
      error instanceof SecretUnavailableError
        ? 'the Atlas key could not be read'
        : error instanceof LedgerUnavailableError
          ? 'the ledger could not be written'
          : undefined
    if (why) {
      const handedOver = await handOver(parseRevokeRequest(body), webhookId, context, why)
      if (handedOver) return handedOver
    }
    throw error
  }
  const answer = reportResponse(report, context.requestId)
  if (!report.retryable || report.request.dryRun) return answer
  return (
    (await handOver(report.request, webhookId, context, `Atlas answered ${report.outcome}`)) ??
    answer
  )
}

/** What the hand-over gets however little is left: one SQS call takes 10–30 ms. */
const HANDOVER_FLOOR_MS = 250

export function handOverDeadline(remainingMs: number, now = Date.now()): number {
  return Math.max(invocationDeadline(remainingMs, now, ANSWER_MS), now + HANDOVER_FLOOR_MS)
}

/**
 * The 202 for a request the revoke queue took (the request as parsed, never the raw body), or
 * `undefined` when there is no queue or it refused.
 */
async function handOver(
  request: RevokeRequest,
  webhookId: string,
  context: RouteContext,
  why: string,
): Promise<HttpResult | undefined> {
  const queue = context.container().revokeQueue
  if (!queue) return undefined
  const { requestId } = context
  try {
    await queue.send(
      [
        {
          request: toRevokeInput(request),
          requestedBy: { trigger: 'webhook', webhookId, requestId },
          deliveryId: webhookId,
        },
      ],
      // The revocation stopped a second short of Lambda's end for this: the hand-over may use
      // that second, less a little for the answer, and is tried even when less is left (a
      // send cut short by Lambda's end is a 5xx too, which the sender retries).
      { deadline: handOverDeadline(context.remainingMs()) },
    )
  } catch (error) {
    if (!(error instanceof EnqueueFailedError)) throw error
    context.logger.error('webhook not handed to the revoke queue', {
      webhookId,
      error: describeError(error),
    })
    return undefined
  }
  context.logger.info('webhook handed to the revoke queue', { webhookId, why })
  return json(202, {
    outcome: 'queued',
    detail: `${why}; the revoke queue will finish it, retrying as needed`,
    requestId,
  })
}
