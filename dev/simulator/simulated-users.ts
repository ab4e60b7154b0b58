/**
 * The Cloud Users API of one organization (`/api/atlas/v2/orgs/{orgId}/users[/{userId}]`), as
 * MongoDB's spec describes it. A pending invitation shows as a PENDING user whose id is a user
 * id, not the invitation id; an accepted one as an ACTIVE member with its `roles.orgRoles`; an
 * expired one as INVITATION_EXPIRED. Version 2025-02-19 is the first that lists pending users,
 * filters by `username` and `orgMembershipStatuses`, reads one user and removes a pending one;
 * older versions list ACTIVE users only and ignore those filters. Removing a member removes them,
 * but never the organization's last Organization Owner: MongoDB does not publish how Atlas
 * refuses that, so a 409 stands in (the client reads any such 4xx as `invalid`).
 */

import type { SimulatedInvitation } from './invitation-registry.ts'
import type { SimulatedMember } from './member-registry.ts'
import type { CallerUser } from './principal-registry.ts'
import type { SimulatedAtlasState } from './simulated-atlas-state.ts'
import { type Page, paginate } from './simulated-pagination.ts'
import {
  apiError,
  apiResponse,
  missingResource,
  type ResponseContext,
  resourceNotFound,
  type SimulatedResponse,
} from './simulated-responses.ts'

export const PENDING_USERS_VERSION = '2025-02-19'

const STATUSES = ['ACTIVE', 'PENDING', 'INVITATION_EXPIRED', 'INVITATION_REJECTED'] as const
type MembershipStatus = (typeof STATUSES)[number]

export interface UsersRequest {
  readonly method: string
  readonly orgId: string
  readonly userId: string | undefined
  readonly query: URLSearchParams
  readonly path: string
  /** Answer lists as if the filters had not been sent (tests of the client's own checks). */
  readonly ignoreFilters: boolean
  /** How the `username` filter compares. */
  readonly sameUsername: (a: string, b: string) => boolean
  /** Pending invitations (made through the invitations API) are not users here. */
  readonly hidesInvitations: boolean
  /** Added to `totalCount` (an estimate, says the spec). */
  readonly totalCountOver?: number
  /** API keys and service accounts show among the ACTIVE users (an open question). */
  readonly listsCallers?: boolean
  /** Lists leave out users' `roles` (an open question); a read by id shows them. */
  readonly listOmitsRoles?: boolean
}

export function usersRoute(
  state: SimulatedAtlasState,
  context: ResponseContext,
  request: UsersRequest,
): SimulatedResponse {
  const current = (context.versionDate ?? '') >= PENDING_USERS_VERSION
  const { orgId, userId, query } = request
  if (userId === undefined) {
    const filtered = current && !request.ignoreFilters
    const users = listUsers(state, orgId, {
      username: filtered ? (query.get('username') ?? undefined) : undefined,
      statuses: current ? statusFilter(query, request.ignoreFilters) : ['ACTIVE'],
      same: request.sameUsername,
      hidesInvitations: request.hidesInvitations,
      listsCallers: request.listsCallers === true,
    }).map((user) => (request.listOmitsRoles ? withoutRoles(user) : user))
    return apiResponse(
      context,
      200,
      paginate(users, query, request.path, request.totalCountOver ?? 0),
    )
  }
  // Reading one user exists only from 2025-02-19 on.
  if (request.method === 'GET' && !current) return resourceNotFound(context, request.path)
  const pending =
    current && !request.hidesInvitations ? state.pendingInvitationOfUser(orgId, userId) : undefined
  const member = state.member(orgId, userId)
  const caller = request.listsCallers
    ? state.callerUsers(orgId).find((user) => user.id === userId)
    : undefined
  if (request.method === 'DELETE') {
    if (pending && state.revoke(orgId, pending.id)) return apiResponse(context, 204)
    if (member && state.isLastOwner(orgId, userId))
      return apiError(
        context,
        409,
        'CANNOT_REMOVE_LAST_ORG_OWNER',
        `User ${userId} is the last Organization Owner of organization ${orgId}.`,
        [userId],
      )
    if (member && state.removeMember(orgId, userId)) return apiResponse(context, 204)
    if (caller)
      return apiError(context, 409, 'CANNOT_REMOVE_API_USER', 'An API user cannot be removed.')
  } else {
    if (pending) return apiResponse(context, 200, pendingUser(pending))
    if (member) return apiResponse(context, 200, activeUser(member))
    if (caller) return apiResponse(context, 200, callerUser(caller))
  }
  return missingResource(context, 'USER_NOT_FOUND', `No user with ID ${userId} exists.`, userId)
}

/** `orgMembershipStatuses` (repeatable) or the deprecated `orgMembershipStatus`; default ACTIVE + PENDING. */
function statusFilter(query: URLSearchParams, ignore: boolean): readonly MembershipStatus[] {
  const asked = [...query.getAll('orgMembershipStatuses'), ...query.getAll('orgMembershipStatus')]
  const known = asked.filter((status): status is MembershipStatus =>
    (STATUSES as readonly string[]).includes(status),
  )
  if (ignore) return STATUSES
  return known.length > 0 ? known : ['ACTIVE', 'PENDING']
}

function listUsers(
  state: SimulatedAtlasState,
  orgId: string,
  filter: {
    username: string | undefined
    statuses: readonly MembershipStatus[]
    same: (a: string, b: string) => boolean
    hidesInvitations: boolean
    listsCallers: boolean
  },
): Page['results'] {
  const { username, same } = filter
  const invited = filter.hidesInvitations
    ? []
    : [
        ...state.pendingInvitations(orgId, username, same).map(pendingUser),
        ...state.expiredInvitations(orgId, username, same).map(expiredUser),
      ]
  const callers = filter.listsCallers
    ? state
        .callerUsers(orgId)
        .filter((user) => username === undefined || same(user.username, username))
        .map(callerUser)
    : []
  const users = [...invited, ...state.members(orgId, username, same).map(activeUser), ...callers]
  return users.filter((user) => filter.statuses.includes(user.orgMembershipStatus))
}

/** An API key or service account as an ACTIVE user (only under `callersListedAsUsers`). */
function callerUser(user: CallerUser) {
  return {
    id: user.id,
    orgMembershipStatus: 'ACTIVE' as MembershipStatus,
    roles: { groupRoleAssignments: [], orgRoles: user.roles },
    teamIds: [],
    username: user.username,
  }
}

function withoutRoles(user: Page['results'][number]): Page['results'][number] {
  const { roles: _roles, ...rest } = user
  return rest
}

function pendingUser(invitation: SimulatedInvitation) {
  return {
    id: invitation.userId,
    invitationCreatedAt: invitation.createdAt,
    invitationExpiresAt: invitation.expiresAt,
    inviterUsername: invitation.inviterUsername,
    orgMembershipStatus: 'PENDING' as MembershipStatus,
    roles: { groupRoleAssignments: [], orgRoles: invitation.roles },
    teamIds: invitation.teamIds,
    username: invitation.username,
  }
}

function expiredUser(invitation: SimulatedInvitation) {
  return { ...pendingUser(invitation), orgMembershipStatus: 'INVITATION_EXPIRED' as const }
}

function activeUser(member: SimulatedMember) {
  return {
    country: 'US',
    createdAt: member.createdAt,
    firstName: member.username.split('@')[0] ?? '',
    id: member.id,
    lastAuth: member.createdAt,
    lastName: 'Member',
    mobileNumber: null,
    orgMembershipStatus: 'ACTIVE' as MembershipStatus,
    roles: { groupRoleAssignments: [], orgRoles: member.roles },
    teamIds: [],
    username: member.username,
  }
}
