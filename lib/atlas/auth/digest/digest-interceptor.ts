/**
 * An undici interceptor that speaks HTTP Digest (RFC 7616) with nonce reuse.
 *
 * The first request to an origin is sent bare and answered by a challenge; every later request
 * carries `Authorization` up front with the cached nonce and the next `nc`, so a warm process
 * spends one request per call, if the server accepts a nonce answering several requests (RFC
 * 7616 allows it; whether Atlas does is not published). A 401 with `stale=true` or a new nonce
 * is answered once. A 401 repeating a reused nonce earns one fresh challenge, fetched bare and
 * answered `nc=00000001`; after two such refusals the origin's key reuses no nonce again, and
 * every call costs two requests. A 401 right after a fresh challenge goes back to the caller,
 * unless it says `stale=true` (the nonce expired while other requests used it first), which is
 * answered once more. It never loops. A challenge fetched before credentials were known
 * (`digestChallengeOnly`) serves the first request that has them.
 */
import { randomBytes } from 'node:crypto'
import type { Dispatcher } from 'undici'
import type { AttemptLog } from '../../transport/index.ts'
import { abandoned, afterConnectionRelease, ForwardingHandler } from '../../transport/index.ts'
import { type DigestChallenge, parseDigestChallenge } from './challenge.ts'
import { ChallengeFetchHandler } from './challenge-fetch.ts'
import { NonceCache } from './nonce-cache.ts'
import { digestAuthorization, formatNonceCount } from './response.ts'

export interface DigestCredentials {
  readonly username: string
  readonly password: string
}

/** Dispatch options understood by {@link digestAuth}: requests without either pass through. */
export interface DigestDispatchOptions extends Dispatcher.DispatchOptions {
  readonly digest?: DigestCredentials
  /**
   * Sent bare to learn the origin's challenge before credentials are known (see
   * ChallengeFetchHandler); the 401 comes back as it is.
   */
  readonly digestChallengeOnly?: boolean
}

export interface DigestAuthOptions {
  /** Source of client nonces; tests pin it. Default: 16 random bytes, hex. */
  readonly cnonce?: () => string
}

type Headers = Record<string, string | string[] | undefined>

/** A fresh challenge, then at most one `stale=true` (a correct answer to a nonce that expired). */
const MAX_REPLAYS = 2

/** A challenge's body is a few hundred bytes; more is not worth reading to reuse a socket. */
export const MAX_CHALLENGE_BODY_BYTES = 64 * 1024

/**
 * @example
 * const agent = new Agent().compose(digestAuth())
 * await agent.request({ origin, path, method: 'DELETE', digest: { username, password } })
 */
export function digestAuth(
  options: DigestAuthOptions = {},
): Dispatcher.DispatcherComposeInterceptor {
  const nonces = new NonceCache()
  const cnonce = options.cnonce ?? (() => randomBytes(16).toString('hex'))
  return (dispatch) =>
    function digestInterceptor(opts, handler) {
      const { digest: credentials, digestChallengeOnly, ...rest } = opts as DigestDispatchOptions
      const origin = String(opts.origin)
      if (digestChallengeOnly && !credentials)
        return dispatch(rest, new ChallengeFetchHandler(handler, nonces, origin))
      if (!credentials) return dispatch(opts, handler)
      return new DigestHandler(dispatch, rest, handler, {
        nonces,
        origin,
        key: `${origin} ${credentials.username}`,
        credentials,
        cnonce,
      }).start()
    }
}

interface DigestContext {
  readonly nonces: NonceCache
  readonly origin: string
  /** Nonces are kept per origin and username. */
  readonly key: string
  readonly credentials: DigestCredentials
  readonly cnonce: () => string
}

class DigestHandler extends ForwardingHandler {
  readonly #dispatch: Dispatcher.Dispatch
  readonly #opts: Dispatcher.DispatchOptions
  readonly #context: DigestContext
  /** The nonce (and its opaque) the current attempt answered, if it carried Authorization. */
  #sentNonce: string | undefined
  #sentOpaque: string | undefined
  /** The current attempt answered a nonce that had answered others, or that it did not fetch. */
  #sentReused = false
  /** The nonce of the last challenge this request received itself. */
  #received: string | undefined
  /** A challenge this request answers alone (its reuse was refused, or reuse stopped). */
  #own: DigestChallenge | undefined
  /** A refused reuse was answered by fetching a fresh challenge (once per request). */
  #refetched = false
  /** The next attempt goes without Authorization, to fetch that fresh challenge. */
  #bareNext = false
  /** Challenges this request received itself and answered. */
  #replays = 0
  /** True while a 401 is being drained before the replay. */
  #replaying = false
  #drained = 0
  #endChallengeWait: (() => void) | undefined

  constructor(
    dispatch: Dispatcher.Dispatch,
    opts: Dispatcher.DispatchOptions,
    handler: Dispatcher.DispatchHandler,
    context: DigestContext,
  ) {
    super(handler)
    this.#dispatch = dispatch
    this.#opts = opts
    this.#context = context
  }

  start(): boolean {
    const { nonces, key, origin } = this.#context
    // No reuse: this request fetches and answers a challenge of its own.
    if (nonces.reuseStopped(key)) return this.#send()
    if (!nonces.has(key) && !nonces.claimOffered(origin, key)) {
      const wait = nonces.pendingChallenge(key) ?? nonces.pendingChallenge(origin)
      if (wait) {
        // Another request is fetching the first challenge: answer it instead of fetching our own.
        void wait.then(() => this.#retryStart())
        return true
      }
      this.#endChallengeWait = nonces.expectChallenge(key)
    }
    return this.#send()
  }

  #retryStart(): void {
    try {
      this.start()
    } catch (error) {
      this.handler.onResponseError?.(abandoned, error as Error)
    }
  }

  #send(): boolean {
    const { nonces, key } = this.#context
    const bare = this.#bareNext
    this.#bareNext = false
    const use = bare ? undefined : this.#own ? nonces.useOwn(key, this.#own) : nonces.use(key)
    this.#sentNonce = use?.challenge.nonce
    this.#sentOpaque = use?.challenge.opaque
    this.#sentReused =
      use !== undefined && (use.count > 1 || use.challenge.nonce !== this.#received)
    if (!use) return this.#dispatch(this.#opts, this)
    const authorization = this.#authorize(use.challenge, use.count)
    const headers = { ...toRecord(this.#opts.headers), authorization }
    return this.#dispatch({ ...this.#opts, headers }, this)
  }

  #authorize(challenge: DigestChallenge, count: number): string {
    return digestAuthorization({
      ...challenge,
      username: this.#context.credentials.username,
      password: this.#context.credentials.password,
      method: this.#opts.method,
      uri: this.#opts.path,
      nc: formatNonceCount(count),
      cnonce: this.#context.cnonce(),
    })
  }

  override onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Headers,
    statusMessage?: string,
  ): void {
    if (statusCode === 401) {
      const challenge = parseDigestChallenge(headers['www-authenticate'])
      if (challenge && this.#answers(challenge)) {
        this.#replaying = true
        this.#endWait()
        return
      }
    }
    this.#endWait()
    this.handler.onResponseStart?.(controller, statusCode, headers, statusMessage)
  }

  /** Takes in a 401's challenge; true when the request goes again (the 401 is not the answer). */
  #answers(challenge: DigestChallenge): boolean {
    const { nonces, key } = this.#context
    // The same nonce with a new opaque is a new client context (Apache's), not a refusal.
    const refused =
      !challenge.stale &&
      challenge.nonce === this.#sentNonce &&
      challenge.opaque === this.#sentOpaque
    if (refused) {
      // Refused with the very nonce we answered: stop answering it up front (the key may be
      // wrong); its count carries on. A nonce that had answered others may only be refused
      // reuse: fetch a fresh challenge, bare, once, and answer it alone.
      nonces.drop(key, challenge.nonce)
      if (!this.#sentReused || this.#refetched) return false
      this.#refetched = true
      this.#bareNext = true
      if (nonces.noteReuseRefused(key)) {
        const log = (this.#opts as { attemptLog?: AttemptLog }).attemptLog
        if (log) log.nonceReuseStopped = true
      }
      return true
    }
    nonces.remember(key, challenge)
    this.#received = challenge.nonce
    if (this.#refetched || nonces.reuseStopped(key)) this.#own = challenge
    // The fresh challenge fetched after a refused reuse is answered whatever came before.
    const fetched = this.#sentNonce === undefined && this.#refetched && this.#own === challenge
    return this.#replays === 0 || fetched || (challenge.stale && this.#replays < MAX_REPLAYS)
  }

  override onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.#replaying) {
      this.handler.onResponseData?.(controller, chunk)
      return
    }
    // The 401 body is read and dropped so the connection stays reusable, up to a bound.
    this.#drained += chunk.length
    if (this.#drained > MAX_CHALLENGE_BODY_BYTES)
      controller.abort(new Error(`401 body over ${MAX_CHALLENGE_BODY_BYTES} bytes`))
  }

  override onResponseEnd(controller: Dispatcher.DispatchController, trailers: Headers): void {
    if (!this.#replaying) {
      this.handler.onResponseEnd?.(controller, trailers)
      return
    }
    this.#replaying = false
    // Fetching a fresh challenge answers none: the one it brings is still to be answered.
    if (!this.#bareNext) this.#replays += 1
    afterConnectionRelease(() => {
      try {
        this.#send()
      } catch (error) {
        this.handler.onResponseError?.(controller, error as Error)
      }
    })
  }

  override onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    this.#endWait()
    this.handler.onResponseError?.(controller, error)
  }

  #endWait(): void {
    this.#endChallengeWait?.()
    this.#endChallengeWait = undefined
  }
}

function toRecord(headers: Dispatcher.DispatchOptions['headers']): Headers {
  if (headers == null) return {}
  if (Array.isArray(headers)) {
    const record: Headers = {}
    for (let i = 0; i + 1 < headers.length; i += 2) {
      record[String(headers[i]).toLowerCase()] = String(headers[i + 1])
    }
    return record
  }
  if (Symbol.iterator in headers) {
    const record: Headers = {}
    for (const [name, value] of headers as Iterable<[string, string | string[] | undefined]>) {
      record[name.toLowerCase()] = value
    }
    return record
  }
  return { ...(headers as Headers) }
}
