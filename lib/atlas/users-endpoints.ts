/**
 * Request shapes for the Cloud Users API of one organization (`/api/atlas/v2/orgs/{orgId}/users`),
 * pinned to version 2025-02-19: the first that lists pending users, filters by `username` and
 * `orgMembershipStatuses`, and removes a pending user. Older versions list ACTIVE users only.
 */
import type { CallShape } from './atlas-session.ts'

export const USERS_ACCEPT = 'application/vnd.atlas.2025-02-19+json'

/** The most a page may hold (Atlas's `itemsPerPage` maximum). */
export const USERS_PAGE_SIZE = 500

function usersPath(orgId: string): string {
  return `/api/atlas/v2/orgs/${encodeURIComponent(orgId)}/users`
}

/** `GET …/users?username=…[&orgMembershipStatuses=…]`, one page of it. */
export function listOrgUsersCall(
  orgId: string,
  username: string,
  statuses: readonly string[],
  pageNum: number,
): CallShape {
  // URLSearchParams keeps repeated names: `orgMembershipStatuses` is repeatable.
  const query = new URLSearchParams({ username })
  for (const status of statuses) query.append('orgMembershipStatuses', status)
  query.set('itemsPerPage', String(USERS_PAGE_SIZE))
  query.set('pageNum', String(pageNum))
  return { method: 'GET', path: usersPath(orgId), query, accept: USERS_ACCEPT }
}

export function removeOrgUserCall(orgId: string, userId: string): CallShape {
  return {
    method: 'DELETE',
    path: `${usersPath(orgId)}/${encodeURIComponent(userId)}`,
    accept: USERS_ACCEPT,
  }
}
