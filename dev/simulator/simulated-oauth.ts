/**
 * Atlas's OAuth 2.0 token endpoint for service accounts (`POST /api/oauth/token`, client
 * credentials with HTTP Basic auth) and the bearer tokens it issues, with their lifetime.
 */
import { randomBytes } from 'node:crypto'
import type { SimulatedServiceAccount } from './principal-registry.ts'
import type { SimulatedResponse } from './simulated-responses.ts'

export class TokenIssuer {
  readonly #tokens = new Map<string, { clientId: string; expiresAt: number }>()
  readonly #lifetimeSeconds: number
  readonly #now: () => number

  constructor(lifetimeSeconds: number, now: () => number = Date.now) {
    this.#lifetimeSeconds = lifetimeSeconds
    this.#now = now
  }

  /** Answers a token request: 200 with a bearer token, or 400/401 in OAuth's error shape. */
  answer(
    authorization: string | undefined,
    body: string,
    account: (clientId: string) => SimulatedServiceAccount | undefined,
  ): SimulatedResponse & { issuedTo?: string } {
    const form = new URLSearchParams(body)
    if (form.get('grant_type') !== 'client_credentials') {
      return oauthError(400, 'unsupported_grant_type', 'grant_type must be client_credentials')
    }
    const [scheme, encoded = ''] = (authorization ?? '').split(' ')
    const [clientId = '', clientSecret = ''] = Buffer.from(encoded, 'base64')
      .toString('utf8')
      .split(':')
    const found = scheme?.toLowerCase() === 'basic' ? account(clientId) : undefined
    if (!found || found.clientSecret !== clientSecret)
      return oauthError(401, 'invalid_client', 'Invalid client credentials')
    this.#sweep()
    const token = randomBytes(32).toString('base64url')
    this.#tokens.set(token, { clientId, expiresAt: this.#now() + this.#lifetimeSeconds * 1000 })
    return {
      status: 200,
      headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Server: 'mdbws' },
      body: JSON.stringify({
        access_token: token,
        expires_in: this.#lifetimeSeconds,
        token_type: 'Bearer',
      }),
      issuedTo: clientId,
    }
  }

  /** The client id a bearer token was issued to, or `undefined` when unknown or expired. */
  verify(token: string): string | undefined {
    const entry = this.#tokens.get(token)
    return entry && entry.expiresAt > this.#now() ? entry.clientId : undefined
  }

  /** Ends every token now (tests of the refresh-on-401 path). */
  expireAll(): void {
    this.#tokens.clear()
  }

  #sweep(): void {
    for (const [token, entry] of this.#tokens)
      if (entry.expiresAt <= this.#now()) this.#tokens.delete(token)
  }
}

/** The 401 for a missing, unknown or expired bearer token. */
export function invalidToken(): SimulatedResponse {
  return {
    status: 401,
    headers: {
      'Content-Type': 'application/json',
      Server: 'mdbws',
      'Www-Authenticate': 'Bearer error="invalid_token"',
    },
    body: JSON.stringify({
      detail: 'You are not authorized for this resource.',
      error: 401,
      errorCode: 'UNEXPECTED_ERROR',
      parameters: [],
      reason: 'Unauthorized',
    }),
  }
}

function oauthError(status: number, error: string, description: string): SimulatedResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Server: 'mdbws' },
    body: JSON.stringify({ error, error_description: description }),
  }
}
