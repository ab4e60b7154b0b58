/** Request shapes for the Atlas organization invitation endpoints, v1.0 and v2 (version 2023-01-01). */
import type { CallShape } from './atlas-session.ts'

export type InvitationsVersion = 'v1' | 'v2'

/** The v2 invitation resources' version (deprecated 2025-02-19, sunset 2027-07-01). */
export const V2_INVITATIONS_ACCEPT = 'application/vnd.atlas.2023-01-01+json'

function invitesPath(version: InvitationsVersion, orgId: string): string {
  return `/api/atlas/${version === 'v1' ? 'v1.0' : 'v2'}/orgs/${encodeURIComponent(orgId)}/invites`
}

function accept(version: InvitationsVersion): { accept?: string } {
  return version === 'v2' ? { accept: V2_INVITATIONS_ACCEPT } : {}
}

/** `DELETE /api/atlas/{v1.0|v2}/orgs/{orgId}/invites/{invitationId}` (not `/invitations/`). */
export function deleteInvitationCall(
  version: InvitationsVersion,
  orgId: string,
  invitationId: string,
): CallShape {
  return {
    method: 'DELETE',
    path: `${invitesPath(version, orgId)}/${encodeURIComponent(invitationId)}`,
    ...accept(version),
  }
}

/** `GET …/orgs/{orgId}/invites/{invitationId}`: one pending invitation. */
export function getInvitationCall(
  version: InvitationsVersion,
  orgId: string,
  invitationId: string,
): CallShape {
  return {
    method: 'GET',
    path: `${invitesPath(version, orgId)}/${encodeURIComponent(invitationId)}`,
    ...accept(version),
  }
}

/** `GET …/orgs/{orgId}/invites[?username=…]`: the org's pending invitations (a bare array, unpaged). */
export function listInvitationsCall(
  version: InvitationsVersion,
  orgId: string,
  username: string | undefined,
): CallShape {
  return {
    method: 'GET',
    path: invitesPath(version, orgId),
    ...(username === undefined ? {} : { query: { username } }),
    ...accept(version),
  }
}
