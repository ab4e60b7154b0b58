/**
 * A request sent only to learn an origin's Digest challenge before any credentials are known
 * (a cold start fetches it while the secret is still being read). Its 401 goes back to the
 * caller unchanged; the challenge in it is offered to the first credentials that need one, and
 * requests waiting for a first challenge wait for this one instead of fetching their own.
 */
import type { Dispatcher } from 'undici'
import { ForwardingHandler } from '../../transport/index.ts'
import { parseDigestChallenge } from './challenge.ts'
import type { NonceCache } from './nonce-cache.ts'

type Headers = Record<string, string | string[] | undefined>

export class ChallengeFetchHandler extends ForwardingHandler {
  readonly #nonces: NonceCache
  readonly #origin: string
  #endWait: (() => void) | undefined

  constructor(handler: Dispatcher.DispatchHandler, nonces: NonceCache, origin: string) {
    super(handler)
    this.#nonces = nonces
    this.#origin = origin
    if (!nonces.pendingChallenge(origin)) this.#endWait = nonces.expectChallenge(origin)
  }

  override onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Headers,
    statusMessage?: string,
  ): void {
    const challenge =
      statusCode === 401 ? parseDigestChallenge(headers['www-authenticate']) : undefined
    if (challenge) this.#nonces.offer(this.#origin, challenge)
    this.#settle()
    super.onResponseStart(controller, statusCode, headers, statusMessage)
  }

  override onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    this.#settle()
    super.onResponseError(controller, error)
  }

  #settle(): void {
    this.#endWait?.()
    this.#endWait = undefined
  }
}
