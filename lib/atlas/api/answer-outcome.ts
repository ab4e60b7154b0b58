/**
 * What an Atlas answer means for a revocation. Pure: a status, headers and body in, an
 * {@link Outcome} out. A 404 is never read here alone: whether it settles anything depends on
 * what it names (see not-found-evidence.ts), which the API adapters decide.
 */
import type { UnprovenOutcome } from '../../outcome.ts'
import { parseRetryAfter } from '../http/index.ts'

const UNAUTHORIZED =
  'Atlas refused the credentials: check the key pair (or service account), that it belongs to the organization, and its IP access list'
const FORBIDDEN =
  'Atlas refused the action: the key needs the Organization Owner role here, and this caller must be on its IP access list'

export interface AtlasAnswer {
  readonly status: number
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  /** Parsed JSON, or `undefined` for an empty or non-JSON body. */
  readonly body: unknown
}

/**
 * The outcome of an answer that is not a success and not a 404: the key (401), its role or
 * access list (403), the rate limit (429), the request (other 4xx) or Atlas itself (5xx).
 * A 404 reaching here had no evidence behind it, so it is an `upstream_error`.
 *
 * @example
 * outcomeOfRefusal({ status: 403, headers: {}, body: { errorCode: 'USER_UNAUTHORIZED' } })
 * // → { outcome: 'forbidden', status: 403, errorCode: 'USER_UNAUTHORIZED', retryable: false }
 */
export function outcomeOfRefusal(answer: AtlasAnswer, nowMs = Date.now()): UnprovenOutcome {
  const { status } = answer
  const base = { status, ...atlasError(answer) }
  if (status === 401)
    return { outcome: 'unauthorized', ...base, detail: UNAUTHORIZED, retryable: false }
  if (status === 403) return { outcome: 'forbidden', ...base, detail: FORBIDDEN, retryable: false }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(answer.headers['retry-after'], nowMs)
    return {
      outcome: 'throttled',
      ...base,
      retryable: true,
      ...(retryAfterMs === undefined ? {} : { retryAfterSeconds: Math.ceil(retryAfterMs / 1000) }),
    }
  }
  if (status >= 400 && status < 500 && status !== 404)
    return { outcome: 'invalid', ...base, retryable: false }
  return {
    outcome: 'upstream_error',
    ...base,
    ...(status === 404 ? { detail: 'Atlas answered 404 without naming what is missing' } : {}),
    retryable: true,
  }
}

/** Atlas answered, but not in the shape its spec documents: nothing can be concluded from it. */
export function unexpectedAnswer(answer: AtlasAnswer, what: string): UnprovenOutcome {
  return {
    outcome: 'upstream_error',
    status: answer.status,
    ...atlasError(answer),
    detail: `Atlas answered ${what} in an undocumented shape`,
    retryable: true,
  }
}

/** `errorCode` (body, else `X-Error-Code`) and `detail` of an Atlas error answer. */
export function atlasError(answer: AtlasAnswer): { errorCode?: string; atlasDetail?: string } {
  const body = answer.body
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  const header = answer.headers['x-error-code']
  const errorCode =
    typeof fields.errorCode === 'string'
      ? fields.errorCode
      : typeof header === 'string'
        ? header
        : undefined
  const detail = typeof fields.detail === 'string' ? fields.detail : undefined
  return {
    ...(errorCode === undefined ? {} : { errorCode }),
    ...(detail === undefined ? {} : { atlasDetail: detail }),
  }
}
