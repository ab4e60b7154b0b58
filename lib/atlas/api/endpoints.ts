/**
 * Every Atlas request shape this tool sends, by API: the invitation endpoints v1.0 and v2
 * (version 2023-01-01, deprecated 2025-02-19, sunset 2027-07-01) of an organization or one of
 * its projects; the lists of organizations and projects; and the Cloud Users API of one
 * organization, pinned to 2025-02-19 (the first that lists pending users, filters by `username`
 * and `orgMembershipStatuses`, and removes a pending user; older versions list ACTIVE users only).
 */

import type { CallShape } from '../http/index.ts'
import { rateLimitScope } from '../http/index.ts'
import type { Scope } from './scope.ts'

// ---- invitations (v1.0, v2) ----

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

/** An organization and each of its projects have rate limits of their own. */
function scopeLimit(scope: Scope): { rateLimitScope: string } {
  return {
    rateLimitScope:
      scope.groupId === undefined
        ? rateLimitScope('orgs', scope.orgId)
        : rateLimitScope('groups', scope.groupId),
  }
}

function orgLimit(orgId: string): { rateLimitScope: string } {
  return { rateLimitScope: rateLimitScope('orgs', orgId) }
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
    ...scopeLimit(scope),
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
    ...scopeLimit(scope),
  }
}

/**
 * `GET …/invites`: the scope's pending invitations, a bare array, unpaged. Never filtered by
 * `username`: how that filter compares is not published, so entries are matched here.
 */
export function listInvitationsCall(version: InvitationsVersion, scope: Scope): CallShape {
  return {
    method: 'GET',
    path: invitesPath(version, scope),
    ...versionAccept(version),
    ...scopeLimit(scope),
  }
}

// ---- organizations and projects, a page at a time ----

/** The most a page may hold (Atlas's `itemsPerPage` maximum). */
export const PAGE_SIZE = 500

function page(pageNum: number): Record<string, string> {
  return { itemsPerPage: String(PAGE_SIZE), pageNum: String(pageNum) }
}

export function listOrganizationsCall(version: InvitationsVersion, pageNum: number): CallShape {
  return {
    method: 'GET',
    path: `${apiBase(version)}/orgs`,
    query: page(pageNum),
    ...versionAccept(version),
  }
}

export function listProjectsCall(
  version: InvitationsVersion,
  orgId: string,
  pageNum: number,
): CallShape {
  return {
    method: 'GET',
    path: `${apiBase(version)}/orgs/${encodeURIComponent(orgId)}/groups`,
    query: page(pageNum),
    ...versionAccept(version),
    ...orgLimit(orgId),
  }
}

// ---- the Cloud Users API ----

export const USERS_ACCEPT = 'application/vnd.atlas.2025-02-19+json'

function usersPath(orgId: string): string {
  return `/api/atlas/v2/orgs/${encodeURIComponent(orgId)}/users`
}

/** One page of `GET …/users[?username=…][&orgMembershipStatuses=…]`. */
export function listOrgUsersCall(
  orgId: string,
  filter: { readonly username?: string; readonly statuses?: readonly string[] },
  pageNum: number,
): CallShape {
  // URLSearchParams keeps repeated names: `orgMembershipStatuses` is repeatable.
  const query = new URLSearchParams()
  if (filter.username !== undefined) query.set('username', filter.username)
  for (const status of filter.statuses ?? []) query.append('orgMembershipStatuses', status)
  query.set('itemsPerPage', String(PAGE_SIZE))
  query.set('pageNum', String(pageNum))
  return { method: 'GET', path: usersPath(orgId), query, accept: USERS_ACCEPT, ...orgLimit(orgId) }
}

/** `GET …/users/{userId}`: one user, pending or active (from 2025-02-19 on). */
export function getOrgUserCall(orgId: string, userId: string): CallShape {
  return {
    method: 'GET',
    path: `${usersPath(orgId)}/${encodeURIComponent(userId)}`,
    accept: USERS_ACCEPT,
    ...orgLimit(orgId),
  }
}

export function removeOrgUserCall(orgId: string, userId: string): CallShape {
  return {
    method: 'DELETE',
    path: `${usersPath(orgId)}/${encodeURIComponent(userId)}`,
    accept: USERS_ACCEPT,
    ...orgLimit(orgId),
  }
}
