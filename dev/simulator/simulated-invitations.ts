/**
 * The invitations API, v1.0 and v2, of an organization (`/orgs/{orgId}/invites[/{id}]`) or a
 * project (`/groups/{groupId}/invites[/{id}]`): list the pending ones (filtered by `username`),
 * read one, revoke one; each written as Atlas writes it, fields in alphabetical order.
 */
import type { SimulatedInvitation } from './invitation-registry.ts'
import type { SimulatedAtlasState } from './simulated-atlas-state.ts'
import {
  apiResponse,
  missingResource,
  type ResponseContext,
  type SimulatedResponse,
} from './simulated-responses.ts'

export interface InvitationsRequest {
  readonly method: string
  /** The organization the invitations belong to, or the project. */
  readonly scope: string | { readonly groupId: string }
  /** The invitation the path names; `undefined` for a list. */
  readonly invitationId: string | undefined
  readonly query: URLSearchParams
  /** Answer lists as if the `username` filter had not been sent. */
  readonly ignoreFilters: boolean
  /** How the `username` filter compares. */
  readonly sameUsername: (a: string, b: string) => boolean
}

export function invitationsRoute(
  state: SimulatedAtlasState,
  context: ResponseContext,
  request: InvitationsRequest,
): SimulatedResponse {
  const { scope, invitationId } = request
  if (invitationId === undefined) {
    const username = request.ignoreFilters
      ? undefined
      : (request.query.get('username') ?? undefined)
    const listed = state.pendingInvitations(scope, username, request.sameUsername)
    return apiResponse(
      context,
      200,
      listed.map((invitation) => presentInvitation(state, invitation)),
    )
  }
  if (request.method === 'DELETE') {
    if (state.revoke(scope, invitationId)) return apiResponse(context, 204)
  } else {
    const invitation = state.pendingInvitation(scope, invitationId)
    if (invitation) return apiResponse(context, 200, presentInvitation(state, invitation))
  }
  return missingResource(
    context,
    'INVITATION_NOT_FOUND',
    `Invitation ${invitationId} not found.`,
    invitationId,
  )
}

/** An invitation as Atlas writes it, fields in alphabetical order (org or project shape). */
function presentInvitation(state: SimulatedAtlasState, invitation: SimulatedInvitation) {
  const common = {
    createdAt: invitation.createdAt,
    expiresAt: invitation.expiresAt,
  }
  if (invitation.groupId !== undefined) {
    return {
      ...common,
      groupId: invitation.groupId,
      groupName: state.project(invitation.groupId)?.name ?? '',
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
    orgName: state.org(invitation.orgId)?.name ?? '',
    roles: invitation.roles,
    teamIds: invitation.teamIds,
    username: invitation.username,
  }
}
