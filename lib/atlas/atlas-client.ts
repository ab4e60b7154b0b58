/**
 * Signed calls to the Atlas Administration API: builds the request-target, sends it through
 * the per-origin dispatcher (digest, retries, timeouts) and parses the JSON answer.
 */
import type { Dispatcher } from 'undici'
import type { AtlasApiKey } from '../credentials/atlas-api-key.ts'
import type { DigestDispatchOptions } from '../digest/digest-interceptor.ts'
import { sharedAtlasDispatcher } from './atlas-dispatcher.ts'
import { DEFAULT_ATLAS_BASE_URL } from './base-url.ts'
import { dispatchBuffered } from './buffered-dispatch.ts'

export const ATLAS_JSON = 'application/json'

export interface AtlasCall {
  readonly method: 'GET' | 'DELETE'
  /** Path below the origin, e.g. `/api/atlas/v1.0/orgs/…/invites/…`, already encoded. */
  readonly path: string
  readonly query?: Readonly<Record<string, string | undefined>>
  readonly accept?: string
  readonly credentials: AtlasApiKey
  /** Absolute deadline, epoch milliseconds: no attempt starts or runs past it. */
  readonly deadline: number
}

export interface AtlasResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  /** Parsed JSON, or `undefined` for an empty or non-JSON body. */
  readonly body: unknown
  readonly attempts: number
}

export interface AtlasClientOptions {
  /** Validated origin (see `atlasOrigin`). Default: https://cloud.mongodb.com. */
  readonly origin?: string
  /** Default: the process-wide dispatcher for the origin. */
  readonly dispatcher?: Dispatcher
}

export class AtlasClient {
  readonly origin: string
  readonly #dispatcher: Dispatcher

  constructor(options: AtlasClientOptions = {}) {
    this.origin = options.origin ?? DEFAULT_ATLAS_BASE_URL
    this.#dispatcher = options.dispatcher ?? sharedAtlasDispatcher(this.origin)
  }

  /** Rejects with `RequestFailedError` when no answer came before the deadline. */
  async send(call: AtlasCall): Promise<AtlasResponse> {
    const options: DigestDispatchOptions & { deadline: number } = {
      origin: this.origin,
      method: call.method,
      path: requestTarget(call.path, call.query),
      headers: { accept: call.accept ?? ATLAS_JSON },
      digest: { username: call.credentials.publicKey, password: call.credentials.privateKey },
      deadline: call.deadline,
    }
    // Not AbortSignal.timeout(): its timer outlives the call until the deadline, and a busy
    // process would carry thousands of them (the soak's heap check found it).
    const deadline = new AbortController()
    const timer = setTimeout(
      () => deadline.abort(new DOMException('deadline reached', 'TimeoutError')),
      Math.max(0, call.deadline - Date.now()),
    )
    let response: Awaited<ReturnType<typeof dispatchBuffered>>
    try {
      response = await dispatchBuffered(this.#dispatcher, options, deadline.signal)
    } finally {
      clearTimeout(timer)
    }
    return {
      status: response.status,
      headers: response.headers,
      body: parseJson(response.body),
      attempts: response.attempts,
    }
  }
}

/** The request-target as sent and as signed: path plus the defined query parameters. */
export function requestTarget(path: string, query: AtlasCall['query'] = {}): string {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) params.append(name, value)
  }
  const search = params.toString()
  return search ? `${path}?${search}` : path
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined
  try {
    return JSON.parse(body.toString('utf8'))
  } catch {
    return undefined
  }
}
