/**
 * The HTTP stack every Atlas call goes through: one keep-alive undici pool per origin for the
 * life of the process, with digest authentication inside undici's retry interceptor (so each
 * retry is signed with the cached nonce and the next `nc`), paced per rate-limit scope from
 * Atlas's `RateLimit-*` headers and 429s. Its first connection may be one a
 * cold start opened early (early-connection.ts).
 */
import type { buildConnector, Dispatcher } from 'undici'
import connectorFor from 'undici/lib/core/connect.js'
import Pool from 'undici/lib/dispatcher/pool.js'
import retryInterceptor from 'undici/lib/interceptor/retry.js'
import { digestAuth } from '../auth/index.ts'
import { hasEarlyConnection, takeEarlyConnection } from './early-connection.ts'
import { rateLimitPacing } from './rate-limit-interceptor.ts'
import { atlasRetry, DEFAULT_RETRY_SETTINGS, type RetrySettings } from './retry-policy.ts'

export interface ConnectionSettings {
  readonly connectTimeoutMs: number
  /** Per attempt: a hung Atlas fails the attempt, and the retry policy decides what next. */
  readonly headersTimeoutMs: number
  readonly bodyTimeoutMs: number
  readonly keepAliveTimeoutMs: number
  readonly connections: number
}

export const DEFAULT_CONNECTION_SETTINGS: ConnectionSettings = {
  connectTimeoutMs: 3_000,
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 10_000,
  keepAliveTimeoutMs: 30_000,
  connections: 16,
}

export interface AtlasDispatcherOptions {
  readonly connection?: Partial<ConnectionSettings>
  readonly retry?: Partial<RetrySettings>
  /** Jitter source for the retry policy; tests pin it. */
  readonly random?: () => number
  /** Pace requests per rate-limit scope (default); off, only the retry policy meets a 429. */
  readonly pacing?: boolean
}

/** A new dispatcher with its own connections and nonce cache. */
export function createAtlasDispatcher(
  origin: string,
  options: AtlasDispatcherOptions = {},
): Dispatcher {
  const connection = { ...DEFAULT_CONNECTION_SETTINGS, ...options.connection }
  const retry = { ...DEFAULT_RETRY_SETTINGS, ...options.retry }
  const pool = new Pool(origin, {
    connections: connection.connections,
    connect: adoptingEarlyConnection(
      origin,
      connectorFor({ timeout: connection.connectTimeoutMs }),
    ),
    headersTimeout: connection.headersTimeoutMs,
    bodyTimeout: connection.bodyTimeoutMs,
    keepAliveTimeout: connection.keepAliveTimeoutMs,
  })
  // compose() wraps in order, so the last interceptor is the outermost: each retry is paced,
  // then signed.
  const retrying = retryInterceptor({
    throwOnError: false,
    retry: atlasRetry(retry, options.random),
  })
  return options.pacing === false
    ? pool.compose(digestAuth(), retrying)
    : pool.compose(
        digestAuth(),
        rateLimitPacing(undefined, options.random, retry.minAttemptMs),
        retrying,
      )
}

/** Connects through `connect`, except that the first connection may be a cold start's early one. */
function adoptingEarlyConnection(
  origin: string,
  connect: buildConnector.connector,
): buildConnector.connector {
  return (options, callback) => {
    if (!hasEarlyConnection(origin)) return connect(options, callback)
    let answered = false
    const answer: typeof callback = (...args) => {
      if (answered) return
      answered = true
      callback(...args)
    }
    takeEarlyConnection(origin)
      .then((socket) => (socket ? answer(null, socket) : connect(options, answer)))
      .catch((error: unknown) => answer(error as Error, null))
  }
}

const shared = new Map<string, Dispatcher>()

/** The process-wide dispatcher for `origin`: warm invocations reuse its sockets and nonce. */
export function sharedAtlasDispatcher(origin: string): Dispatcher {
  let dispatcher = shared.get(origin)
  if (!dispatcher) {
    dispatcher = createAtlasDispatcher(origin)
    shared.set(origin, dispatcher)
  }
  return dispatcher
}
