/**
 * The Atlas calls of one revoke request: each signed with the current credentials and re-signed
 * once with re-read ones when Atlas answers 401 (the key may have been rotated since it was
 * cached); all within one deadline, in one response format, their attempts counted. Network
 * failures become an `upstream_error` outcome rather than an exception.
 */
import type { CredentialsSource } from '../credentials/credentials-source.ts'
import type { Outcome } from '../outcome.ts'
import { outcomeOfFailure } from './answer-outcome.ts'
import type { AtlasCall, AtlasClient, AtlasResponse } from './atlas-client.ts'
import type { ResponseFormat } from './response-format.ts'
import { RequestFailedError } from './transport/buffered-dispatch.ts'

export interface AtlasDependencies {
  readonly atlas: AtlasClient
  readonly credentials: CredentialsSource
}

/** A request to Atlas, before credentials, deadline and format are added. */
export type CallShape = Pick<AtlasCall, 'method' | 'path' | 'query' | 'accept'>

export type CallResult =
  | { readonly kind: 'answered'; readonly response: AtlasResponse }
  | { readonly kind: 'failed'; readonly outcome: Outcome }

export interface SessionOptions {
  /** Absolute deadline, epoch milliseconds, for every call and retry of the session. */
  readonly deadline: number
  readonly format?: ResponseFormat
}

export class AtlasSession {
  readonly #dependencies: AtlasDependencies
  readonly #options: SessionOptions
  readonly #counted: { attempts: number }
  readonly #knownDeprecated: boolean

  constructor(
    dependencies: AtlasDependencies,
    options: SessionOptions,
    counted = { attempts: 0 },
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
    if (first.kind !== 'answered' || first.response.status !== 401 || !credentials.reload)
      return first
    const reloaded = await credentials.reload()
    if (reloaded.sameAs(key)) return first
    return this.#send(shape, reloaded)
  }

  async #send(shape: CallShape, credentials: AtlasCall['credentials']): Promise<CallResult> {
    const { deadline, format } = this.#options
    try {
      const response = await this.#dependencies.atlas.send({
        ...shape,
        credentials,
        deadline,
        ...(format ? { format } : {}),
        ...(this.#knownDeprecated ? { knownDeprecated: true } : {}),
      })
      this.#counted.attempts += response.attempts
      return { kind: 'answered', response }
    } catch (error) {
      if (!(error instanceof RequestFailedError)) throw error
      this.#counted.attempts += error.attempts
      return { kind: 'failed', outcome: outcomeOfFailure(error.code, error.message) }
    }
  }
}
