/**
 * A local MongoDB Atlas for tests, the benchmark and `npm start`: the v1.0 and v2 organization
 * invitation routes and the Cloud Users API, behind Digest authentication (API keys) or OAuth
 * bearer tokens (service accounts), with per-caller rate limits and injectable faults,
 * answering with the status lines, headers and bodies Atlas sends. Loopback only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { TOKEN_PATH } from '../../lib/atlas/auth/access-tokens.ts'
import type { Adversary, ObservedRequest } from './adversary.ts'
import { demoSeed } from './demo-seed.ts'
import { type Fault, FaultInjector, type FaultPlan } from './fault-injector.ts'
import { NetworkLatency } from './network-latency.ts'
import { NonceRegistry, type NonceReuse } from './nonce-registry.ts'
import { DEFAULT_RATE_LIMIT, type RateLimit, RateLimiter } from './rate-limiter.ts'
import { readBodyText, readJsonBody } from './read-body.ts'
import {
  type AtlasSeed,
  SimulatedAtlasState,
  type SimulatedInvitation,
  type SimulatedOrg,
  type SimulatedPrincipal,
  type SimulatedProject,
} from './simulated-atlas-state.ts'
import { verifyDigest } from './simulated-digest-verifier.ts'
import { invalidToken, TokenIssuer } from './simulated-oauth.ts'
import { paginate } from './simulated-pagination.ts'
import {
  apiError,
  apiResponse,
  digestChallenge,
  gatewayError,
  missingResource,
  orgNotFound,
  type RemovedRouteStyle,
  type ResponseContext,
  rateLimited,
  removedRoute,
  resourceNotFound,
  type SimulatedResponse,
} from './simulated-responses.ts'
import { allowsMethod, isInvitations, javaMethod, matchRoute } from './simulated-routes.ts'
import { usersRoute } from './simulated-users.ts'

/** Ways Atlas may answer that MongoDB leaves open; tests pin each one. */
export interface SimulatorBehaviour {
  /** A 404 for a missing invitation or user names its id in `parameters`. Default true. */
  readonly notFoundNamesId: boolean
  /** The invitation endpoints are gone (past their sunset), answering in this style. */
  readonly invitationsRemoved: RemovedRouteStyle | undefined
  /** List endpoints ignore their `username` and status filters. Default false. */
  readonly listsIgnoreFilters: boolean
  /** The `username` filter matches case-sensitively (MongoDB does not say). Default false. */
  readonly usernameFilterCaseSensitive: boolean
  /**
   * The Cloud Users API does not list invitations made through the invitations API as pending
   * users (MongoDB's Terraform notes say so; not confirmed). Default false.
   */
  readonly usersListHidesLegacyInvitations: boolean
  /** Added to every list's `totalCount`, which the spec calls an estimate. Default 0. */
  readonly totalCountOver: number
  /**
   * Whether a nonce may answer several requests (MongoDB does not say); a refused reuse gets a
   * 401 repeating the nonce with `stale=false`. Default `accepted`.
   */
  readonly nonceReuse: NonceReuse
}

export const DEFAULT_BEHAVIOUR: SimulatorBehaviour = {
  notFoundNamesId: true,
  invitationsRemoved: undefined,
  listsIgnoreFilters: false,
  usernameFilterCaseSensitive: false,
  usersListHidesLegacyInvitations: false,
  totalCountOver: 0,
  nonceReuse: 'accepted',
}

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

export interface SimulatorCounters {
  /** Atlas API requests received (admin requests excluded). */
  requests: number
  byStatus: Record<string, number>
  /** 401 answers carrying a new Digest challenge. */
  challenges: number
  /** Of those, the ones saying `stale=true` (a valid answer to an expired nonce). */
  staleChallenges: number
  /** Service-account tokens issued, and bearer requests refused (unknown or expired token). */
  tokensIssued: number
  bearerRefusals: number
  /** Connections that carried at least one API request. */
  connections: number
  /** Most API requests being answered at the same time. */
  maxInFlight: number
  deletes: number
  resets: number
  hangs: number
}

/** One API request as the simulator saw it (kept for the last {@link LOG_SIZE} requests). */
export interface LoggedRequest {
  readonly receivedAt: number
  readonly method: string
  readonly target: string
  readonly authorization: string | undefined
  readonly accept: string | undefined
  status?: number
}

const LOG_SIZE = 1000

/** A handler the simulator's server consults first; returns true when it answered. */
export type ExtraRoute = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>

/** What a v2 request without a versioned Accept header gets. */
const DEFAULT_VERSION = '2023-01-01'
const ORG_OWNER = 'ORG_OWNER'
const ATLAS_ID = /^[0-9a-f]{24}$/
const FAULT_CODES: Readonly<Record<number, string>> = {
  400: 'INVALID_REQUEST',
  409: 'CONFLICT',
  429: 'RATE_LIMITED_TOKEN_BUCKET',
}
const FAULT_CONTEXT = { javaMethod: 'ApiRequestFilter::filter', pretty: false, envelope: false }

export class AtlasSimulator {
  #state: SimulatedAtlasState
  readonly #now: () => number
  readonly faults = new FaultInjector()
  readonly #nonces: NonceRegistry
  readonly #rates: RateLimiter
  readonly #tokens: TokenIssuer
  readonly #server: Server
  readonly #apiSockets = new WeakSet<Socket>()
  readonly #extraRoutes: ExtraRoute[] = []
  #behaviour: SimulatorBehaviour
  #adversary: Adversary | undefined
  readonly #network: NetworkLatency
  #counters = emptyCounters()
  #log: LoggedRequest[] = []
  #inFlight = 0

  constructor(options: AtlasSimulatorOptions = {}) {
    const now = options.now ?? Date.now
    this.#now = now
    this.#state = new SimulatedAtlasState(options.seed ?? demoSeed(), now)
    this.#nonces = new NonceRegistry(
      {
        lifetimeMs: options.nonceLifetimeMs ?? 5 * 60_000,
        ...(options.nonceWindowMs === undefined ? {} : { windowMs: options.nonceWindowMs }),
      },
      now,
    )
    this.#rates = new RateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT, now)
    this.#behaviour = { ...DEFAULT_BEHAVIOUR, ...options.behaviour }
    this.#network = new NetworkLatency({ connectionMs: options.connectionLatencyMs ?? 0 })
    this.#tokens = new TokenIssuer(options.tokenLifetimeSeconds ?? 3600, now)
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
            ? new Error(`port ${port} on 127.0.0.1 is already in use; choose another one`)
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
    return structuredClone(this.#counters)
  }

  resetCounters(): void {
    this.#counters = emptyCounters()
    this.#log = []
  }

  /** The most recent API requests, oldest first, with the status each got (none if reset or hung). */
  requests(): readonly LoggedRequest[] {
    return this.#log.map((entry) => ({ ...entry }))
  }

  /** Ends every issued bearer token now. */
  expireTokens(): void {
    this.#tokens.expireAll()
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
    if (target.startsWith('/__simulator/')) return this.#admin(request, response, target)
    // Read before any simulated latency, so the body is there whenever the answer is made.
    const bodyText = await readBodyText(request)
    const entry: LoggedRequest = {
      receivedAt: performance.now(),
      method: request.method ?? 'GET',
      target,
      authorization: request.headers.authorization,
      accept: request.headers.accept,
    }
    this.#log.push(entry)
    if (this.#log.length > LOG_SIZE) this.#log.shift()
    this.#counters.requests += 1
    this.#inFlight += 1
    this.#counters.maxInFlight = Math.max(this.#counters.maxInFlight, this.#inFlight)
    response.once('close', () => {
      this.#inFlight -= 1
    })
    if (!this.#apiSockets.has(request.socket)) {
      this.#apiSockets.add(request.socket)
      this.#counters.connections += 1
    }
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
    switch (fault.kind) {
      case 'reset':
        this.#counters.resets += 1
        request.socket.resetAndDestroy()
        return true
      case 'hang':
        this.#counters.hangs += 1
        return true
      case 'status': {
        const answer =
          fault.status >= 502 && fault.status <= 504
            ? gatewayError(fault.status)
            : apiError(
                FAULT_CONTEXT,
                fault.status,
                FAULT_CODES[fault.status] ?? 'UNEXPECTED_ERROR',
                'Injected fault.',
              )
        const retryAfter =
          fault.retryAfterSeconds === undefined
            ? {}
            : { 'Retry-After': String(fault.retryAfterSeconds) }
        this.#send(response, { ...answer, headers: { ...answer.headers, ...retryAfter } }, entry)
        return true
      }
      case 'challenge': {
        const answer = digestChallenge('unused', false)
        this.#counters.challenges += 1
        this.#send(
          response,
          { ...answer, headers: { ...answer.headers, 'Www-Authenticate': fault.header } },
          entry,
        )
        return true
      }
      case 'repeatNonce': {
        const used = /nonce="([^"]*)"/.exec(request.headers.authorization ?? '')?.[1] ?? ''
        this.#counters.challenges += 1
        this.#send(response, digestChallenge(used, false), entry)
        return true
      }
      case 'answer':
        this.#send(
          response,
          {
            status: fault.status,
            headers: { 'Content-Type': fault.contentType ?? 'application/json', Server: 'mdbws' },
            body: fault.body,
          },
          entry,
        )
        return true
      case 'latency':
        return false
    }
  }

  async #answer(
    request: IncomingMessage,
    target: string,
    bodyText: string,
  ): Promise<SimulatedResponse> {
    const url = new URL(target, 'http://simulator')
    const method = request.method ?? 'GET'
    if (url.pathname === TOKEN_PATH && method === 'POST') {
      const answer = this.#tokens.answer(request.headers.authorization, bodyText, (id) =>
        this.state.serviceAccount(id),
      )
      if (answer.issuedTo) this.#counters.tokensIssued += 1
      return answer
    }
    const caller = this.#authenticate(request, method, target)
    if ('refusal' in caller) return caller.refusal
    const route = matchRoute(url.pathname)
    // The organization a path belongs to: named in it, or the project's.
    const orgId =
      route?.groupId === undefined ? route?.orgId : this.state.project(route.groupId)?.orgId
    const rate = this.#rates.take(orgId || caller.id)
    const behaviour = this.#behaviour
    const context: ResponseContext = {
      versionDate:
        route?.version === 'v1.0' || !route
          ? undefined
          : (acceptedVersion(request.headers.accept) ?? DEFAULT_VERSION),
      deprecated: isInvitations(route) && route?.version === 'v2',
      javaMethod: javaMethod(route, method),
      rate,
      pretty: url.searchParams.get('pretty') === 'true',
      envelope: url.searchParams.get('envelope') === 'true',
      namesMissing: behaviour.notFoundNamesId,
    }
    if (!rate.allowed) return rateLimited(context, url.pathname)
    const address = (request.socket.remoteAddress ?? '').replace(/^::ffff:/, '')
    if (caller.principal.accessList && !caller.principal.accessList.includes(address)) {
      return apiError(
        context,
        403,
        'IP_ADDRESS_NOT_ON_ACCESS_LIST',
        `IP address ${address} is not allowed to access this resource.`,
        [address],
      )
    }
    if (!route || !allowsMethod(route, method)) return resourceNotFound(context, url.pathname)
    if (isInvitations(route) && behaviour.invitationsRemoved)
      return removedRoute(context, behaviour.invitationsRemoved, url.pathname)
    if (route.resource === 'orgs') return this.#orgs(context, caller.principal, url)
    const badId = [
      { id: route.orgId || undefined, code: 'INVALID_ORG_ID', what: 'organization' },
      { id: route.groupId, code: 'INVALID_GROUP_ID', what: 'group' },
      {
        id: route.id,
        code: route.resource === 'orgUsers' ? 'INVALID_USER_ID' : 'INVALID_INVITATION_ID',
        what: route.resource === 'orgUsers' ? 'user' : 'invitation',
      },
    ].find(({ id }) => id !== undefined && !ATLAS_ID.test(id))
    if (badId) {
      const id = badId.id ?? ''
      return apiError(
        context,
        400,
        badId.code,
        `An invalid ${badId.what} ID ${id} was specified.`,
        [id],
      )
    }
    if (route.groupId !== undefined && orgId === undefined)
      return apiError(
        context,
        404,
        'GROUP_NOT_FOUND',
        `No group with ID ${route.groupId} exists.`,
        [route.groupId],
      )
    // Atlas hides organizations a caller has no role in behind the same 401 as bad credentials.
    const roles = caller.principal.roles[orgId ?? '']
    if (!roles) return caller.bearer ? this.#tokenRefused() : this.#challenge(false)
    if (!this.state.org(orgId ?? '')) return orgNotFound(context, orgId ?? '')
    if (route.resource === 'orgGroups')
      return apiResponse(
        context,
        200,
        paginate(
          this.state.projects(route.orgId).map(presentProject),
          url.searchParams,
          url.pathname,
          behaviour.totalCountOver,
        ),
      )
    if (!roles.includes(ORG_OWNER)) {
      return apiError(
        context,
        403,
        'USER_UNAUTHORIZED',
        'Current user is not authorized to perform this action.',
      )
    }
    if (route.resource === 'orgUsers')
      return usersRoute(this.state, context, {
        method,
        orgId: route.orgId,
        userId: route.id,
        query: url.searchParams,
        path: url.pathname,
        ignoreFilters: behaviour.listsIgnoreFilters,
        sameUsername: this.#sameUsername(),
        hidesInvitations: behaviour.usersListHidesLegacyInvitations,
        totalCountOver: behaviour.totalCountOver,
      })
    const scope = route.groupId === undefined ? route.orgId : { groupId: route.groupId }
    return this.#invitations(context, method, scope, route.id, url.searchParams)
  }

  /** The organizations the caller has a role in, paginated. */
  #orgs(context: ResponseContext, principal: SimulatedPrincipal, url: URL): SimulatedResponse {
    const visible = this.state.orgs().filter((org) => principal.roles[org.id] !== undefined)
    const present = (org: SimulatedOrg) => ({
      id: org.id,
      isDeleted: false,
      links: [{ href: `http://localhost:8080${url.pathname}/${org.id}`, rel: 'self' }],
      name: org.name,
      skipDefaultAlertsSettings: false,
    })
    return apiResponse(
      context,
      200,
      paginate(
        visible.map(present),
        url.searchParams,
        url.pathname,
        this.#behaviour.totalCountOver,
      ),
    )
  }

  /** Usernames compared as the `username` filter does: case-insensitive unless told otherwise. */
  #sameUsername(): (a: string, b: string) => boolean {
    return this.#behaviour.usernameFilterCaseSensitive
      ? (a, b) => a === b
      : (a, b) => a.toLowerCase() === b.toLowerCase()
  }

  /** Who is calling: a service account with a live bearer token, or an API key passing Digest. */
  #authenticate(
    request: IncomingMessage,
    method: string,
    target: string,
  ):
    | { principal: SimulatedPrincipal; id: string; bearer: boolean }
    | { refusal: SimulatedResponse } {
    const authorization = request.headers.authorization ?? ''
    if (/^bearer /i.test(authorization)) {
      const clientId = this.#tokens.verify(authorization.slice(7).trim())
      const account = clientId === undefined ? undefined : this.state.serviceAccount(clientId)
      return account
        ? { principal: account, id: account.clientId, bearer: true }
        : { refusal: this.#tokenRefused() }
    }
    const verdict = verifyDigest(
      { authorization, method, target },
      (publicKey) => this.state.apiKey(publicKey),
      this.#nonces,
      this.#behaviour.nonceReuse,
    )
    if (verdict.kind === 'rejected' && verdict.reusedNonce !== undefined) {
      this.#counters.challenges += 1
      return { refusal: digestChallenge(verdict.reusedNonce, false) }
    }
    if (verdict.kind === 'rejected') return { refusal: this.#challenge(verdict.stale) }
    return { principal: verdict.key, id: verdict.key.publicKey, bearer: false }
  }

  #tokenRefused(): SimulatedResponse {
    this.#counters.bearerRefusals += 1
    return invalidToken()
  }

  #invitations(
    context: ResponseContext,
    method: string,
    scope: string | { readonly groupId: string },
    invitationId: string | undefined,
    query: URLSearchParams,
  ): SimulatedResponse {
    if (invitationId === undefined) {
      const username = this.#behaviour.listsIgnoreFilters
        ? undefined
        : (query.get('username') ?? undefined)
      const listed = this.state.pendingInvitations(scope, username, this.#sameUsername())
      return apiResponse(
        context,
        200,
        listed.map((invitation) => this.#present(invitation)),
      )
    }
    if (method === 'DELETE') {
      this.#counters.deletes += 1
      if (this.state.revoke(scope, invitationId)) return apiResponse(context, 204)
    } else {
      const invitation = this.state.pendingInvitation(scope, invitationId)
      if (invitation) return apiResponse(context, 200, this.#present(invitation))
    }
    return missingResource(
      context,
      'INVITATION_NOT_FOUND',
      `Invitation ${invitationId} not found.`,
      invitationId,
    )
  }

  /** An invitation as Atlas writes it, fields in alphabetical order (org or project shape). */
  #present(invitation: SimulatedInvitation) {
    const common = {
      createdAt: invitation.createdAt,
      expiresAt: invitation.expiresAt,
    }
    if (invitation.groupId !== undefined) {
      return {
        ...common,
        groupId: invitation.groupId,
        groupName: this.state.project(invitation.groupId)?.name ?? '',
        id: invitation.id,
        inviterUsername: invitation.inviterUsername,
        roles: invitation.roles,
        username: invitation.username,
      }
    }
    return {
      ...common,
      groupRoleAssignments: [],
      id: invitation.id,
      inviterUsername: invitation.inviterUsername,
      orgId: invitation.orgId,
      orgName: this.state.org(invitation.orgId)?.name ?? '',
      roles: invitation.roles,
      teamIds: invitation.teamIds,
      username: invitation.username,
    }
  }

  #challenge(stale: boolean): SimulatedResponse {
    this.#counters.challenges += 1
    if (stale) this.#counters.staleChallenges += 1
    return digestChallenge(this.#nonces.issue(), stale)
  }

  #send(response: ServerResponse, answer: SimulatedResponse, entry: LoggedRequest): void {
    entry.status = answer.status
    const status = String(answer.status)
    this.#counters.byStatus[status] = (this.#counters.byStatus[status] ?? 0) + 1
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

  async #admin(request: IncomingMessage, response: ServerResponse, target: string): Promise<void> {
    const reply = (status: number, body?: unknown) => {
      response.writeHead(status, { 'Content-Type': 'application/json' })
      response.end(body === undefined ? undefined : JSON.stringify(body))
    }
    const path = new URL(target, 'http://simulator').pathname
    const route = `${request.method} ${path}`
    const body = request.method === 'GET' ? undefined : await readJsonBody(request)
    switch (route) {
      case 'GET /__simulator/state':
        return reply(200, this.state.snapshot())
      case 'GET /__simulator/counters':
        return reply(200, this.counters())
      case 'POST /__simulator/counters/reset':
        this.resetCounters()
        return reply(204)
      case 'PUT /__simulator/faults':
        this.faults.configure((body ?? {}) as FaultPlan)
        return reply(200, this.faults.plan())
      case 'POST /__simulator/faults/next':
        this.faults.enqueue(...((Array.isArray(body) ? body : [body]) as Fault[]))
        return reply(204)
      case 'PUT /__simulator/behaviour':
        return reply(200, this.behave((body ?? {}) as Partial<SimulatorBehaviour>))
      case 'DELETE /__simulator/faults':
        this.faults.clear()
        return reply(204)
      case 'POST /__simulator/invitations': {
        const { orgId, username, id, groupId } = (body ?? {}) as {
          orgId?: string
          username?: string
          id?: string
          groupId?: string
        }
        if (!orgId || !username) return reply(400, { error: 'orgId and username are required' })
        return reply(
          201,
          this.state.invite({
            orgId,
            username,
            roles: ['ORG_MEMBER'],
            ...(id ? { id } : {}),
            ...(groupId ? { groupId } : {}),
          }),
        )
      }
      default:
        return reply(404, { error: `no simulator route ${route}` })
    }
  }
}

/** What an adversary sees of a request. */
function observe(request: IncomingMessage, target: string): ObservedRequest {
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

/** The date in `Accept: application/vnd.atlas.YYYY-MM-DD+json`, if any. */
function acceptedVersion(accept: string | undefined): string | undefined {
  return /application\/vnd\.atlas\.(\d{4}-\d{2}-\d{2})\+json/.exec(accept ?? '')?.[1]
}

function emptyCounters(): SimulatorCounters {
  return {
    requests: 0,
    byStatus: {},
    staleChallenges: 0,
    tokensIssued: 0,
    bearerRefusals: 0,
    challenges: 0,
    connections: 0,
    maxInFlight: 0,
    deletes: 0,
    resets: 0,
    hangs: 0,
  }
}

/** A project as `GET /orgs/{orgId}/groups` lists it. */
function presentProject(project: SimulatedProject) {
  return {
    clusterCount: 0,
    created: '2026-01-01T00:00:00Z',
    id: project.id,
    name: project.name,
    orgId: project.orgId,
  }
}
