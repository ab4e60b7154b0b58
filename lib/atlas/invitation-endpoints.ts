/**
 * Request shapes for the Atlas invitation endpoints, v1.0 and v2 (version 2023-01-01, deprecated
 * 2025-02-19, sunset 2027-07-01), of an organization or of one of its projects.
 */

import type { CallShape } from './atlas-session.ts'
import type { Scope } from './scope.ts'

export type InvitationsVersion = 'v1' | 'v2'

/** The version the v2 invitation and listing resources are pinned to. */
export const V2_ACCEPT = 'application/vnd.atlas.2023-01-01+json'

export function apiBase(version: InvitationsVersion): string {
  return `/api/atlas/${version === 'v1' ? 'v1.0' : 'v2'}`
}

export function versionAccept(version: InvitationsVersion): { accept?: string } {
  return version === 'v2' ? { accept: V2_ACCEPT } : {}
}

/** `…/orgs/{orgId}/invites` or `…/groups/{groupId}/invites` (not `/invitations/`). */
function invitesPath(version: InvitationsVersion, scope: Scope): string {
  const owner =
    scope.groupId === undefined
      ? `orgs/${encodeURIComponent(scope.orgId)}`
      : `groups/${encodeURIComponent(scope.groupId)}`
  return `${apiBase(version)}/${owner}/invites`
}

export function deleteInvitationCall(
  version: InvitationsVersion,
  scope: Scope,
  invitationId: string,
): CallShape {
  return {
    method: 'DELETE',
    path: `${invitesPath(version, scope)}/${encodeURIComponent(invitationId)}`,
    ...versionAccept(version),
  }
}

/** `GET …/invites/{invitationId}`: one pending invitation. */
export function getInvitationCall(
  version: InvitationsVersion,
  scope: Scope,
  invitationId: string,
): CallShape {
  return {
    method: 'GET',
    path: `${invitesPath(version, scope)}/${encodeURIComponent(invitationId)}`,
    ...versionAccept(version),
  }
}

/**
 * `GET …/invites`: the scope's pending invitations, a bare array, unpaged. Never filtered by
 * `username`: how that filter compares is not published, so entries are matched here.
 */
export function listInvitationsCall(version: InvitationsVersion, scope: Scope): CallShape {
  return { method: 'GET', path: invitesPath(version, scope), ...versionAccept(version) }
}
