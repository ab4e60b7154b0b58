/**
 * An organization's active members, as the Cloud Users API (version 2025-02-19) lists them,
 * whatever ATLAS_API is: only that API sees members. The whole `orgMembershipStatuses=ACTIVE`
 * list is read, every page, and matched here by normalized username; Atlas's `username` filter
 * is never sent (MongoDB does not say how it compares). A member's organization roles are kept
 * as the answer shows them (`roles.orgRoles`), or as unknown when it leaves them out: the
 * guardrails then decide nothing from them.
 */
import type { Outcome } from '../../outcome.ts'
import type { AtlasSession } from '../http/index.ts'
import { outcomeOfRefusal, unexpectedAnswer } from './answer-outcome.ts'
import { getOrgUserCall, listOrgUsersCall } from './endpoints.ts'
import type { MemberRelisted } from './evidence.ts'
import { readUser } from './lists.ts'
import { readAllPages } from './paged-list.ts'
import type { Username } from './username.ts'

/** An ACTIVE user of an organization. */
export interface OrgMember {
  readonly id: string
  readonly username: Username
  /** `roles.orgRoles` as Atlas showed it; `undefined` when the answer left it out or malformed. */
  readonly orgRoles: readonly string[] | undefined
}

export type MemberListing =
  | {
      readonly kind: 'listed'
      /** Every ACTIVE member of the organization. */
      readonly members: readonly OrgMember[]
      readonly notes: readonly string[]
    }
  | { readonly kind: 'failed'; readonly outcome: Outcome }

/** The statuses MongoDB's spec lists for a user of an organization. */
const STATUSES: ReadonlySet<string> = new Set([
  'ACTIVE',
  'PENDING',
  'INVITATION_EXPIRED',
  'INVITATION_REJECTED',
])

/** One user of a list or a read: id, username, status, and the organization roles if shown. */
export function readListedUser(
  item: unknown,
): (OrgMember & { readonly status: string }) | undefined {
  const user = readUser(item)
  if (!user) return undefined
  return { id: user.id, username: user.username, status: user.status, orgRoles: orgRolesOf(item) }
}

function orgRolesOf(item: unknown): readonly string[] | undefined {
  const roles = (item as { roles?: unknown }).roles
  if (typeof roles !== 'object' || roles === null) return undefined
  const orgRoles = (roles as { orgRoles?: unknown }).orgRoles
  return Array.isArray(orgRoles) && orgRoles.every((role) => typeof role === 'string')
    ? orgRoles
    : undefined
}

/**
 * Every ACTIVE member of the organization. A list that ignored its status filter holds other
 * users too: only ACTIVE ones are members. A user of `username` in a status MongoDB does not
 * document proves nothing, so the listing fails (`upstream_error`).
 */
export async function listActiveMembers(
  session: AtlasSession,
  orgId: string,
  username: Username,
): Promise<MemberListing> {
  const listed = await readAllPages(
    session,
    (pageNum) => listOrgUsersCall(orgId, { statuses: ['ACTIVE'] }, pageNum),
    { orgId },
    'the member list',
    readListedUser,
  )
  if (listed.kind === 'failed') return listed
  const strange = listed.items.find(
    (user) => user.username === username && !STATUSES.has(user.status),
  )
  if (strange)
    return {
      kind: 'failed',
      outcome: {
        outcome: 'upstream_error',
        status: 200,
        detail: `Atlas lists user ${strange.id} of this username with the undocumented status ${JSON.stringify(strange.status)}: nothing is concluded from it`,
        retryable: true,
      },
    }
  return {
    kind: 'listed',
    members: listed.items
      .filter((user) => user.status === 'ACTIVE')
      .map(({ id, username: name, orgRoles }) => ({ id, username: name, orgRoles })),
    notes: listed.note ? [listed.note] : [],
  }
}

/** A member's organization roles read by id, for a list that left them out. */
export async function readMemberRoles(
  session: AtlasSession,
  orgId: string,
  userId: string,
): Promise<
  | { readonly kind: 'read'; readonly orgRoles: readonly string[] | undefined }
  | { readonly kind: 'failed'; readonly outcome: Outcome }
> {
  const result = await session.call(getOrgUserCall(orgId, userId))
  if (result.kind === 'failed') return result
  const { response } = result
  if (response.status < 200 || response.status >= 300)
    return { kind: 'failed', outcome: outcomeOfRefusal(response) }
  const user = response.bodyKind === 'json' ? readListedUser(response.body) : undefined
  if (user?.id !== userId || user.status !== 'ACTIVE')
    return { kind: 'failed', outcome: unexpectedAnswer(response, 'the member') }
  return { kind: 'read', orgRoles: user.orgRoles }
}

/** The second look after a removal: the whole ACTIVE list, with or without the member. */
export async function lookAgainForMember(
  session: AtlasSession,
  orgId: string,
  member: Pick<OrgMember, 'id' | 'username'>,
): Promise<MemberRelisted> {
  const listing = await listActiveMembers(session, orgId, member.username)
  if (listing.kind === 'failed') return { found: 'unknown', outcome: listing.outcome }
  const still = listing.members.some(
    (candidate) => candidate.id === member.id || candidate.username === member.username,
  )
  return still ? { found: 'active' } : { found: 'absent' }
}
