/**
 * Request shapes for the Cloud Users API of one organization (`/api/atlas/v2/orgs/{orgId}/users`),
 * pinned to version 2025-02-19: the first that lists pending users, filters by `username` and
 * `orgMembershipStatuses`, and removes a pending user. Older versions list ACTIVE users only.
 */
import type { CallShape } from './atlas-session.ts'
import { PAGE_SIZE } from './scope-endpoints.ts'

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
  return { method: 'GET', path: usersPath(orgId), query, accept: USERS_ACCEPT }
}

/** `GET …/users/{userId}`: one user, pending or active (from 2025-02-19 on). */
export function getOrgUserCall(orgId: string, userId: string): CallShape {
  return {
    method: 'GET',
    path: `${usersPath(orgId)}/${encodeURIComponent(userId)}`,
    accept: USERS_ACCEPT,
  }
}

export function removeOrgUserCall(orgId: string, userId: string): CallShape {
  return {
    method: 'DELETE',
    path: `${usersPath(orgId)}/${encodeURIComponent(userId)}`,
    accept: USERS_ACCEPT,
  }
}
