/**
 * The guardrails on removing an active member (REMOVE_ACTIVE_MEMBERS): whether one member of
 * an organization may be removed, decided from the organization's whole ACTIVE list and the
 * deployment's policy alone. Pure. A member is kept when
 *
 * - their username is in PROTECTED_USERNAMES;
 * - they are the functions' own identity: a listed user whose username (or the part before its
 *   `@`), or id, is the API key's public key or the service account's client id (MongoDB does
 *   not say whether, or as what, a key or a service account is listed among users; one listed
 *   under another name belongs in PROTECTED_USERNAMES);
 * - they hold `ORG_OWNER` and no other person is shown holding it: never the last Organization
 *   Owner. Another person is a member of another username that is an email address (a key or a
 *   service account, should Atlas list one, is named otherwise) and not the functions' own;
 * - the roles needed to tell are not shown: when in doubt, nobody is removed.
 *
 * "Never by id" is not decided here: only a person's search reaches this (lib/revoke/revoke.ts).
 */
import type { OrgMember } from './org-members.ts'
import { emailAddress, normalizeUsername, type Username } from './username.ts'

export const ORG_OWNER = 'ORG_OWNER'

/** What the deployment says about removing members. */
export interface MemberPolicy {
  /** PROTECTED_USERNAMES, normalized: never removed. */
  readonly protectedUsernames: ReadonlySet<Username>
  /** The public half of the functions' own credentials: a public key or a client id. */
  readonly callerId: string | undefined
}

export type MemberGuard = 'protected' | 'self' | 'last_owner' | 'roles_unknown'

export type MemberVerdict =
  | { readonly kind: 'remove' }
  | { readonly kind: 'keep'; readonly guard: MemberGuard; readonly detail: string }

/**
 * @example
 * memberVerdict(leaver, members, { protectedUsernames: new Set(), callerId: 'abcdefgh' })
 * // → { kind: 'remove' }, or { kind: 'keep', guard: 'last_owner', detail: '…' }
 */
export function memberVerdict(
  member: OrgMember,
  members: readonly OrgMember[],
  policy: MemberPolicy,
): MemberVerdict {
  const who = `${member.username} (user ${member.id})`
  if (policy.protectedUsernames.has(member.username))
    return keep('protected', `${who} is in PROTECTED_USERNAMES: never removed`)
  if (isCaller(member, policy.callerId))
    return keep(
      'self',
      `${who} is the identity of this deployment's own Atlas key or service account: never removed`,
    )
  if (member.orgRoles === undefined)
    return keep(
      'roles_unknown',
      `Atlas did not show the organization roles of ${who}, so whether they are its last Organization Owner is unknown: not removed`,
    )
  if (!member.orgRoles.includes(ORG_OWNER)) return { kind: 'remove' }
  const others = members.filter(
    (other) =>
      other.username !== member.username &&
      emailAddress(other.username) !== undefined &&
      !isCaller(other, policy.callerId),
  )
  if (others.some((other) => other.orgRoles?.includes(ORG_OWNER))) return { kind: 'remove' }
  if (others.some((other) => other.orgRoles === undefined))
    return keep(
      'roles_unknown',
      `${who} is an Organization Owner and Atlas did not show every other member's roles, so whether another owner remains is unknown: not removed`,
    )
  return keep(
    'last_owner',
    `${who} is the organization's last Organization Owner: never removed; make someone else Organization Owner first`,
  )
}

/** Whether a listed user is the functions' own key or service account. */
export function isCaller(member: Pick<OrgMember, 'id' | 'username'>, callerId?: string): boolean {
  if (!callerId?.trim()) return false
  const caller = normalizeUsername(callerId)
  const [localPart] = member.username.split('@')
  return member.username === caller || localPart === caller || member.id === callerId.trim()
}

function keep(guard: MemberGuard, detail: string): MemberVerdict {
  return { kind: 'keep', guard, detail }
}
