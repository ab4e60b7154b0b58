/**
 * The member guardrails, one by one, as the pure function of the organization's ACTIVE list and
 * the deployment's policy they are: a protected username, the functions' own identity, the last
 * Organization Owner, and roles Atlas did not show.
 */
import { describe, expect, it } from 'vitest'
import {
  isCaller,
  type MemberPolicy,
  memberVerdict,
} from '../../../lib/atlas/api/member-guardrails.ts'
import type { OrgMember } from '../../../lib/atlas/api/org-members.ts'
import { normalizeUsername } from '../../../lib/atlas/api/username.ts'

const member = (
  username: string,
  orgRoles: readonly string[] | undefined,
  id = `${username.length.toString(16).padStart(2, '0')}${'0'.repeat(22)}`,
): OrgMember => ({ id, username: normalizeUsername(username), orgRoles })

const leaver = member('leaver@example.com', ['ORG_MEMBER'])
const owner = member('owner@example.com', ['ORG_OWNER'], 'b0000000000000000000000b')
const policy: MemberPolicy = { protectedUsernames: new Set(), callerId: 'demoownr' }

describe('memberVerdict', () => {
  it('removes a member who holds no Organization Owner role', () => {
    expect(memberVerdict(leaver, [leaver, owner], policy)).toEqual({ kind: 'remove' })
    expect(memberVerdict(leaver, [leaver], policy)).toEqual({ kind: 'remove' })
  })

  it('keeps a PROTECTED_USERNAMES member, whatever their roles', () => {
    const guarded = { ...policy, protectedUsernames: new Set([leaver.username]) }
    expect(memberVerdict(leaver, [leaver, owner], guarded)).toMatchObject({
      kind: 'keep',
      guard: 'protected',
      detail: expect.stringContaining('PROTECTED_USERNAMES'),
    })
  })

  it('keeps the functions’ own identity: a user named by the key’s public key or the service account’s client id', () => {
    for (const [username, callerId] of [
      ['demoownr@example.com', 'demoownr'],
      ['DemoOwnr', 'demoownr'],
      ['mdb_sa_id_0123@example.com', 'mdb_sa_id_0123'],
    ] as const) {
      const self = member(username, ['ORG_MEMBER'])
      expect(memberVerdict(self, [self, owner], { ...policy, callerId }), username).toMatchObject({
        kind: 'keep',
        guard: 'self',
      })
    }
    // By its user id too, should Atlas list it so.
    const byId = member('someone@example.com', ['ORG_MEMBER'], 'c0000000000000000000000c')
    expect(isCaller(byId, 'c0000000000000000000000c')).toBe(true)
    expect(isCaller(byId, undefined)).toBe(false)
    expect(isCaller(byId, '  ')).toBe(false)
  })

  it('never removes the last Organization Owner', () => {
    const lastOwner = member('leaver@example.com', ['ORG_OWNER', 'ORG_MEMBER'])
    expect(memberVerdict(lastOwner, [lastOwner, leaver], policy)).toMatchObject({
      kind: 'keep',
      guard: 'last_owner',
      detail: expect.stringContaining('last Organization Owner'),
    })
    // Another owner remains: the leaver may go.
    expect(memberVerdict(lastOwner, [lastOwner, owner], policy)).toEqual({ kind: 'remove' })
  })

  it('counts neither the leaver’s other entries, nor the functions’ own identity, nor any user that is no person as another owner', () => {
    const lastOwner = member('leaver@example.com', ['ORG_OWNER'], 'a0000000000000000000000a')
    const again = member('Leaver@Example.com', ['ORG_OWNER'], 'a0000000000000000000000b')
    const key = member('demoownr', ['ORG_OWNER'], 'c0000000000000000000000c')
    const otherKey = member('mdb_sa_id_0123456789', ['ORG_OWNER'], 'c0000000000000000000000d')
    expect(memberVerdict(lastOwner, [lastOwner, again, key, otherKey], policy)).toMatchObject({
      kind: 'keep',
      guard: 'last_owner',
    })
  })

  it('removes nobody whose roles, or whose fellow owners’ roles, Atlas did not show', () => {
    const unknown = member('leaver@example.com', undefined)
    expect(memberVerdict(unknown, [unknown, owner], policy)).toMatchObject({
      kind: 'keep',
      guard: 'roles_unknown',
    })
    const anOwner = member('leaver@example.com', ['ORG_OWNER'])
    const unshown = member('colleague@example.com', undefined)
    expect(memberVerdict(anOwner, [anOwner, unshown], policy)).toMatchObject({
      kind: 'keep',
      guard: 'roles_unknown',
    })
    // A member who is no owner needs nobody else's roles.
    expect(memberVerdict(leaver, [leaver, unshown], policy)).toEqual({ kind: 'remove' })
  })
})
