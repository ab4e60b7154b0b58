/**
 * `GET|POST /okta/events`: Okta Event Hooks. Okta sends the header it was configured with
 * (`Authorization: <secret>`) on every request, the one-time verification GET included; it is
 * compared in constant time with each value of the secret named by `OKTA_SECRET_ID` (one per
 * line: two during a rotation). The GET echoes `X-Okta-Verification-Challenge` as
 * `{"verification": …}`. A POST carries System Log events in `data.events[]`: each leaver
 * (deactivated, suspended, deletion started, with outcome SUCCESS and an email login) is handed
 * to the revoke queue, each person once, before the answer. Okta waits 3 seconds, retries at most
 * once and never after a 4xx, so an authenticated delivery is never answered 4xx: what cannot be
 * acted on is skipped with a logged reason and counted (`LeaverSkipped` has an alarm), and only
 * a queue that refuses makes the answer a 503, which Okta retries once. The queue gets until
 * OKTA_ANSWER_MS after the delivery reached the route (or Lambda's remaining time, less the
 * usual margin, when shorter): leavers it has not taken by then are a refusal too, answered 503
 * inside Okta's 3 s rather than a timeout. A wrong Authorization
 * is a refusal, logged and counted (`refusals.ts`). The route acts in no organization itself,
 * so it works while ALLOWED_ORG_IDS is unset: the leavers wait on the revoke queue (and its
 * DLQ), where the queue function leaves them until the scope is set, rather than being refused
 * to an Okta that retries once and drops them.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { describeError } from '../../audit/describe-error.ts'
import { countSkipped } from '../../audit/revocation-metrics.ts'
import { invocationDeadline } from '../container.ts'
import { distinctLeavers, LEAVER_SKIPS, readEventHookDelivery } from '../okta-events.ts'
import type { ApiRequest } from './api-request.ts'
import type { RouteContext } from './http-handler.ts'
import { DEFAULT_RETRY_AFTER_SECONDS, type HttpResult, json, refusal } from './http-responses.ts'
import { EnqueueFailedError } from './revoke-queue.ts'

/**
 * Okta waits 3 s for the answer: the leavers must be queued (or the 503 sent) within this much
 * of the delivery's arrival, leaving the rest for the answer's way back.
 */
export const OKTA_ANSWER_MS = 2_500

/**
 * When the delivery reached API Gateway, so that a cold start counts against Okta's 3 s too;
 * now, when the event does not say or says something implausible (a clock off by more than
 * Okta's wait, which would refuse every delivery).
 */
export function arrival(receivedAt: number | undefined, now = Date.now()): number {
  return receivedAt !== undefined && receivedAt <= now && now - receivedAt < 3_000
    ? receivedAt
    : now
}

export async function oktaEvents(request: ApiRequest, context: RouteContext): Promise<HttpResult> {
  const arrivedAt = arrival(request.receivedAt)
  const { requestId, logger } = context
  const container = context.container()
  if (!container.config.oktaSecretId || !container.revokeQueue)
    return refusal(
      404,
      'not_found',
      'Okta event hooks are not configured (OKTA_SECRET_ID)',
      requestId,
    )
  const secrets = (await container.oktaSecret()).split(/\r?\n/).filter((line) => line.trim())
  if (!secrets.some((secret) => sameSecret(request.headers.authorization, secret))) {
    return context.refuse(
      'okta_unauthorized',
      refusal(
        401,
        'unauthorized',
        'the Authorization header does not match the event hook secret',
        requestId,
      ),
      { detail: request.headers.authorization ? 'no match' : 'missing' },
    )
  }
  if (request.method === 'GET') {
    const challenge = request.headers['x-okta-verification-challenge']
    if (!challenge)
      return context.refuse(
        'invalid_request',
        refusal(
          400,
          'invalid_request',
          'X-Okta-Verification-Challenge header is required',
          requestId,
        ),
        { field: 'x-okta-verification-challenge' },
      )
    return json(200, { verification: challenge })
  }
  let body: unknown
  try {
    body = JSON.parse(request.body.toString('utf8'))
  } catch {
    body = undefined
  }
  const read = readEventHookDelivery(body)
  const leavers = distinctLeavers(read.leavers)
  if (read.skipped.length > 0) {
    const missed = read.skipped.filter((event) => LEAVER_SKIPS.has(event.reason))
    logger[missed.length > 0 ? 'warn' : 'info']('okta events skipped', { skipped: read.skipped })
    countSkipped(context.metrics, read.skipped, LEAVER_SKIPS, 'okta')
  }
  const deadline = Math.min(arrivedAt + OKTA_ANSWER_MS, invocationDeadline(context.remainingMs()))
  try {
    await container.revokeQueue.send(
      leavers.map((leaver) => ({
        request: { username: leaver.username, dryRun: false },
        requestedBy: { trigger: 'okta', oktaEventId: leaver.oktaEventId, requestId },
        deliveryId: leaver.oktaEventId,
      })),
      { deadline },
    )
  } catch (error) {
    if (!(error instanceof EnqueueFailedError)) throw error
    // Okta retries once: if that fails too, these lines are how the leavers are found.
    logger.error('okta leavers not handed to the revoke queue', {
      error: describeError(error),
      notQueued: error.unsent.map((handOver) => ({
        username: 'username' in handOver.request ? handOver.request.username : undefined,
        oktaEventId: handOver.deliveryId,
      })),
    })
    context.metrics.emit('LeaverNotQueued', 'Count', error.unsent.length)
    return refusal(
      503,
      'unavailable',
      'the revoke queue refused the leavers, or did not take them in time; retry',
      requestId,
      {},
      {
        'retry-after': String(DEFAULT_RETRY_AFTER_SECONDS),
      },
    )
  }
  if (container.config.orgScope.kind === 'unset' && leavers.length > 0)
    logger.warn(
      'okta leavers queued while ALLOWED_ORG_IDS is not set: none is revoked until it is',
      {
        leavers: leavers.length,
      },
    )
  logger.info('okta events received', {
    leavers: leavers.map((leaver) => ({
      username: leaver.username,
      eventType: leaver.eventType,
      oktaEventId: leaver.oktaEventId,
    })),
    skipped: read.skipped.length,
  })
  return { statusCode: 200, headers: { 'cache-control': 'no-store' }, body: '' }
}

/** Constant time whatever the lengths: compares digests of the two values. */
function sameSecret(offered: string | undefined, secret: string): boolean {
  if (!offered) return false
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest()
  return timingSafeEqual(digest(offered), digest(secret.trim()))
}
