/**
 * Who is calling, decided as Atlas does: a service account with a live bearer token (from the
 * OAuth token endpoint) or an API key passing Digest; and the 401s that refuse everyone else, a
 * fresh Digest challenge or `invalid_token`, each counted.
 */
import type { NonceRegistry } from './nonce-registry.ts'
import type { SimulatedPrincipal } from './principal-registry.ts'
import type { RequestRecorder } from './request-recorder.ts'
import type { SimulatedAtlasState } from './simulated-atlas-state.ts'
import { type DigestRequest, verifyDigest } from './simulated-digest-verifier.ts'
import { invalidToken, type TokenIssuer } from './simulated-oauth.ts'
import { digestChallenge, type SimulatedResponse } from './simulated-responses.ts'
import type { SimulatorBehaviour } from './simulator-behaviour.ts'

/** An authenticated caller: `id` is the client id or public key its rate limit falls back to. */
export interface Caller {
  readonly principal: SimulatedPrincipal
  readonly id: string
  readonly bearer: boolean
}

export class SimulatedAuthentication {
  readonly #nonces: NonceRegistry
  readonly #tokens: TokenIssuer
  readonly #recorder: RequestRecorder

  constructor(nonces: NonceRegistry, tokens: TokenIssuer, recorder: RequestRecorder) {
    this.#nonces = nonces
    this.#tokens = tokens
    this.#recorder = recorder
  }

  /** The token endpoint (`POST /api/oauth/token`): a bearer token for client credentials. */
  issueToken(
    state: SimulatedAtlasState,
    authorization: string | undefined,
    body: string,
  ): SimulatedResponse {
    const answer = this.#tokens.answer(authorization, body, (id) => state.serviceAccount(id))
    if (answer.issuedTo) this.#recorder.count('tokensIssued')
    return answer
  }

  /** Ends every issued bearer token now. */
  expireTokens(): void {
    this.#tokens.expireAll()
  }

  /** Who is calling: a service account with a live bearer token, or an API key passing Digest. */
  authenticate(
    request: DigestRequest,
    state: SimulatedAtlasState,
    behaviour: Pick<SimulatorBehaviour, 'nonceReuse'>,
  ): Caller | { refusal: SimulatedResponse } {
    const authorization = request.authorization ?? ''
    if (/^bearer /i.test(authorization)) {
      const clientId = this.#tokens.verify(authorization.slice(7).trim())
      const account = clientId === undefined ? undefined : state.serviceAccount(clientId)
      return account
        ? { principal: account, id: account.clientId, bearer: true }
        : { refusal: this.#tokenRefused() }
    }
    const verdict = verifyDigest(
      { authorization, method: request.method, target: request.target },
      (publicKey) => state.apiKey(publicKey),
      this.#nonces,
      behaviour.nonceReuse,
    )
    if (verdict.kind === 'rejected' && verdict.reusedNonce !== undefined) {
      this.#recorder.count('challenges')
      return { refusal: digestChallenge(verdict.reusedNonce, false) }
    }
    if (verdict.kind === 'rejected') return { refusal: this.#challenge(verdict.stale) }
    return { principal: verdict.key, id: verdict.key.publicKey, bearer: false }
  }

  /** The 401 for bad credentials, which Atlas also answers for an organization out of reach. */
  refuse(caller: Caller): SimulatedResponse {
    return caller.bearer ? this.#tokenRefused() : this.#challenge(false)
  }

  #tokenRefused(): SimulatedResponse {
    this.#recorder.count('bearerRefusals')
    return invalidToken()
  }

  #challenge(stale: boolean): SimulatedResponse {
    this.#recorder.count('challenges')
    if (stale) this.#recorder.count('staleChallenges')
    return digestChallenge(this.#nonces.issue(), stale)
  }
}
