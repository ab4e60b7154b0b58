/**
 * Request shapes for the lists of organizations the key can see (`GET /orgs`) and of an
 * organization's projects (`GET /orgs/{orgId}/groups`), one page of each.
 */
import type { CallShape } from './atlas-session.ts'
import { apiBase, type InvitationsVersion, versionAccept } from './invitation-endpoints.ts'

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
  }
}
