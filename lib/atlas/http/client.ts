/**
 * Authenticated calls to the Atlas Administration API: builds the request-target, sends it
 * through the per-origin dispatcher (Digest or bearer token, retries, timeouts) and parses the
 * JSON answer.
 */
import type { Dispatcher } from 'undici'
import type { AtlasCredentials } from '../../credentials/credential-types.ts'
import { ServiceAccount } from '../../credentials/credential-types.ts'
import type { DigestDispatchOptions } from '../auth/index.ts'
import { AccessTokens, TokenRefusedError } from '../auth/index.ts'
import type { AttemptLog } from '../transport/index.ts'
import { type BufferedResponse, dispatchBuffered, RequestFailedError } from '../transport/index.ts'
import { DEFAULT_ATLAS_BASE_URL } from './base-url.ts'
import { type DeprecationNotice, deprecationNotice } from './deprecation-notice.ts'
import { sharedAtlasDispatcher } from './dispatcher.ts'
import {
  type BodyKind,
  formatQuery,
  type ResponseFormat,
  unwrapEnvelope,
} from './response-format.ts'

export const ATLAS_JSON = 'application/json'

export interface AtlasCall {
  readonly method: 'GET' | 'DELETE'
  /** Path below the origin, e.g. `/api/atlas/v1.0/orgs/…/invites/…`, already encoded. */
  readonly path: string
  /** Query parameters; a URLSearchParams keeps repeated names. */
  readonly query?: Readonly<Record<string, string | undefined>> | URLSearchParams
  readonly accept?: string
  /** The organization or project whose rate limit it spends (`rateLimitScope`); none: global. */
  readonly rateLimitScope?: string
  /** A deprecated resource called on purpose: its `Deprecation` headers are not reported. */
  readonly knownDeprecated?: boolean
  readonly credentials: AtlasCredentials
  /** Absolute deadline, epoch milliseconds: no attempt starts or runs past it. */
  readonly deadline: number
}

export interface AtlasResponse {
  /** Atlas's status: from the envelope when the call asked for one. */
  readonly status: number
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  /** Parsed JSON (an envelope's content), or `undefined` for an empty or non-JSON body. */
  readonly body: unknown
  /** Whether the body was empty, JSON, or something else (an HTML page): 2xx evidence needs the first two. */
  readonly bodyKind: BodyKind
  readonly attempts: number
  /** An earlier attempt of this call may have reached Atlas, and its answer was lost. */
  readonly earlierAttemptLost: boolean
  /** Atlas refused reused Digest nonces twice: from this call on, none is reused. */
  readonly nonceReuseStopped: boolean
}

/**
 * A service account got no usable token: the token endpoint's answer is never the API's, so
 * the call ends here (see `outcomeOfTokenRefusal`).
 */
export class TokenUnavailableError extends Error {
  override readonly name = 'TokenUnavailableError'
  /** The token endpoint's status. */
  readonly status: number
  /** Requests sent for the call, the token requests included. */
  readonly attempts: number

  constructor(status: number, attempts: number) {
    super(`Atlas's token endpoint answered ${status} without a usable access token`)
    this.status = status
    this.attempts = attempts
  }
}

export interface AtlasClientOptions {
  /** Validated origin (see `atlasOrigin`). Default: https://cloud.mongodb.com. */
  readonly origin?: string
  /** Default: the process-wide dispatcher for the origin. */
  readonly dispatcher?: Dispatcher
  /** Told when Atlas marks a resource deprecated (`Deprecation` / `Sunset` headers). */
  readonly onDeprecation?: (notice: DeprecationNotice) => void
  /** Atlas's `pretty` / `envelope` on every call (the operator CLI's options); answers come back unwrapped either way. */
  readonly format?: ResponseFormat
}

export class AtlasClient {
  readonly origin: string
  readonly #dispatcher: Dispatcher
  readonly #tokens: AccessTokens
  readonly #onDeprecation: ((notice: DeprecationNotice) => void) | undefined
  readonly #format: ResponseFormat | undefined

  constructor(options: AtlasClientOptions = {}) {
    this.origin = options.origin ?? DEFAULT_ATLAS_BASE_URL
    this.#dispatcher = options.dispatcher ?? sharedAtlasDispatcher(this.origin)
    this.#tokens = new AccessTokens({ dispatcher: this.#dispatcher, origin: this.origin })
    this.#onDeprecation = options.onDeprecation
    this.#format = options.format
  }

  /**
   * Rejects with `RequestFailedError` when no answer came before the deadline. API keys sign
   * with Digest; service accounts send a bearer token, refreshed once when Atlas refuses a
   * cached one.
   */
  async send(call: AtlasCall): Promise<AtlasResponse> {
    // Not AbortSignal.timeout(): its timer outlives the call until the deadline, and a busy
    // process would carry thousands of them (the soak's heap check found it).
    const deadline = new AbortController()
    const timer = setTimeout(
      () => deadline.abort(new DOMException('deadline reached', 'TimeoutError')),
      Math.max(0, call.deadline - Date.now()),
    )
    const log: AttemptLog = { lostAnswers: 0 }
    try {
      const { credentials } = call
      if (credentials instanceof ServiceAccount)
        return await this.#sendWithBearer(call, credentials, deadline.signal, log)
      const digest = { username: credentials.publicKey, password: credentials.privateKey }
      const response = await this.#dispatch(call, {}, deadline.signal, log, { digest })
      return answer(response, response.attempts, log, this.#format?.envelope === true)
    } catch (error) {
      if (error instanceof RequestFailedError) error.attemptLog = log
      throw error
    } finally {
      clearTimeout(timer)
    }
  }

  async #sendWithBearer(
    call: AtlasCall,
    account: ServiceAccount,
    signal: AbortSignal,
    log: AttemptLog,
  ): Promise<AtlasResponse> {
    let attempts = 0
    const attempt = async () => {
      let issued: Awaited<ReturnType<AccessTokens['token']>>
      try {
        issued = await this.#tokens.token(account, call.deadline, signal)
      } catch (error) {
        if (!(error instanceof TokenRefusedError)) throw error
        throw new TokenUnavailableError(error.response.status, attempts + error.response.attempts)
      }
      attempts += issued.attempts
      const response = await this.#dispatch(
        call,
        { authorization: `Bearer ${issued.token}` },
        signal,
        log,
      )
      attempts += response.attempts
      return { response, retry: response.status === 401 && !issued.fresh }
    }
    let result = await attempt()
    if (result.retry) {
      this.#tokens.invalidate(account)
      result = await attempt()
    }
    return answer(result.response, attempts, log, this.#format?.envelope === true)
  }

  async #dispatch(
    call: AtlasCall,
    headers: Record<string, string>,
    signal: AbortSignal,
    attemptLog: AttemptLog,
    extra: object = {},
  ): Promise<BufferedResponse> {
    const options = {
      origin: this.origin,
      method: call.method,
      path: requestTarget(call.path, call.query, formatQuery(this.#format)),
      headers: { accept: call.accept ?? ATLAS_JSON, ...headers },
      deadline: call.deadline,
      ...(call.rateLimitScope ? { rateLimitScope: call.rateLimitScope } : {}),
      attemptLog,
      ...extra,
    }
    const response = await dispatchBuffered(
      this.#dispatcher,
      options as DigestDispatchOptions,
      signal,
    )
    const notice =
      this.#onDeprecation && !call.knownDeprecated && deprecationNotice(call.path, response.headers)
    if (notice) this.#onDeprecation?.(notice)
    return response
  }
}

function answer(
  response: BufferedResponse,
  attempts: number,
  log: AttemptLog,
  enveloped: boolean,
): AtlasResponse {
  const { body, kind } = parseBody(response.body)
  const unwrapped = unwrapEnvelope(response.status, body, kind, enveloped)
  return {
    ...unwrapped,
    headers: response.headers,
    attempts,
    earlierAttemptLost: log.lostAnswers > 0,
    nonceReuseStopped: log.nonceReuseStopped === true,
  }
}

/** The request-target as sent and as signed: path plus the defined query parameters. */
export function requestTarget(
  path: string,
  ...queries: readonly (AtlasCall['query'] | undefined)[]
): string {
  const params = new URLSearchParams()
  for (const query of queries) {
    const entries = query instanceof URLSearchParams ? query.entries() : Object.entries(query ?? {})
    for (const [name, value] of entries) if (value !== undefined) params.append(name, value)
  }
  const search = params.toString()
  return search ? `${path}?${search}` : path
}

function parseBody(body: Buffer): { body: unknown; kind: BodyKind } {
  if (body.length === 0) return { body: undefined, kind: 'empty' }
  try {
    return { body: JSON.parse(body.toString('utf8')), kind: 'json' }
  } catch {
    return { body: undefined, kind: 'other' }
  }
}
