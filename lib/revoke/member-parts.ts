/**
 * A person's parts in one organization once the member phase ran (REMOVE_ACTIVE_MEMBERS on).
 * The pending phase may have met the person as an active member (they accepted while it ran,
 * or the Users API mode saw them): that `active_member` part is the member phase's to answer,
 * and it did, from the organization's whole ACTIVE list read after, with one part per member
 * of that username (removed, would be, or kept by a guardrail). Pure.
 */
import type { Revocation } from '../atlas/api/index.ts'

/**
 * The pending phase's parts, less the `active_member` ones the member phase answered, then the
 * member phase's. When the member phase found no member of the username (they left the
 * organization meanwhile), an `active_member` part stays: nothing proves where they stand.
 *
 * @example
 * withMemberParts([revokedInvitation, acceptedMeanwhile], [removedMember])
 * // → [revokedInvitation, removedMember]
 */
export function withMemberParts(
  pending: readonly Revocation[],
  members: readonly Revocation[],
): Revocation[] {
  if (members.length === 0) return [...pending]
  const answered = new Set(members.map((member) => `${member.orgId} ${member.username ?? ''}`))
  const kept = pending.filter(
    (part) =>
      part.outcome !== 'active_member' || !answered.has(`${part.orgId} ${part.username ?? ''}`),
  )
  return [...kept, ...members]
}
