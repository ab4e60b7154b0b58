/**
 * A request sent only to learn an origin's Digest challenge before any credentials are known
 * (a cold start fetches it while the secret is still being read). Its 401 goes back to the
 * caller unchanged; the challenge in it is offered to the first credentials that need one, and
 * requests waiting for a first challenge wait for this one instead of fetching their own.
 */
import type { Dispatcher } from 'undici'
import { parseDigestChallenge } from './challenge.ts'
import type { NonceCache } from './nonce-cache.ts'

type Headers = Record<string, string | string[] | undefined>

export class ChallengeFetchHandler implements Dispatcher.DispatchHandler {
  readonly #handler: Dispatcher.DispatchHandler
  readonly #nonces: NonceCache
  readonly #origin: string
  #endWait: (() => void) | undefined

  constructor(handler: Dispatcher.DispatchHandler, nonces: NonceCache, origin: string) {
    this.#handler = handler
    this.#nonces = nonces
    this.#origin = origin
    if (!nonces.pendingChallenge(origin)) this.#endWait = nonces.expectChallenge(origin)
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
    const challenge =
      statusCode === 401 ? parseDigestChallenge(headers['www-authenticate']) : undefined
    if (challenge) this.#nonces.offer(this.#origin, challenge)
    this.#settle()
    this.#handler.onResponseStart?.(controller, statusCode, headers, statusMessage)
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#handler.onResponseData?.(controller, chunk)
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: Headers): void {
    this.#handler.onResponseEnd?.(controller, trailers)
  }

  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    this.#settle()
    this.#handler.onResponseError?.(controller, error)
  }

  #settle(): void {
    this.#endWait?.()
    this.#endWait = undefined
  }
}
