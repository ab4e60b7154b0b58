/**
 * The oracle's catalogue: every way Atlas may answer one request, as rows of data. A review that
 * finds a new way adds a row here, not a test elsewhere.
 *
 * The model of Atlas the rows obey, and so the code may rely on (MongoDB's spec says so, or
 * nothing could be proven at all): a 2xx to a DELETE with an empty or JSON body means Atlas
 * removed the target (it was pending); a list or read in its documented shape tells the truth
 * (a filter may be ignored or compare case-sensitively, a count may be off, roles may be left
 * out, keys may be listed as users: those are behaviours, drawn per case); a 404 names the target
 * only when it is not there; a token endpoint's 200 with an access_token issues one; a 2xx to the
 * removal of an active member means Atlas removed them (whoever they are: the guardrails are
 * ours to keep, so a removal we should not have sent is removed, and judged).
 * Everything else is fair: any status, undocumented bodies, 404s naming nothing or something
 * else, refused nonces, resets and hangs after the work was done, an invitee accepting meanwhile,
 * Atlas refusing a member's removal.
 */
import type { Interference, ObservedRequest } from '../../dev/simulator/adversary.ts'
import type { Fault } from '../../dev/simulator/fault-injector.ts'
import type { SimulatedAtlasState } from '../../dev/simulator/simulated-atlas-state.ts'

/** A request as a row sees it: what the simulator observed, and the truth about its target. */
export interface Seen extends ObservedRequest {
  /** The path's invitation or user is pending in the path's scope now. */
  readonly targetPending: boolean
  /** The path's invitation or user exists there in any form (pending, or an active member). */
  readonly targetExists: boolean
  /** The path's user is an active member of the path's organization now. */
  readonly targetMember: boolean
  /** Someone accepts the invitation behind the path's pending user (the Users API). */
  readonly accept: () => void
  /** Atlas removes the path's pending target (what its 2xx to a DELETE says it did). */
  readonly remove: () => void
  /** Atlas removes the path's active member (what its 2xx to their removal says it did). */
  readonly removeMember: () => void
}

export interface CatalogueRow {
  readonly name: string
  /** Relative chance among the rows that apply to a request. */
  readonly weight: number
  readonly applies: (request: Seen) => boolean
  /** The answer; `variant` picks among the row's forms. */
  readonly interfere: (request: Seen, variant: number) => Interference
}

const ATLAS_ID = 'ffffffffffffffffffffffff'
const json = (status: number, body: unknown): Fault => ({
  kind: 'answer',
  status,
  body: JSON.stringify(body),
})
const html = (status: number): Fault => ({
  kind: 'answer',
  status,
  contentType: 'text/html',
  body: '<!DOCTYPE html><html><body>Maintenance</body></html>',
})
const atlasError = (status: number, errorCode: string, parameters: readonly string[] = []) =>
  json(status, { detail: 'x', error: status, errorCode, parameters, reason: 'r' })
const empty = (status: number): Fault => ({ kind: 'answer', status, body: '' })
/**
 * Statuses the fixed rows above do not draw, each with a body the catalogue knows, so that any
 * status 200–599 reaches every endpoint. The simulator's faults carry no headers but
 * `Content-Type` (and `Retry-After`, `Www-Authenticate`), so a redirect goes without a
 * `Location`: one with a `Location` cannot be delivered without a change to dev/simulator.
 */
const REDIRECTS: readonly Fault[] = [
  empty(301),
  html(301),
  empty(302),
  atlasError(302, 'UNEXPECTED_ERROR'),
  empty(307),
  html(307),
  empty(308),
  empty(304),
  html(300),
  empty(303),
  json(305, {}),
  html(399),
]
const OTHER_4XX: readonly Fault[] = [
  atlasError(405, 'METHOD_NOT_ALLOWED'),
  html(405),
  empty(408),
  html(408),
  atlasError(412, 'INVALID_REQUEST'),
  empty(412),
  atlasError(422, 'INVALID_ATTRIBUTE'),
  html(422),
  html(451),
  atlasError(451, 'UNEXPECTED_ERROR'),
  empty(418),
  json(499, {}),
]
const OTHER_5XX: readonly Fault[] = [
  atlasError(501, 'UNEXPECTED_ERROR'),
  html(501),
  empty(505),
  html(505),
  empty(599),
  json(599, {}),
  html(500),
  empty(500),
  json(507, null),
  html(520),
  empty(530),
  atlasError(598, 'UNEXPECTED_ERROR'),
]
/** 2xx other than 200 and 204, in shapes no read documents (nor an empty body). */
const OTHER_2XX_UNDOCUMENTED: readonly Fault[] = [
  html(201),
  empty(202),
  json(206, {}),
  json(203, null),
  json(201, { results: 'x' }),
  html(202),
  empty(206),
  empty(205),
  json(299, {}),
  html(226),
  empty(201),
  json(202, { results: 'x' }),
]
/** 2xx other than 200 and 204 in the bodies that, to a DELETE, say Atlas removed the target. */
const OTHER_2XX_REMOVED: readonly Fault[] = [
  empty(201),
  empty(202),
  json(202, {}),
  json(206, {}),
  json(201, {}),
  empty(203),
  empty(205),
  json(299, {}),
  html(202),
  html(206),
]
/** 2xx other than 200 in HTML: nothing a DELETE or a token request can rely on. */
const OTHER_2XX_HTML: readonly Fault[] = [
  html(201),
  html(202),
  html(203),
  html(205),
  html(206),
  html(226),
  html(299),
]
const TOKEN_OTHER_2XX_OR_3XX: readonly Fault[] = [
  json(201, { access_token: 'forged', expires_in: 3600, token_type: 'Bearer' }),
  empty(202),
  json(203, { token_type: 'Bearer' }),
  html(206),
  empty(205),
  empty(301),
  html(302),
  empty(304),
  empty(307),
  json(308, { error: 'moved' }),
  json(202, { access_token: '' }),
  html(201),
]
const TOKEN_OTHER_4XX_OR_5XX: readonly Fault[] = [
  json(403, { error: 'access_denied' }),
  json(404, { error: 'not_found' }),
  empty(405),
  html(408),
  json(409, {}),
  json(422, { error: 'invalid_request' }),
  html(451),
  json(500, { error: 'server_error' }),
  empty(501),
  html(502),
  { kind: 'status', status: 504 },
  json(599, {}),
]
const pick = <T>(options: readonly T[], variant: number): T =>
  options[variant % options.length] as T

const api = (request: Seen) => !request.token
const isDelete = (request: Seen) => api(request) && request.method === 'DELETE'
const isGet = (request: Seen) => api(request) && request.method === 'GET'
const hasTarget = (request: Seen) => request.route?.id !== undefined
const invitations = (request: Seen) =>
  request.route?.resource === 'orgInvites' || request.route?.resource === 'groupInvites'
const invitationList = (request: Seen) => invitations(request) && !hasTarget(request)
const digest = (request: Seen) => /^digest /i.test(request.authorization ?? '')
const bearer = (request: Seen) => /^bearer /i.test(request.authorization ?? '')

export const CATALOGUE: readonly CatalogueRow[] = [
  {
    name: 'gateway 502/503/504, the work perhaps done',
    weight: 2,
    applies: api,
    interfere: (request, variant) => ({
      fault: { kind: 'status', status: pick([502, 503, 504], variant) },
      executed: isDelete(request) && variant % 2 === 0,
    }),
  },
  {
    name: 'Atlas 500',
    weight: 1,
    applies: api,
    interfere: () => ({ fault: atlasError(500, 'UNEXPECTED_ERROR') }),
  },
  {
    name: 'connection reset, the work perhaps done',
    weight: 2,
    applies: () => true,
    interfere: (request, variant) => ({
      fault: { kind: 'reset' },
      executed: isDelete(request) && variant % 2 === 0,
    }),
  },
  {
    name: 'no answer at all, the work perhaps done',
    // Rare: undici's timers notice a hang after about a second, and thousands of cases run.
    weight: 0.25,
    applies: api,
    interfere: (request, variant) => ({
      fault: { kind: 'hang' },
      executed: isDelete(request) && variant % 2 === 0,
    }),
  },
  {
    name: '429 RATE_LIMITED_TOKEN_BUCKET',
    weight: 1,
    applies: () => true,
    interfere: () => ({ fault: { kind: 'status', status: 429, retryAfterSeconds: 0 } }),
  },
  {
    name: '403 refused (role, access list)',
    weight: 1,
    applies: api,
    interfere: (_request, variant) => ({
      fault: atlasError(403, pick(['USER_UNAUTHORIZED', 'IP_ADDRESS_NOT_ON_ACCESS_LIST'], variant)),
    }),
  },
  {
    name: '400 or 409',
    weight: 1,
    applies: api,
    interfere: (_request, variant) => ({
      fault: atlasError(pick([400, 409], variant), pick(['INVALID_REQUEST', 'CONFLICT'], variant)),
    }),
  },
  {
    name: '410 VERSION_GONE on an invitations route (the sunset)',
    weight: 2,
    applies: invitations,
    interfere: () => ({ fault: atlasError(410, 'VERSION_GONE') }),
  },
  {
    name: '404 naming nothing',
    weight: 3,
    applies: api,
    interfere: (_request, variant) => ({
      fault: variant % 2 === 0 ? atlasError(404, 'RESOURCE_NOT_FOUND') : html(404),
    }),
  },
  {
    name: '404 naming another id',
    weight: 2,
    applies: api,
    interfere: () => ({ fault: atlasError(404, 'NOT_FOUND', [ATLAS_ID]) }),
  },
  {
    name: '404 naming the organization or project (a lie that can only refuse)',
    weight: 1,
    applies: (request) => api(request) && request.route !== undefined,
    interfere: (request) => ({
      fault: atlasError(404, 'GROUP_NOT_FOUND', [
        request.route?.groupId ?? request.route?.orgId ?? ATLAS_ID,
      ]),
    }),
  },
  {
    name: '404 naming the target, which is not there',
    weight: 5,
    applies: (request) => api(request) && hasTarget(request) && !request.targetExists,
    interfere: (request) => ({
      fault: atlasError(404, 'NOT_FOUND', [request.route?.id ?? ATLAS_ID]),
    }),
  },
  {
    name: 'a 2xx to a DELETE of a pending target: Atlas removed it (any body)',
    weight: 6,
    applies: (request) => isDelete(request) && request.targetPending,
    interfere: (request, variant) => {
      request.remove()
      return { fault: pick([json(204, ''), json(200, {}), html(200)], variant) }
    },
  },
  {
    name: 'a 2xx to the removal of an active member: Atlas removed them (any body)',
    weight: 6,
    applies: (request) => isDelete(request) && request.targetMember,
    interfere: (request, variant) => {
      request.removeMember()
      return { fault: pick([json(204, ''), json(200, {}), html(200)], variant) }
    },
  },
  {
    name: 'Atlas refuses the removal of an active member (its last owner, say), nothing carried out',
    weight: 2,
    applies: (request) => isDelete(request) && request.targetMember,
    interfere: (_request, variant) => ({
      fault: atlasError(pick([400, 409], variant), 'CANNOT_REMOVE_LAST_ORG_OWNER'),
    }),
  },
  {
    name: 'an HTML 200 to a DELETE, nothing carried out',
    weight: 3,
    applies: isDelete,
    interfere: () => ({ fault: html(200) }),
  },
  {
    name: 'a 2xx in an undocumented shape to a read',
    weight: 4,
    applies: isGet,
    interfere: (request, variant) => {
      // A bare array is the documented shape of an invitation list: there it would be a lie.
      // An envelope is the documented shape when the request asked for one (`envelope=true`).
      const enveloped = request.query.get('envelope') === 'true'
      const shapes = [
        html(200),
        json(200, {}),
        json(200, null),
        json(200, { results: 'x' }),
        ...(enveloped ? [] : [json(200, { content: [], status: 200 })]),
        ...(invitationList(request) ? [] : [json(200, [])]),
      ]
      return { fault: pick(shapes, variant) }
    },
  },
  {
    name: 'the invitee accepts meanwhile; the removal answers 404 naming nothing',
    weight: 8,
    applies: (request) => isDelete(request) && request.targetPending,
    interfere: (request) => {
      request.accept()
      return { fault: atlasError(404, 'RESOURCE_NOT_FOUND') }
    },
  },
  {
    name: 'Digest: 401 repeating the nonce answered (reuse refused)',
    weight: 2,
    applies: digest,
    interfere: () => ({ fault: { kind: 'repeatNonce' } }),
  },
  {
    name: 'Digest: 401 with a new challenge, stale or not',
    weight: 2,
    applies: (request) => api(request) && !bearer(request),
    interfere: (_request, variant) => ({
      fault: {
        kind: 'challenge',
        header: `Digest realm="MMS Public API", domain="", nonce="adversary${variant}", algorithm=MD5, qop="auth", stale=${variant % 2 === 0}`,
      },
    }),
  },
  {
    name: 'bearer token refused (401 invalid_token)',
    weight: 2,
    applies: bearer,
    interfere: () => ({
      fault: {
        kind: 'answer',
        status: 401,
        body: '{"error":401,"errorCode":"UNEXPECTED_ERROR"}',
      },
    }),
  },
  {
    name: 'token endpoint: 2xx without a usable token',
    weight: 3,
    applies: (request) => request.token,
    interfere: (_request, variant) => ({
      fault: pick(
        [
          json(200, { token_type: 'Bearer' }),
          json(200, ''),
          { kind: 'answer', status: 204, body: '' },
          json(200, []),
          json(200, { access_token: '' }),
        ] as const,
        variant,
      ) as Fault,
    }),
  },
  {
    name: 'token endpoint: refused, failing, or a forged token',
    weight: 2,
    applies: (request) => request.token,
    interfere: (_request, variant) => ({
      fault: pick(
        [
          json(400, { error: 'invalid_client' }),
          json(401, { error: 'invalid_client' }),
          { kind: 'status', status: 503 },
          json(200, { access_token: 'forged', expires_in: 3600, token_type: 'Bearer' }),
        ] as const,
        variant,
      ) as Fault,
    }),
  },
  {
    name: 'a redirect or 304, without a Location',
    weight: 1,
    applies: api,
    interfere: (_request, variant) => ({ fault: pick(REDIRECTS, variant) }),
  },
  {
    name: 'another 4xx (405, 408, 412, 422, 451, …), in any body',
    weight: 1.5,
    applies: api,
    interfere: (_request, variant) => ({ fault: pick(OTHER_4XX, variant) }),
  },
  {
    name: 'another 5xx (501, 505, 599, …), in any body, the work perhaps done',
    weight: 1.5,
    applies: api,
    interfere: (request, variant) => ({
      fault: pick(OTHER_5XX, variant),
      executed: isDelete(request) && Math.floor(variant / 2) % 2 === 0,
    }),
  },
  {
    name: 'another 2xx (201, 202, 206, …) in an undocumented shape to a read',
    weight: 1.5,
    applies: isGet,
    interfere: (_request, variant) => ({ fault: pick(OTHER_2XX_UNDOCUMENTED, variant) }),
  },
  {
    name: 'another 2xx (201, 202, 206, …) to a DELETE of a pending target: Atlas removed it',
    weight: 2,
    applies: (request) => isDelete(request) && request.targetPending,
    interfere: (request, variant) => {
      request.remove()
      return { fault: pick(OTHER_2XX_REMOVED, variant) }
    },
  },
  {
    name: 'another 2xx (201, 202, 206, …) to the removal of an active member: Atlas removed them',
    weight: 1,
    applies: (request) => isDelete(request) && request.targetMember,
    interfere: (request, variant) => {
      request.removeMember()
      return { fault: pick(OTHER_2XX_REMOVED, variant) }
    },
  },
  {
    name: 'another 2xx (201, 202, 206, …) in HTML to a DELETE, nothing carried out',
    weight: 1.5,
    applies: isDelete,
    interfere: (_request, variant) => ({ fault: pick(OTHER_2XX_HTML, variant) }),
  },
  {
    name: 'token endpoint: another 2xx, or a redirect or 304 (no Location)',
    weight: 1.5,
    applies: (request) => request.token,
    interfere: (_request, variant) => ({ fault: pick(TOKEN_OTHER_2XX_OR_3XX, variant) }),
  },
  {
    name: 'token endpoint: another 4xx or 5xx, in any body',
    weight: 1.5,
    applies: (request) => request.token,
    interfere: (_request, variant) => ({ fault: pick(TOKEN_OTHER_4XX_OR_5XX, variant) }),
  },
]

/** The row `roll` lands on, each row taking a share of the rolls by its weight. */
export function rowAt(rows: readonly CatalogueRow[], roll: number): CatalogueRow | undefined {
  const total = rows.reduce((sum, row) => sum + row.weight, 0)
  let point = roll % Math.max(1, total)
  for (const row of rows) {
    if (point < row.weight) return row
    point -= row.weight
  }
  return undefined
}

/**
 * What a row needs to know of the truth about a request's target. `usersHideInvitations`: the
 * Users API does not show invitations as pending users (a behaviour of the case).
 */
export function seen(
  request: ObservedRequest,
  state: SimulatedAtlasState,
  usersHideInvitations: boolean,
): Seen {
  const route = request.route
  const id = route?.id
  const pendingInvitation =
    id === undefined || route === undefined
      ? undefined
      : route.resource === 'groupInvites'
        ? state.pendingInvitation({ groupId: route.groupId ?? '' }, id)
        : route.resource === 'orgInvites'
          ? state.pendingInvitation(route.orgId, id)
          : route.resource === 'orgUsers' && !usersHideInvitations
            ? state.pendingInvitationOfUser(route.orgId, id)
            : undefined
  const member =
    id !== undefined && route?.resource === 'orgUsers'
      ? state.member(route.orgId, id) !== undefined
      : false
  return {
    ...request,
    targetPending: pendingInvitation !== undefined,
    targetExists: pendingInvitation !== undefined || member,
    targetMember: member,
    accept: () => {
      if (pendingInvitation) state.accept(pendingInvitation.id)
    },
    remove: () => {
      if (!pendingInvitation) return
      const scope =
        pendingInvitation.groupId === undefined
          ? pendingInvitation.orgId
          : { groupId: pendingInvitation.groupId }
      state.revoke(scope, pendingInvitation.id)
    },
    removeMember: () => {
      if (member && route && id !== undefined) state.removeMember(route.orgId, id)
    },
  }
}
