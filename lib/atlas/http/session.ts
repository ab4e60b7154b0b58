/**
 * The Atlas calls of one revoke request: each signed with the current credentials and re-signed
 * once with re-read ones when Atlas answers 401 (the key may have been rotated since it was
 * cached); all within one deadline, their attempts counted. Network
 * failures become an `upstream_error` outcome rather than an exception.
 */
import type { CredentialsSource } from '../../credentials/credential-sources.ts'
import type { Outcome } from '../../outcome.ts'
import { RequestFailedError } from '../transport/index.ts'
import {
  type AtlasCall,
  type AtlasClient,
  type AtlasResponse,
  TokenUnavailableError,
} from './client.ts'
import { outcomeOfFailure, outcomeOfTokenRefusal } from './failure-outcome.ts'

export interface AtlasDependencies {
  readonly atlas: AtlasClient
  readonly credentials: CredentialsSource
}

/** A request to Atlas as an endpoint builds it, before credentials and the deadline are added. */
export type CallShape = Pick<AtlasCall, 'method' | 'path' | 'query' | 'accept' | 'rateLimitScope'>

export type CallResult =
  | {
      readonly kind: 'answered'
      readonly response: AtlasResponse
      /** An earlier attempt may have reached Atlas and lost its answer (a retried reset, a 5xx). */
      readonly earlierAttemptLost: boolean
    }
  | { readonly kind: 'failed'; readonly outcome: Outcome }

export interface SessionOptions {
  /** Absolute deadline, epoch milliseconds, for every call and retry of the session. */
  readonly deadline: number
}

interface Counted {
  attempts: number
  nonceReuseStopped: boolean
}

export class AtlasSession {
  readonly #dependencies: AtlasDependencies
  readonly #options: SessionOptions
  readonly #counted: Counted
  readonly #knownDeprecated: boolean

  constructor(
    dependencies: AtlasDependencies,
    options: SessionOptions,
    counted: Counted = { attempts: 0, nonceReuseStopped: false },
    knownDeprecated = false,
  ) {
    this.#dependencies = dependencies
    this.#options = options
    this.#counted = counted
    this.#knownDeprecated = knownDeprecated
  }

  /** Requests sent to Atlas so far: challenges, retries and token requests included. */
  get attempts(): number {
    return this.#counted.attempts
  }

  /** Whether Atlas's refusals of reused Digest nonces made this container stop reusing them. */
  get nonceReuseStopped(): boolean {
    return this.#counted.nonceReuseStopped
  }

  /**
   * The public half of the credentials this session signs with: an API key's public key, a
   * service account's client id (what the member guardrails know of the functions' own identity).
   */
  async callerId(): Promise<string> {
    return (await this.#dependencies.credentials.current()).id
  }

  /**
   * The same session, for calls made to a deprecated API on purpose (the Users API mode still
   * looks at the invitations API): their `Deprecation` headers are no news to report.
   */
  knowingItIsDeprecated(): AtlasSession {
    return new AtlasSession(this.#dependencies, this.#options, this.#counted, true)
  }

  async call(shape: CallShape): Promise<CallResult> {
    const { credentials } = this.#dependencies
    const key = await credentials.current()
    const first = await this.#send(shape, key)
    if (!refusedCredentials(first) || !credentials.reload) return first
    const reloaded = await credentials.reload()
    if (reloaded.sameAs(key)) return first
    return this.#send(shape, reloaded)
  }

  async #send(shape: CallShape, credentials: AtlasCall['credentials']): Promise<CallResult> {
    const { deadline } = this.#options
    try {
      const response = await this.#dependencies.atlas.send({
        ...shape,
        credentials,
        deadline,
        ...(this.#knownDeprecated ? { knownDeprecated: true } : {}),
      })
      this.#counted.attempts += response.attempts
      if (response.nonceReuseStopped) this.#counted.nonceReuseStopped = true
      return { kind: 'answered', response, earlierAttemptLost: response.earlierAttemptLost }
    } catch (error) {
      if (error instanceof TokenUnavailableError) {
        this.#counted.attempts += error.attempts
        return { kind: 'failed', outcome: outcomeOfTokenRefusal(error.status) }
      }
      if (!(error instanceof RequestFailedError)) throw error
      this.#counted.attempts += error.attempts
      if (error.attemptLog?.nonceReuseStopped) this.#counted.nonceReuseStopped = true
      return { kind: 'failed', outcome: outcomeOfFailure(error.code, error.message) }
    }
  }
}

/** Atlas refused the credentials (a 401, or the token endpoint refusing a service account). */
function refusedCredentials(result: CallResult): boolean {
  return result.kind === 'answered'
    ? result.response.status === 401
    : result.outcome.outcome === 'unauthorized'
}
