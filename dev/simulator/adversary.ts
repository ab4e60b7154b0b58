/**
 * A test's hook into every Atlas API request the simulator receives: it sees the request and may
 * answer in Atlas's place, before or after Atlas carried the request out. The oracle test draws
 * these from its catalogue of ways Atlas may answer; a single test scripts one.
 */
import type { IncomingMessage } from 'node:http'
import { TOKEN_PATH } from '../../lib/atlas/auth/index.ts'
import type { Fault } from './fault-injector.ts'
import { matchRoute, type Route } from './simulated-routes.ts'

/** What an adversary sees of one request. */
export interface ObservedRequest {
  readonly method: string
  /** The path, without the query. */
  readonly path: string
  readonly query: URLSearchParams
  /** The Admin API route, when the path is one. */
  readonly route: Route | undefined
  /** The OAuth token endpoint (`POST /api/oauth/token`). */
  readonly token: boolean
  readonly authorization: string | undefined
}

/** How an adversary meddles with one request. */
export interface Interference {
  /** What the caller gets instead of Atlas's own answer. */
  readonly fault: Fault
  /**
   * Atlas carried the request out before the answer was replaced: its effect happened and the
   * caller never learns of it (a reset, a hang or a gateway error after the work was done).
   */
  readonly executed?: boolean
}

export type Adversary = (request: ObservedRequest) => Interference | undefined

/** What an adversary sees of a request (`target` as received). */
export function observe(request: IncomingMessage, target: string): ObservedRequest {
  const url = new URL(target, 'http://simulator')
  return {
    method: request.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    route: matchRoute(url.pathname),
    token: url.pathname === TOKEN_PATH,
    authorization: request.headers.authorization,
  }
}
