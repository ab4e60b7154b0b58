/**
 * A refused request leaves one WARN line (`request refused`: the request id, route, reason and
 * source IP, with a detail naming a header or field, never the body or a secret) and one
 * `Refused` count whose `reason` dimension is a short stable token. A replay answered from
 * memory is no refusal; routes that do not exist (404, 405) are not counted either, so
 * scanners of the URL do not move the metric.
 */
import type { Observer } from '../../audit/revocation-log.ts'
import type { HttpResult } from './http-responses.ts'

/** Every reason a request is refused, as the `Refused` metric's `reason` dimension says it. */
export const REFUSAL_REASONS = [
  /** A webhook-id, webhook-timestamp or webhook-signature header is missing. */
  'missing_signature',
  /** No signature matches (another key, a secret rotated out, a tampered body), or a malformed header. */
  'bad_signature',
  /** The webhook timestamp is more than five minutes off. */
  'stale_timestamp',
  /** The webhook id was seen with another body. */
  'replay_mismatch',
  /** The body is not a revoke request: not JSON, or a field breaking a rule. */
  'invalid_request',
  /** The body is over the size limit. */
  'payload_too_large',
  /** The DELETE route without an IAM caller. */
  'iam_required',
  /** The Okta event hook's Authorization header does not match. */
  'okta_unauthorized',
  /** An organization outside ALLOWED_ORG_IDS. */
  'org_not_allowed',
] as const

export type RefusalReason = (typeof REFUSAL_REASONS)[number]

/** Where a request came from and what it asked for, as a refusal line names it. */
export interface RefusedRequest {
  readonly requestId: string
  /** The route matched, `METHOD /template` (`POST /revocations`). */
  readonly route: string
  readonly sourceIp: string | undefined
}

/** Header and field names only: details must not carry the body or a secret. */
export type RefusalDetails = Readonly<Record<string, string | number | undefined>>

/**
 * Logs and counts a refusal; returns `answer`, the refusal itself.
 *
 * @example
 * return refuse(observer, where, 'iam_required', refusal(403, 'iam_required', '…', requestId))
 */
export function refuse(
  observer: Observer,
  request: RefusedRequest,
  reason: RefusalReason,
  answer: HttpResult,
  details: RefusalDetails = {},
): HttpResult {
  observer.logger.warn('request refused', {
    requestId: request.requestId,
    route: request.route,
    reason,
    sourceIp: request.sourceIp,
    status: answer.statusCode,
    ...details,
  })
  observer.metrics.emit('Refused', 'Count', 1, { reason })
  return answer
}
