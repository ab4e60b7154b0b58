/**
 * `GET|POST /okta/events`: Okta Event Hooks. Okta sends the header it was configured with
 * (`Authorization: <secret>`) on every request, the one-time verification GET included; it is
 * compared in constant time with the secret named by `OKTA_SECRET_ID`. The GET echoes
 * `X-Okta-Verification-Challenge` as `{"verification": …}`. A POST carries System Log events in
 * `data.events[]`: each leaver (deactivated, suspended, deletion started) is handed to the
 * revoke queue and the answer is an empty 200 at once, because Okta waits 3 seconds and retries
 * at most once; other events are acknowledged and ignored.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { describeError } from '../../logging/describe-error.ts'
import { eventHookEvents, leaversOfSystemLogEvent } from '../okta-events.ts'
import type { ApiRequest } from './api-request.ts'
import type { HttpContext } from './http-context.ts'
import { DEFAULT_RETRY_AFTER_SECONDS, type HttpResult, json, refusal } from './http-responses.ts'
import { EnqueueFailedError } from './revoke-queue.ts'

/** Okta batches events that happen close together: more room than a webhook body. */
export const MAX_OKTA_BODY_BYTES = 256 * 1024

export async function oktaEvents(request: ApiRequest, context: HttpContext): Promise<HttpResult> {
  const { requestId, logger } = context
  const runtime = context.runtime()
  if (!runtime.config.oktaSecretId || !runtime.revokeQueue)
    return refusal(
      404,
      'not_found',
      'Okta event hooks are not configured (OKTA_SECRET_ID)',
      requestId,
    )
  if (request.body.length > MAX_OKTA_BODY_BYTES)
    return refusal(
      413,
      'payload_too_large',
      `bodies are limited to ${MAX_OKTA_BODY_BYTES} bytes`,
      requestId,
    )
  const secret = await runtime.oktaSecret()
  if (!sameSecret(request.headers.authorization, secret)) {
    logger.warn('okta event hook refused: Authorization does not match')
    return refusal(
      401,
      'unauthorized',
      'the Authorization header does not match the event hook secret',
      requestId,
    )
  }
  if (request.method === 'GET') {
    const challenge = request.headers['x-okta-verification-challenge']
    if (!challenge)
      return refusal(
        400,
        'invalid_request',
        'X-Okta-Verification-Challenge header is required',
        requestId,
      )
    return json(200, { verification: challenge })
  }
  let events: unknown[] | undefined
  try {
    events = eventHookEvents(JSON.parse(request.body.toString('utf8')))
  } catch {
    events = undefined
  }
  if (!events)
    return refusal(
      400,
      'invalid_request',
      'the body is not an Okta event hook delivery (data.events)',
      requestId,
      {
        field: 'data.events',
      },
    )
  const leavers = events.flatMap(leaversOfSystemLogEvent)
  try {
    await runtime.revokeQueue.send(
      leavers.map((leaver) => ({
        username: leaver.username,
        requestedBy: { trigger: 'okta', oktaEventId: leaver.oktaEventId, requestId },
      })),
    )
  } catch (error) {
    if (!(error instanceof EnqueueFailedError)) throw error
    logger.error('okta leavers not handed to the revoke queue', { error: describeError(error) })
    return refusal(
      503,
      'unavailable',
      'the revoke queue refused the leavers; retry',
      requestId,
      {},
      {
        'retry-after': String(DEFAULT_RETRY_AFTER_SECONDS),
      },
    )
  }
  logger.info('okta events received', {
    events: events.length,
    leavers: leavers.map((leaver) => ({
      username: leaver.username,
      eventType: leaver.eventType,
      oktaEventId: leaver.oktaEventId,
    })),
  })
  return { statusCode: 200, headers: { 'cache-control': 'no-store' }, body: '' }
}

/** Constant time whatever the lengths: compares digests of the two values. */
function sameSecret(offered: string | undefined, secret: string): boolean {
  if (!offered) return false
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest()
  return timingSafeEqual(digest(offered), digest(secret.trim()))
}
