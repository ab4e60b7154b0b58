/**
 * What a call that got no Atlas answer means: the token endpoint refusing a service account,
 * a network error, a timeout, the deadline, or the rate limit that would have held the request
 * past it. Pure. (What an answer means is api/answer-outcome.ts's to say.)
 */
import type { UnprovenOutcome } from '../../outcome.ts'
import { RATE_LIMIT_WAIT } from './rate-limit-pacing.ts'

/**
 * A service account got no usable token. The token endpoint's answer is never taken for the
 * API's: a refusal (4xx) is our credentials', anything else (5xx, a 2xx without a token) an
 * outage.
 *
 * @example
 * outcomeOfTokenRefusal(200) // → upstream_error: a 200 without access_token proves nothing
 */
export function outcomeOfTokenRefusal(status: number): UnprovenOutcome {
  if (status === 429)
    return {
      outcome: 'throttled',
      status,
      detail: "Atlas's token endpoint is rate limiting the service account",
      retryable: true,
    }
  if (status >= 400 && status < 500)
    return {
      outcome: 'unauthorized',
      status,
      detail: `Atlas's token endpoint refused the service account (${status}): check its client id and secret, and its IP access list`,
      retryable: false,
    }
  return {
    outcome: 'upstream_error',
    status,
    detail: `Atlas's token endpoint answered ${status} without a usable access token`,
    retryable: true,
  }
}

/** The outcome when no answer came: a network error, a timeout or the deadline. */
export function outcomeOfFailure(code: string | undefined, message: string): UnprovenOutcome {
  if (code === RATE_LIMIT_WAIT)
    return {
      outcome: 'throttled',
      detail: "Atlas's rate limit would have held the request past the deadline; it was not sent",
      retryable: true,
    }
  const detail =
    code === 'TimeoutError' || code === 'AbortError'
      ? 'deadline reached before Atlas answered'
      : `${code ?? 'network error'}: ${message}`
  return { outcome: 'upstream_error', detail, retryable: true }
}
