/**
 * The Cloud Users API for one organization (`/api/atlas/v2/orgs/{orgId}/users[/{userId}]`):
 * pending invitations appear as users with `orgMembershipStatus: PENDING` (their id is the
 * invitation id), accepted ones as ACTIVE members. Removing a pending user needs API version
 * 2025-02-19 or later; older versions only see active users there, as Atlas documents.
 */

import type {
  SimulatedAtlasState,
  SimulatedInvitation,
  SimulatedMember,
} from './simulated-atlas-state.ts'
import {
  apiError,
  apiResponse,
  type ResponseContext,
  type SimulatedResponse,
} from './simulated-responses.ts'

export const PENDING_REMOVAL_VERSION = '2025-02-19'

export function usersRoute(
  state: SimulatedAtlasState,
  context: ResponseContext,
  method: string,
  orgId: string,
  userId: string | undefined,
  query: URLSearchParams,
): SimulatedResponse {
  if (userId === undefined) {
    const username = query.get('username') ?? undefined
    const status = query.get('orgMembershipStatus') ?? undefined
    const users = [
      ...state.pendingInvitations(orgId, username).map(pendingUser),
      ...state.members(orgId, username).map(activeUser),
    ].filter((user) => status === undefined || user.orgMembershipStatus === status)
    return apiResponse(context, 200, { links: [], results: users, totalCount: users.length })
  }
  const pending = state.pendingInvitation(orgId, userId)
  const member = state.member(orgId, userId)
  const seesPending = (context.versionDate ?? '') >= PENDING_REMOVAL_VERSION
  if (method === 'DELETE') {
    if (pending && seesPending && state.revoke(orgId, userId)) return apiResponse(context, 204)
    if (member && state.removeMember(orgId, userId)) return apiResponse(context, 204)
  } else {
    if (pending) return apiResponse(context, 200, pendingUser(pending))
    if (member) return apiResponse(context, 200, activeUser(member))
  }
  return apiError(
    context,
    404,
    'USER_NOT_FOUND',
    `No user with ID ${userId} exists in organization ${orgId}.`,
    [userId, orgId],
  )
}

function pendingUser(invitation: SimulatedInvitation) {
  return {
    id: invitation.id,
    invitationCreatedAt: invitation.createdAt,
    invitationExpiresAt: invitation.expiresAt,
    inviterUsername: invitation.inviterUsername,
    orgMembershipStatus: 'PENDING' as const,
    roles: { groupRoleAssignments: [], orgRoles: invitation.roles },
    teamIds: invitation.teamIds,
    username: invitation.username,
  }
}

function activeUser(member: SimulatedMember) {
  return {
    country: 'US',
    createdAt: member.createdAt,
    firstName: member.username.split('@')[0] ?? '',
    id: member.id,
    lastAuth: member.createdAt,
    lastName: 'Member',
    orgMembershipStatus: 'ACTIVE' as const,
    roles: { groupRoleAssignments: [], orgRoles: member.roles },
    teamIds: [],
    username: member.username,
  }
}
