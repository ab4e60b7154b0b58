/**
 * A local MongoDB Atlas for tests, the benchmark and `npm start`: the v1.0 and v2 organization
 * invitation routes and the Cloud Users API, behind Digest authentication (API keys) or OAuth
 * bearer tokens (service accounts), with per-caller rate limits and injectable faults,
 * answering with the status lines, headers and bodies Atlas sends. Loopback only.
 * Here: the server, the routing and the public API; each route family has its own file
 * (simulated-invitations.ts, simulated-users.ts, simulated-orgs.ts, simulator-admin.ts, …).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { TOKEN_PATH } from '../../lib/atlas/auth/index.ts'
import { type Adversary, observe } from './adversary.ts'
import { demoSeed } from './demo-seed.ts'
import { faultEffect } from './fault-answers.ts'
import { type Fault, FaultInjector, type FaultPlan } from './fault-injector.ts'
import { NetworkLatency } from './network-latency.ts'
import { NonceRegistry } from './nonce-registry.ts'
import { DEFAULT_RATE_LIMIT, type RateLimit, RateLimiter } from './rate-limiter.ts'
import { readBodyText } from './read-body.ts'
import { type LoggedRequest, RequestRecorder, type SimulatorCounters } from './request-recorder.ts'
import { accessListRefusal, ownerRefusal, pathRefusal } from './simulated-access.ts'
import { type AtlasSeed, SimulatedAtlasState } from './simulated-atlas-state.ts'
import { SimulatedAuthentication } from './simulated-authentication.ts'
import { invitationsRoute } from './simulated-invitations.ts'
import { TokenIssuer } from './simulated-oauth.ts'
import { orgProjectsRoute, orgsRoute } from './simulated-orgs.ts'
import {
  orgNotFound,
  rateLimited,
  removedRoute,
  resourceNotFound,
  type SimulatedResponse,
} from './simulated-responses.ts'
import { allowsMethod, isInvitations, matchRoute, routeContext } from './simulated-routes.ts'
import { usersRoute } from './simulated-users.ts'
import { adminRoute } from './simulator-admin.ts'
import { DEFAULT_BEHAVIOUR, type SimulatorBehaviour, sameUsername } from './simulator-behaviour.ts'

export type { LoggedRequest, SimulatorCounters } from './request-recorder.ts'
export { DEFAULT_BEHAVIOUR, type SimulatorBehaviour } from './simulator-behaviour.ts'

export interface AtlasSimulatorOptions {
  readonly seed?: AtlasSeed
  /** How long an issued nonce stays valid; after that Atlas answers `stale=true`. */
  readonly nonceLifetimeMs?: number
  /** Apache-style nonces: one per window of this length, shared by every challenge in it. */
  readonly nonceWindowMs?: number
  /** Token bucket per organization. Default: 500 requests, refilled over a minute. */
  readonly rateLimit?: RateLimit
  readonly behaviour?: Partial<SimulatorBehaviour>
  readonly faults?: FaultPlan
  /**
   * A new connection is not ready before this long after it was accepted: a stand-in for the
   * TCP and TLS handshakes (see NetworkLatency). The per-request round trip is `faults.latencyMs`.
   */
  readonly connectionLatencyMs?: number
  /** Lifetime of service-account bearer tokens (`expires_in`). Default 3600. */
  readonly tokenLifetimeSeconds?: number
  readonly now?: () => number
}

/** A handler the simulator's server consults first; returns true when it answered. */
export type ExtraRoute = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>

export class AtlasSimulator {
  #state: SimulatedAtlasState
  readonly #now: () => number
  readonly faults = new FaultInjector()
  readonly #rates: RateLimiter
  readonly #auth: SimulatedAuthentication
  readonly #server: Server
  readonly #extraRoutes: ExtraRoute[] = []
  #behaviour: SimulatorBehaviour
  #adversary: Adversary | undefined
  readonly #network: NetworkLatency
  readonly #recorder = new RequestRecorder()

  constructor(options: AtlasSimulatorOptions = {}) {
    const now = options.now ?? Date.now
    this.#now = now
    this.#state = new SimulatedAtlasState(options.seed ?? demoSeed(), now)
    const nonces = new NonceRegistry(
      {
        lifetimeMs: options.nonceLifetimeMs ?? 5 * 60_000,
        ...(options.nonceWindowMs === undefined ? {} : { windowMs: options.nonceWindowMs }),
      },
      now,
    )
    this.#rates = new RateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT, now)
    this.#behaviour = { ...DEFAULT_BEHAVIOUR, ...options.behaviour }
    this.#network = new NetworkLatency({ connectionMs: options.connectionLatencyMs ?? 0 })
    const tokens = new TokenIssuer(options.tokenLifetimeSeconds ?? 3600, now)
    this.#auth = new SimulatedAuthentication(nonces, tokens, this.#recorder)
    if (options.faults) this.faults.configure(options.faults)
    this.#server = createServer({ keepAliveTimeout: 30_000 }, (request, response) => {
      this.#dispatch(request, response).catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'text/plain' })
        response.end(String(error))
      })
    })
    this.#network.watch(this.#server)
  }

  /** The organizations, invitations, members and keys served. */
  get state(): SimulatedAtlasState {
    return this.#state
  }

  /** Serves `seed` from now on, in place of everything before (the oracle's cases). */
  load(seed: AtlasSeed): void {
    this.#state = new SimulatedAtlasState(seed, this.#now)
  }

  /** Listens on 127.0.0.1 (port 0 = any free port) and returns the base URL. */
  async start(port = 0): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'EADDRINUSE'
            ? new Error(`port ${port} on 127.0.0.1 is already in use; choose another one`, {
                cause: error,
              })
            : error,
        )
      this.#server.once('error', onError)
      this.#server.listen(port, '127.0.0.1', () => {
        this.#server.off('error', onError)
        resolve()
      })
    })
    return this.url
  }

  async stop(): Promise<void> {
    if (!this.#server.listening) return
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()))
    this.#server.closeAllConnections()
    await closed
  }

  get url(): string {
    const address = this.#server.address()
    if (address === null || typeof address === 'string')
      throw new Error('simulator is not listening')
    return `http://127.0.0.1:${address.port}`
  }

  /** Serves another protocol from the same port (e.g. the local Secrets Manager). */
  addRoute(route: ExtraRoute): void {
    this.#extraRoutes.push(route)
  }

  counters(): SimulatorCounters {
    return this.#recorder.counters()
  }

  resetCounters(): void {
    this.#recorder.reset()
  }

  /** The most recent API requests, oldest first, with the status each got (none if reset or hung). */
  requests(): readonly LoggedRequest[] {
    return this.#recorder.requests()
  }

  /** Ends every issued bearer token now. */
  expireTokens(): void {
    this.#auth.expireTokens()
  }

  configureRateLimit(limit: RateLimit): void {
    this.#rates.configure(limit)
  }

  /** Lets `adversary` answer any API request in Atlas's place (`undefined` stops it). */
  intercept(adversary: Adversary | undefined): void {
    this.#adversary = adversary
  }

  /** Changes how the simulator answers where Atlas's behaviour is open (see SimulatorBehaviour). */
  behave(behaviour: Partial<SimulatorBehaviour>): SimulatorBehaviour {
    this.#behaviour = { ...this.#behaviour, ...behaviour }
    return this.#behaviour
  }

  async #dispatch(request: IncomingMessage, response: ServerResponse): Promise<void> {
    for (const route of this.#extraRoutes) {
      if (await route(request, response)) return
    }
    const target = request.url ?? '/'
    if (target.startsWith('/__simulator/')) return adminRoute(this, request, response, target)
    // Read before any simulated latency, so the body is there whenever the answer is made.
    const bodyText = await readBodyText(request)
    const entry = this.#recorder.arrived(request, response, target)
    const { latencyMs, fault } = this.faults.next({ method: entry.method, path: target })
    await this.#network.wait(request.socket, latencyMs)
    const interference = fault ? { fault } : this.#adversary?.(observe(request, target))
    if (interference) {
      // Carried out, then answered otherwise: the effect happens, the caller never hears of it.
      if (interference.executed) await this.#answer(request, target, bodyText)
      if (this.#inject(interference.fault, request, response, entry)) return
    }
    this.#send(response, await this.#answer(request, target, bodyText), entry)
  }

  /** Applies a fault; true when it replaced the answer. */
  #inject(
    fault: Fault,
    request: IncomingMessage,
    response: ServerResponse,
    entry: LoggedRequest,
  ): boolean {
    const effect = faultEffect(fault, request.headers.authorization)
    if (effect === undefined) return false
    if (effect.kind === 'answer') {
      if (effect.challenge) this.#recorder.count('challenges')
      this.#send(response, effect.answer, entry)
    } else {
      this.#recorder.count(effect.kind === 'reset' ? 'resets' : 'hangs')
      if (effect.kind === 'reset') request.socket.resetAndDestroy()
    }
    return true
  }

  /** Atlas's answer: the token endpoint, or an API route behind authentication and its checks. */
  async #answer(
    request: IncomingMessage,
    target: string,
    bodyText: string,
  ): Promise<SimulatedResponse> {
    const url = new URL(target, 'http://simulator')
    const method = request.method ?? 'GET'
    const { state } = this
    const behaviour = this.#behaviour
    const { authorization, accept } = request.headers
    if (url.pathname === TOKEN_PATH && method === 'POST')
      return this.#auth.issueToken(state, authorization, bodyText)
    const caller = this.#auth.authenticate({ authorization, method, target }, state, behaviour)
    if ('refusal' in caller) return caller.refusal
    const route = matchRoute(url.pathname)
    // The organization a path belongs to: named in it, or the project's.
    const orgId = route?.groupId === undefined ? route?.orgId : state.project(route.groupId)?.orgId
    const rate = this.#rates.take(orgId || caller.id)
    const context = routeContext(route, { method, url, accept }, rate, behaviour.notFoundNamesId)
    if (!rate.allowed) return rateLimited(context, url.pathname)
    const offList = accessListRefusal(context, caller.principal, request.socket.remoteAddress)
    if (offList) return offList
    if (!route || !allowsMethod(route, method)) return resourceNotFound(context, url.pathname)
    if (isInvitations(route) && behaviour.invitationsRemoved)
      return removedRoute(context, behaviour.invitationsRemoved, url.pathname)
    const { totalCountOver } = behaviour
    if (route.resource === 'orgs')
      return orgsRoute(state, context, caller.principal, url, totalCountOver)
    const badPath = pathRefusal(context, route, orgId)
    if (badPath) return badPath
    // Atlas hides organizations a caller has no role in behind the same 401 as bad credentials.
    const roles = caller.principal.roles[orgId ?? '']
    if (!roles) return this.#auth.refuse(caller)
    if (!state.org(orgId ?? '')) return orgNotFound(context, orgId ?? '')
    if (route.resource === 'orgGroups')
      return orgProjectsRoute(state, context, route.orgId, url, totalCountOver)
    const notOwner = ownerRefusal(context, roles)
    if (notOwner) return notOwner
    if (route.resource === 'orgUsers')
      return usersRoute(state, context, {
        method,
        orgId: route.orgId,
        userId: route.id,
        query: url.searchParams,
        path: url.pathname,
        ignoreFilters: behaviour.listsIgnoreFilters,
        sameUsername: sameUsername(behaviour),
        hidesInvitations: behaviour.usersListHidesLegacyInvitations,
        totalCountOver,
        listsCallers: behaviour.callersListedAsUsers,
        listOmitsRoles: behaviour.usersListOmitsRoles,
      })
    // `deletes` counts invitation DELETEs that got past every check; user removals are not counted.
    if (method === 'DELETE') this.#recorder.count('deletes')
    return invitationsRoute(state, context, {
      method,
      scope: route.groupId === undefined ? route.orgId : { groupId: route.groupId },
      invitationId: route.id,
      query: url.searchParams,
      ignoreFilters: behaviour.listsIgnoreFilters,
      sameUsername: sameUsername(behaviour),
    })
  }

  #send(response: ServerResponse, answer: SimulatedResponse, entry: LoggedRequest): void {
    this.#recorder.answered(entry, answer.status)
    const body = Buffer.from(answer.body)
    const headers: Record<string, string> = { ...answer.headers }
    // Envoy reports how long the service behind it took; its own errors have no such time.
    if (headers.Server !== 'envoy') {
      headers['X-Envoy-Upstream-Service-Time'] = String(
        Math.round(performance.now() - entry.receivedAt),
      )
    }
    if (answer.status !== 204) headers['Content-Length'] = String(body.length)
    response.writeHead(answer.status, headers)
    response.end(answer.status === 204 ? undefined : body)
  }
}
