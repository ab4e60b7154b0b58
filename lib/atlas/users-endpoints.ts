/**
 * Request shapes for the Cloud Users API of one organization (`/api/atlas/v2/orgs/{orgId}/users`),
 * pinned to version 2025-02-19, the first that can remove a user whose membership is pending.
 */
import { USERS_ACCEPT } from './atlas-api.ts'
import { type CallShape, formatQuery, type ResponseFormat } from './invitation-endpoints.ts'

export interface OrgUser {
  readonly id: string
  readonly username: string
  /** `PENDING` (invited, not accepted) or `ACTIVE`. */
  readonly status: string
}

function usersPath(orgId: string): string {
  return `/api/atlas/v2/orgs/${encodeURIComponent(orgId)}/users`
}

export function getOrgUserCall(orgId: string, userId: string, format: ResponseFormat): CallShape {
  return {
    method: 'GET',
    path: `${usersPath(orgId)}/${encodeURIComponent(userId)}`,
    query: formatQuery(format),
    accept: USERS_ACCEPT,
  }
}

export function listOrgUsersCall(
  orgId: string,
  username: string,
  format: ResponseFormat,
): CallShape {
  return {
    method: 'GET',
    path: usersPath(orgId),
    query: { username, ...formatQuery(format) },
    accept: USERS_ACCEPT,
  }
}

export function removeOrgUserCall(
  orgId: string,
  userId: string,
  format: ResponseFormat,
): CallShape {
  return {
    method: 'DELETE',
    path: `${usersPath(orgId)}/${encodeURIComponent(userId)}`,
    query: formatQuery(format),
    accept: USERS_ACCEPT,
  }
}

/** One user from an answer, or `undefined` when it is not shaped like one. */
export function readOrgUser(content: unknown): OrgUser | undefined {
  const user = content as { id?: unknown; username?: unknown; orgMembershipStatus?: unknown }
  if (typeof user?.id !== 'string') return undefined
  return {
    id: user.id,
    username: typeof user.username === 'string' ? user.username : '',
    status: typeof user.orgMembershipStatus === 'string' ? user.orgMembershipStatus : 'UNKNOWN',
  }
}

/** The users of a list answer (`{results: [...]}`), ignoring anything malformed. */
export function readOrgUsers(content: unknown): OrgUser[] {
  const results = (content as { results?: unknown })?.results
  return Array.isArray(results)
    ? results.map(readOrgUser).filter((user): user is OrgUser => user !== undefined)
    : []
}
