/**
 * A person's active membership of one organization, for a person's request with
 * REMOVE_ACTIVE_MEMBERS on: the organization's whole ACTIVE list (the Cloud Users API, in every
 * ATLAS_API mode), each member of that username weighed by the guardrails (member-guardrails.ts)
 * and removed (`removed_member`, on the evidence ladder's terms), reported (`would_remove`, a dry
 * run), or kept (`invalid`, saying which guardrail). Never reached by id.
 */
import type { Outcome } from '../../outcome.ts'
import type { AtlasSession } from '../http/index.ts'
import type { Revocation, RevokeOptions } from './adapter.ts'
import { removeOrgUserCall } from './endpoints.ts'
import { askToRemoveMember, wouldRemoveListed } from './evidence.ts'
import { type MemberPolicy, memberVerdict } from './member-guardrails.ts'
import {
  listActiveMembers,
  lookAgainForMember,
  type OrgMember,
  readMemberRoles,
} from './org-members.ts'
import type { Username } from './username.ts'

/** The deployment's word on members, less what the session itself knows (its caller). */
export type MemberSettings = Omit<MemberPolicy, 'callerId'>

export type MemberSearch =
  | {
      readonly kind: 'found'
      /** One per ACTIVE member of the username: removed, would be, or kept. */
      readonly revocations: readonly Revocation[]
      readonly notes: readonly string[]
    }
  | { readonly kind: 'failed'; readonly outcome: Outcome }

/**
 * @example
 * const members = await offboardMembers(session, orgId, username, { protectedUsernames }, {})
 * // → { kind: 'found', revocations: [{ orgId, userId, outcome: 'removed_member', evidence }] }
 */
export async function offboardMembers(
  session: AtlasSession,
  orgId: string,
  username: Username,
  settings: MemberSettings,
  options: RevokeOptions = {},
): Promise<MemberSearch> {
  const listing = await listActiveMembers(session, orgId, username)
  if (listing.kind === 'failed') return listing
  const policy: MemberPolicy = { ...settings, callerId: await session.callerId() }
  const revocations: Revocation[] = []
  for (const listed of listing.members.filter((member) => member.username === username)) {
    const where = { orgId, userId: listed.id, username: listed.username }
    const member = await withRoles(session, orgId, listed)
    if ('outcome' in member) {
      revocations.push({ ...where, ...member.outcome })
      continue
    }
    const members = listing.members.map((other) => (other.id === member.id ? member : other))
    const verdict = memberVerdict(member, members, policy)
    if (verdict.kind === 'keep') {
      revocations.push({ ...where, outcome: 'invalid', detail: verdict.detail, retryable: false })
      continue
    }
    if (options.dryRun) {
      revocations.push({ ...where, ...wouldRemoveListed() })
      continue
    }
    // The ACTIVE observation, the guardrails and the removal are back to back.
    const outcome = await askToRemoveMember(
      session,
      removeOrgUserCall(orgId, member.id),
      { id: member.id, what: 'member', scope: { orgId }, username: member.username },
      () => lookAgainForMember(session, orgId, member),
    )
    revocations.push({ ...where, ...outcome })
  }
  return { kind: 'found', revocations, notes: listing.notes }
}

/** The member with their roles: as listed, or read by id when the list left them out. */
async function withRoles(
  session: AtlasSession,
  orgId: string,
  member: OrgMember,
): Promise<OrgMember | { readonly outcome: Outcome }> {
  if (member.orgRoles !== undefined) return member
  const read = await readMemberRoles(session, orgId, member.id)
  return read.kind === 'failed' ? { outcome: read.outcome } : { ...member, orgRoles: read.orgRoles }
}
