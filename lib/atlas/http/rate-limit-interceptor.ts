/**
 * An undici interceptor that paces requests per Atlas rate-limit scope (see
 * rate-limit-pacing.ts). Requests to a scope wait in line; the one at the head goes when the
 * scope's pause is over and the spacing since the last request has passed, and each answer's
 * `RateLimit-*` headers or 429 adjust both. It sits inside the retry interceptor, so a retry
 * after a 429 waits its turn instead of spending another request while the bucket is empty.
 *
 * A request whose turn would come too late for its deadline does not wait for a burst at the
 * deadline: it ends at once with {@link RateLimitWaitError} (the caller's outcome is
 * `throttled`, and an SQS record goes back to the queue), without an Atlas request.
 * Challenge-only requests (a cold start's prefetch) pass straight through.
 */
import type { Dispatcher } from 'undici'
import type { DigestDispatchOptions } from '../auth/index.ts'
import { abandoned, ForwardingHandler } from '../transport/index.ts'
import {
  DEFAULT_PACING,
  headerNumber,
  type Pacing,
  type PacingSettings,
  pacingAfter,
  RATE_LIMIT_WAIT,
  unpaced,
} from './rate-limit-pacing.ts'
import {
  DEFAULT_RETRY_SETTINGS,
  type DeadlineDispatchOptions,
  parseRetryAfter,
} from './retry-policy.ts'

type Headers = Record<string, string | string[] | undefined>

/** What the endpoint builder said the request spends (see `rateLimitScope`). */
export interface PacedDispatchOptions extends DigestDispatchOptions {
  readonly rateLimitScope?: string
}

/** Atlas's rate limit would hold the request past its deadline: no request was sent. */
export class RateLimitWaitError extends Error {
  override readonly name = 'RateLimitWaitError'
  readonly code = RATE_LIMIT_WAIT
}

interface Waiter {
  readonly deadline: number
  send(): void
  refuse(): void
}

class Scope {
  pacing: Pacing
  lastSentAt = Number.NEGATIVE_INFINITY
  readonly #line: Waiter[] = []
  #timer: NodeJS.Timeout | undefined
  /** Time a request needs before its deadline to be worth sending. */
  readonly minAttemptMs: number

  constructor(pacing: Pacing, minAttemptMs: number) {
    this.pacing = pacing
    this.minAttemptMs = minAttemptMs
  }

  /** When the next request may go. */
  nextAt(): number {
    return Math.max(this.pacing.pausedUntil, this.lastSentAt + this.pacing.delayMs)
  }

  /** When a request joining the line now would go, if nothing changed. */
  turnOfNewcomer(now: number): number {
    const first = Math.max(now, this.nextAt())
    return first + this.#line.length * this.pacing.delayMs
  }

  join(waiter: Waiter): void {
    this.#line.push(waiter)
    this.release()
  }

  /** Sends what may go now, refuses what can no longer go in time, and sets the next wake-up. */
  release(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    let now = Date.now()
    while (this.#line.length > 0) {
      const at = Math.max(now, this.nextAt())
      const late = this.#line.filter((waiter) => at > waiter.deadline - this.minAttemptMs)
      for (const waiter of late) {
        this.#line.splice(this.#line.indexOf(waiter), 1)
        waiter.refuse()
      }
      if (this.#line.length === 0) return
      if (at > now) {
        this.#timer = setTimeout(() => this.release(), at - now)
        return
      }
      this.lastSentAt = now
      this.#line.shift()?.send()
      now = Date.now()
    }
  }
}

export function rateLimitPacing(
  settings: PacingSettings = DEFAULT_PACING,
  random: () => number = Math.random,
  minAttemptMs = DEFAULT_RETRY_SETTINGS.minAttemptMs,
): Dispatcher.DispatcherComposeInterceptor {
  const scopes = new Map<string, Scope>()
  return (dispatch) =>
    function rateLimitInterceptor(opts, handler) {
      if ((opts as DigestDispatchOptions).digestChallengeOnly) return dispatch(opts, handler)
      const key = `${String(opts.origin)} ${(opts as PacedDispatchOptions).rateLimitScope ?? 'global'}`
      let scope = scopes.get(key)
      if (!scope) {
        scope = new Scope(unpaced(settings), minAttemptMs)
        scopes.set(key, scope)
      }
      const paced = scope
      const observe = (status: number, headers: Headers) => {
        const nowMs = Date.now()
        paced.pacing = pacingAfter(
          paced.pacing,
          {
            status,
            remaining: headerNumber(headers['ratelimit-remaining']),
            limit: headerNumber(headers['ratelimit-limit']),
            retryAfterMs: parseRetryAfter(headers['retry-after'], nowMs),
            nowMs,
            random: random(),
          },
          settings,
        )
        paced.release()
      }
      const observing = new ObservingHandler(handler, observe)
      const deadline = (opts as DeadlineDispatchOptions).deadline ?? Number.POSITIVE_INFINITY
      const send = () => {
        try {
          dispatch(opts, observing)
        } catch (error) {
          observing.onResponseError(abandoned, error as Error)
        }
      }
      const refuse = () =>
        handler.onResponseError?.(
          abandoned,
          new RateLimitWaitError("Atlas's rate limit would hold the request past its deadline"),
        )
      if (paced.turnOfNewcomer(Date.now()) > deadline - minAttemptMs) {
        queueMicrotask(refuse)
        return true
      }
      paced.join({ deadline, send, refuse })
      return true
    }
}

/** Passes everything through, telling `observe` each final answer's status and headers. */
class ObservingHandler extends ForwardingHandler {
  readonly #observe: (status: number, headers: Headers) => void

  constructor(
    handler: Dispatcher.DispatchHandler,
    observe: (status: number, headers: Headers) => void,
  ) {
    super(handler)
    this.#observe = observe
  }

  override onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Headers,
    statusMessage?: string,
  ): void {
    if (statusCode >= 200) this.#observe(statusCode, headers)
    super.onResponseStart(controller, statusCode, headers, statusMessage)
  }
}
