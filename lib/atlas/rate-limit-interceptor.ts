/**
 * An undici interceptor that paces requests per Atlas rate-limit scope (see
 * rate-limit-pacing.ts): each request waits for its slot, and each answer's `RateLimit-*`
 * headers or 429 adjust the pacing. It sits inside the retry interceptor, so a retry after a
 * 429 waits for the scope's pause instead of spending another request while the bucket is
 * empty. A wait never runs into the request's deadline: near it, the request goes anyway and
 * Atlas's answer decides.
 */
import type { Dispatcher } from 'undici'
import {
  DEFAULT_PACING,
  headerNumber,
  type Pacing,
  type PacingSettings,
  pacingAfter,
  rateLimitScope,
  unpaced,
} from './rate-limit-pacing.ts'
import { type DeadlineDispatchOptions, parseRetryAfter } from './retry-policy.ts'
import { abandoned } from './transport/abandoned-controller.ts'

type Headers = Record<string, string | string[] | undefined>

interface ScopeState {
  pacing: Pacing
  /** The earliest moment this container's next request to the scope may go. */
  nextSlotAt: number
}

/** Time a request needs before its deadline to be worth holding back. */
const DEADLINE_MARGIN_MS = 250

export function rateLimitPacing(
  settings: PacingSettings = DEFAULT_PACING,
  random: () => number = Math.random,
): Dispatcher.DispatcherComposeInterceptor {
  const scopes = new Map<string, ScopeState>()
  return (dispatch) =>
    function rateLimitInterceptor(opts, handler) {
      const key = `${String(opts.origin)} ${rateLimitScope(opts.path)}`
      let state = scopes.get(key)
      if (!state) {
        state = { pacing: unpaced(settings), nextSlotAt: 0 }
        scopes.set(key, state)
      }
      const scope = state
      const observe = (status: number, headers: Headers) => {
        const nowMs = Date.now()
        scope.pacing = pacingAfter(
          scope.pacing,
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
      }
      const now = Date.now()
      const slot = Math.max(now, scope.nextSlotAt, scope.pacing.pausedUntil)
      scope.nextSlotAt = slot + scope.pacing.delayMs
      const deadline = (opts as DeadlineDispatchOptions).deadline ?? Number.POSITIVE_INFINITY
      const wait = Math.min(slot - now, deadline - DEADLINE_MARGIN_MS - now)
      const paced = new ObservingHandler(handler, observe)
      if (wait <= 0) return dispatch(opts, paced)
      setTimeout(() => {
        try {
          dispatch(opts, paced)
        } catch (error) {
          paced.onResponseError(abandoned, error as Error)
        }
      }, wait)
      return true
    }
}

/** Passes everything through, telling `observe` each final answer's status and headers. */
class ObservingHandler implements Dispatcher.DispatchHandler {
  readonly #handler: Dispatcher.DispatchHandler
  readonly #observe: (status: number, headers: Headers) => void

  constructor(
    handler: Dispatcher.DispatchHandler,
    observe: (status: number, headers: Headers) => void,
  ) {
    this.#handler = handler
    this.#observe = observe
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.#handler.onRequestStart?.(controller, context)
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Headers,
    statusMessage?: string,
  ): void {
    if (statusCode >= 200) this.#observe(statusCode, headers)
    this.#handler.onResponseStart?.(controller, statusCode, headers, statusMessage)
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#handler.onResponseData?.(controller, chunk)
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: Headers): void {
    this.#handler.onResponseEnd?.(controller, trailers)
  }

  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    this.#handler.onResponseError?.(controller, error)
  }
}
