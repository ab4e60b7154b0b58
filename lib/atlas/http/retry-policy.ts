/**
 * When to try an Atlas call again: exponential backoff with full jitter, `Retry-After` honoured,
 * never past the caller's deadline. `retryDelay` is the pure decision; `atlasRetry` plugs it into
 * undici's retry interceptor, which does the re-dispatching.
 */
import type { RetryHandler } from 'undici'
import type { AttemptLog } from '../transport/index.ts'

export interface RetrySettings {
  /** Attempts in all, the first included, not counting those Atlas answered 429. */
  readonly maxAttempts: number
  /**
   * 429 answers a call may get before it ends `throttled`. Kept apart from `maxAttempts` so a
   * call that waited out an empty bucket (rate-limit-interceptor.ts) still has its attempts.
   */
  readonly maxThrottledAttempts: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  /** A `Retry-After` longer than this is not waited for: the call ends `throttled`. */
  readonly maxRetryAfterMs: number
  /** Time an attempt needs to be worth starting; less left before the deadline ends the call. */
  readonly minAttemptMs: number
}

export const DEFAULT_RETRY_SETTINGS: RetrySettings = {
  maxAttempts: 4,
  maxThrottledAttempts: 10,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 60_000,
  minAttemptMs: 250,
}

export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504])

export const RETRYABLE_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
])

export interface RetryDecisionInput {
  /** Attempts made so far (1 after the first failure), 429s excluded. */
  readonly attempts: number
  /** Of the attempts made, those Atlas answered 429. Default 0. */
  readonly throttled?: number
  /** The server's `Retry-After`, in milliseconds, when it sent one. */
  readonly retryAfterMs: number | undefined
  readonly nowMs: number
  readonly deadlineMs: number
  /** A number in [0, 1): the jitter. */
  readonly random: number
}

/** Milliseconds to wait before the next attempt, or `undefined` to stop trying. */
export function retryDelay(input: RetryDecisionInput, settings: RetrySettings): number | undefined {
  if (input.attempts >= settings.maxAttempts) return undefined
  if ((input.throttled ?? 0) >= settings.maxThrottledAttempts) return undefined
  let delay: number
  if (input.retryAfterMs !== undefined) {
    if (input.retryAfterMs > settings.maxRetryAfterMs) return undefined
    delay = Math.max(0, input.retryAfterMs)
  } else {
    const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (input.attempts - 1))
    delay = Math.floor(input.random * ceiling)
  }
  if (input.nowMs + delay + settings.minAttemptMs > input.deadlineMs) return undefined
  return delay
}

/** Parses `Retry-After` (delta-seconds or an HTTP-date) into milliseconds from `nowMs`. */
export function parseRetryAfter(
  value: string | string[] | undefined,
  nowMs: number,
): number | undefined {
  const text = Array.isArray(value) ? value[0] : value
  if (text === undefined || text.trim() === '') return undefined
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs)
}

/**
 * Failures after which the request may have been carried out by Atlas: the connection broke or
 * timed out after it was sent, or a 5xx came back (a gateway may answer so after the work was
 * done). A refused connection or a failed lookup never reached Atlas.
 */
export const LOST_ANSWER_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
])

/** Whether a failed attempt may have reached Atlas and been carried out, its answer lost. */
export function mayHaveBeenCarriedOut(failure: {
  readonly statusCode?: unknown
  readonly code?: unknown
}): boolean {
  if (typeof failure.statusCode === 'number') return failure.statusCode >= 500
  return typeof failure.code === 'string' && LOST_ANSWER_CODES.has(failure.code)
}

/** A status decides when there is one; otherwise the network error code does. */
export function isRetryable(failure: {
  readonly statusCode?: unknown
  readonly code?: unknown
}): boolean {
  if (typeof failure.statusCode === 'number') return RETRYABLE_STATUSES.has(failure.statusCode)
  return typeof failure.code === 'string' && RETRYABLE_ERROR_CODES.has(failure.code)
}

/** Dispatch options the retry policy reads: the absolute deadline, in epoch milliseconds. */
export interface DeadlineDispatchOptions {
  readonly deadline?: number
  /** Told of each retried attempt that may have been carried out, its answer lost. */
  readonly attemptLog?: AttemptLog
}

/**
 * The `retry` callback for undici's retry interceptor.
 *
 * @example
 * pool.compose(interceptors.retry({ throwOnError: false, retry: atlasRetry() }))
 */
export function atlasRetry(
  settings: RetrySettings = DEFAULT_RETRY_SETTINGS,
  random: () => number = Math.random,
): RetryHandler.RetryCallback {
  // 429s per call, kept apart from the other attempts; undici's retry options are one object
  // per call (the `opts` it passes is a fresh copy each time).
  const throttledCalls = new WeakMap<object, number>()
  return (error, { state, opts }, callback) => {
    const failure = error as Error & {
      statusCode?: number
      code?: string
      headers?: Record<string, string | string[] | undefined>
    }
    if (!isRetryable(failure)) {
      callback(error)
      return
    }
    const log = (opts as DeadlineDispatchOptions).attemptLog
    if (log && mayHaveBeenCarriedOut(failure)) log.lostAnswers += 1
    const nowMs = Date.now()
    const call = (opts as { retryOptions?: object }).retryOptions ?? opts
    const throttled = (throttledCalls.get(call) ?? 0) + (failure.statusCode === 429 ? 1 : 0)
    throttledCalls.set(call, throttled)
    const delay = retryDelay(
      {
        attempts: state.counter - throttled,
        throttled,
        retryAfterMs: parseRetryAfter(failure.headers?.['retry-after'], nowMs),
        nowMs,
        deadlineMs: (opts as DeadlineDispatchOptions).deadline ?? Number.POSITIVE_INFINITY,
        random: random(),
      },
      settings,
    )
    if (delay === undefined) {
      callback(error)
      return
    }
    return setTimeout(() => callback(null), delay)
  }
}
