/**
 * OAuth 2.0 client-credentials tokens for Atlas service accounts: `POST /api/oauth/token` with
 * HTTP Basic auth, cached per service account until shortly before `expires_in`, fetched once
 * however many calls need one at the same time.
 */
import type { Dispatcher } from 'undici'
import type { ServiceAccount } from '../../credentials/credential-types.ts'
import { type BufferedResponse, dispatchBuffered } from '../transport/index.ts'

export const TOKEN_PATH = '/api/oauth/token'

/** The token endpoint refused or failed: its answer, for the outcome table. */
export class TokenRefusedError extends Error {
  override readonly name = 'TokenRefusedError'
  readonly response: BufferedResponse

  constructor(response: BufferedResponse) {
    super(`token endpoint answered ${response.status}`)
    this.response = response
  }
}

export interface IssuedToken {
  readonly token: string
  /** False when it came from the cache (a 401 then means it expired early: refresh once). */
  readonly fresh: boolean
  /** Requests sent to the token endpoint for it. */
  readonly attempts: number
}

interface Cached {
  readonly account: ServiceAccount
  readonly token: string
  readonly expiresAt: number
}

export interface AccessTokensOptions {
  readonly dispatcher: Dispatcher
  readonly origin: string
  /** Refresh this long before `expires_in` runs out. Default 60 s. */
  readonly refreshMarginMs?: number
  readonly now?: () => number
}

export class AccessTokens {
  readonly #options: AccessTokensOptions
  readonly #cache = new Map<string, Cached>()
  readonly #inFlight = new Map<string, Promise<IssuedToken>>()

  constructor(options: AccessTokensOptions) {
    this.#options = options
  }

  /** A bearer token for `account`; rejects with TokenRefusedError when the endpoint says no. */
  token(account: ServiceAccount, deadline: number, signal: AbortSignal): Promise<IssuedToken> {
    const now = this.#options.now ?? Date.now
    const cached = this.#cache.get(account.clientId)
    if (
      cached?.account.sameAs(account) &&
      cached.expiresAt - (this.#options.refreshMarginMs ?? 60_000) > now()
    ) {
      return Promise.resolve({ token: cached.token, fresh: false, attempts: 0 })
    }
    let pending = this.#inFlight.get(account.clientId)
    if (!pending) {
      pending = this.#fetch(account, deadline, signal).finally(() =>
        this.#inFlight.delete(account.clientId),
      )
      this.#inFlight.set(account.clientId, pending)
    }
    return pending
  }

  /** Forgets the cached token (Atlas refused it). */
  invalidate(account: ServiceAccount): void {
    this.#cache.delete(account.clientId)
  }

  async #fetch(
    account: ServiceAccount,
    deadline: number,
    signal: AbortSignal,
  ): Promise<IssuedToken> {
    const basic = Buffer.from(
      `${encodeURIComponent(account.clientId)}:${encodeURIComponent(account.clientSecret)}`,
    ).toString('base64')
    const response = await dispatchBuffered(
      this.#options.dispatcher,
      {
        origin: this.#options.origin,
        method: 'POST',
        path: TOKEN_PATH,
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: 'grant_type=client_credentials',
        deadline,
      } as Dispatcher.DispatchOptions,
      signal,
    )
    const body = parse(response.body)
    if (
      response.status !== 200 ||
      typeof body?.access_token !== 'string' ||
      body.access_token.trim() === ''
    )
      throw new TokenRefusedError(response)
    const lifetime = typeof body.expires_in === 'number' ? body.expires_in : 3600
    const now = this.#options.now ?? Date.now
    this.#cache.set(account.clientId, {
      account,
      token: body.access_token,
      expiresAt: now() + lifetime * 1000,
    })
    return { token: body.access_token, fresh: true, attempts: response.attempts }
  }
}

function parse(body: Buffer): { access_token?: unknown; expires_in?: unknown } | undefined {
  try {
    return JSON.parse(body.toString('utf8')) as { access_token?: unknown; expires_in?: unknown }
  } catch {
    return undefined
  }
}
