/**
 * A cold start's first Atlas request, made before the credentials are read: it opens the
 * process-wide connection to Atlas and brings back the Digest challenge, which the first signed
 * request then answers up front. Best effort: it never rejects, and a failure only means the
 * first signed request asks for its own challenge, as it always could. While it is in flight,
 * `holdUntilChallenge` keeps the first event's requests back, so INIT need not wait for it.
 */

import type { Dispatcher } from 'undici'
import type { DigestDispatchOptions } from '../auth/digest/digest-interceptor.ts'
import { dispatchBuffered } from '../transport/buffered-dispatch.ts'
import { abandoned, ForwardingHandler } from '../transport/index.ts'
import { sharedAtlasDispatcher } from './dispatcher.ts'
import type { DeadlineDispatchOptions } from './retry-policy.ts'

/**
 * Any API path answers an unsigned request with the challenge. A v1.0 one: MongoDB documents
 * its token-bucket rate limits for the v2 endpoints.
 */
export const CHALLENGE_PATH = '/api/atlas/v1.0/orgs'

/**
 * Resolves true when Atlas answered with a Digest challenge. `onAnswer` is told once, as soon as
 * Atlas's answer starts to arrive or the request fails, before the answer is read to its end.
 */
export async function prefetchDigestChallenge(
  origin: string,
  timeoutMs = 3_000,
  onAnswer?: () => void,
): Promise<boolean> {
  const abort = new AbortController()
  const timer = setTimeout(() => abort.abort(), timeoutMs)
  let told = false
  const answered = () => {
    if (told) return
    told = true
    try {
      onAnswer?.()
    } catch {}
  }
  try {
    const options: DigestDispatchOptions & DeadlineDispatchOptions = {
      origin,
      path: CHALLENGE_PATH,
      method: 'GET',
      headers: { accept: 'application/json' },
      digestChallengeOnly: true,
      deadline: Date.now() + timeoutMs,
    }
    const shared = sharedAtlasDispatcher(origin)
    const dispatcher = onAnswer
      ? shared.compose(
          (dispatch) =>
            function answerWatch(opts, handler) {
              return dispatch(opts, new AnswerWatch(handler, answered))
            },
        )
      : shared
    const response = await dispatchBuffered(dispatcher, options, abort.signal)
    return (
      response.status === 401 && /^\s*digest\s/i.test(String(response.headers['www-authenticate']))
    )
  } catch {
    return false
  } finally {
    clearTimeout(timer)
    answered()
  }
}

/** Tells `answered` when the answer starts, or the request fails. */
class AnswerWatch extends ForwardingHandler {
  readonly #answered: () => void

  constructor(handler: Dispatcher.DispatchHandler, answered: () => void) {
    super(handler)
    this.#answered = answered
  }

  override onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
    statusMessage?: string,
  ): void {
    this.#answered()
    super.onResponseStart(controller, statusCode, headers, statusMessage)
  }

  override onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    this.#answered()
    super.onResponseError(controller, error)
  }
}

/**
 * `dispatcher`, except that requests dispatched while `challenge` (a prefetch) is in flight
 * wait for it, then go in order: the first signed one answers the challenge up front on the
 * connection it came on, instead of going bare on a second connection. Once `challenge`
 * settles, however it ends, or after `maxHoldMs`, requests pass straight through. `onHold` is
 * told (once) when a first request is held: the event has nothing more to do until Atlas
 * answers.
 */
export function holdUntilChallenge(
  dispatcher: Dispatcher,
  challenge: Promise<unknown>,
  maxHoldMs = 2_000,
  onHold?: () => void,
): Dispatcher {
  let timer: NodeJS.Timeout | undefined
  const heldLongEnough = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, maxHoldMs)
    timer.unref()
  })
  let pending: Promise<unknown> | undefined = Promise.race([challenge, heldLongEnough])
    .catch(() => {})
    .then(() => {
      pending = undefined
      clearTimeout(timer)
    })
  return dispatcher.compose(
    (dispatch) =>
      function holdUntilChallengeInterceptor(opts, handler) {
        if (!pending) return dispatch(opts, handler)
        if (onHold) {
          const told = onHold
          onHold = undefined
          try {
            told()
          } catch {}
        }
        void pending.then(() => {
          try {
            dispatch(opts, handler)
          } catch (error) {
            handler.onResponseError?.(abandoned, error as Error)
          }
        })
        return true
      },
  )
}
