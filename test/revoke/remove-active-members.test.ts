/**
 * REMOVE_ACTIVE_MEMBERS (issue #21), through the use case against the simulator: a person's
 * search also removes their active membership of every organization it covers, in every
 * ATLAS_API mode, on evidence; a dry run reports it; a request by id never removes a member;
 * and each guardrail keeps whom it must (a protected username, the functions' own identity, the
 * last Organization Owner, roles Atlas did not show), as does Atlas's own refusal.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AtlasSimulator } from '../../dev/simulator/atlas-simulator.ts'
import {
  DEMO_API_KEY,
  DEMO_ORG_ID,
  DEMO_PROJECT,
  DEMO_SECOND_ORG_ID,
} from '../../dev/simulator/demo-seed.ts'
import type { OrgRole } from '../../dev/simulator/simulated-atlas-state.ts'
import { normalizeUsername } from '../../lib/atlas/api/username.ts'
import { fixedCredentials } from '../../lib/credentials/credential-sources.ts'
import { type RevokeSettings, revoke } from '../../lib/revoke/revoke.ts'
import { atlasClient, demoKey, startSimulator } from '../support/atlas-fixture.ts'

const LEAVER = 'member-leaver@example.com'
const LEAVER_ID = 'a000000000000000000000b1'
const BOTH = [DEMO_ORG_ID, DEMO_SECOND_ORG_ID]
const MODES = ['v1', 'v2', 'users'] as const

let simulator: AtlasSimulator
let url: string
beforeEach(async () => {
  ;({ simulator, url } = await startSimulator())
})
afterEach(() => simulator.stop())

function join(orgId: string, roles: readonly OrgRole[] = ['ORG_MEMBER'], username = LEAVER) {
  return simulator.state.addMember({ id: LEAVER_ID, orgId, username, roles })
}

function settings(overrides: Partial<RevokeSettings> = {}): RevokeSettings {
  return {
    dependencies: { atlas: atlasClient(url), credentials: fixedCredentials(demoKey()) },
    removeActiveMembers: true,
    ...overrides,
  }
}

const ask = (request: Record<string, unknown>, overrides: Partial<RevokeSettings> = {}) =>
  revoke(request, settings(overrides), Date.now() + 8_000)

const userDeletes = () =>
  simulator
    .requests()
    .filter((request) => request.method === 'DELETE' && request.target.includes('/users/'))

describe('with REMOVE_ACTIVE_MEMBERS', () => {
  for (const api of MODES)
    it(`removes a person's active membership of both organizations searched (ATLAS_API=${api})`, async () => {
      for (const orgId of BOTH) join(orgId)
      const report = await ask({ username: 'Member-Leaver@Example.com', orgIds: BOTH }, { api })
      expect(report).toMatchObject({
        outcome: 'removed_member',
        evidence: { kind: 'all_parts', parts: 2, scopes: 2 },
        searched: BOTH.map((orgId) => ({ orgId, found: 1 })),
      })
      expect(report.revocations).toEqual(
        BOTH.map((orgId) =>
          expect.objectContaining({
            orgId,
            userId: LEAVER_ID,
            username: LEAVER,
            outcome: 'removed_member',
            evidence: { kind: 'member_removed', by: 'removal', status: 204, relisted: false },
          }),
        ),
      )
      expect(
        simulator.state
          .memberRemovals()
          .map((removal) => removal.orgId)
          .sort(),
      ).toEqual([...BOTH].sort())
      expect(userDeletes()).toHaveLength(2)
    })

  it('revokes what is pending first, then removes the membership, and settles on both', async () => {
    join(DEMO_ORG_ID)
    const invitation = simulator.state.invite({
      orgId: DEMO_SECOND_ORG_ID,
      username: LEAVER,
      roles: ['ORG_MEMBER'],
    })
    const report = await ask({ username: LEAVER, orgIds: BOTH })
    expect(report.outcome).toBe('removed_member')
    expect(report.revocations.map((part) => part.outcome).sort()).toEqual([
      'removed_member',
      'revoked',
    ])
    expect(simulator.state.pendingInvitation(DEMO_SECOND_ORG_ID, invitation.id)).toBeUndefined()
  })

  it('reports a dry run’s member as would_remove and removes nobody', async () => {
    for (const orgId of BOTH) join(orgId)
    for (const api of MODES) {
      const report = await ask({ username: LEAVER, orgIds: BOTH, dryRun: true }, { api })
      expect(report.outcome, api).toBe('would_remove')
      expect(report.revocations.map((part) => part.evidence)).toEqual([
        { kind: 'member', by: 'listed' },
        { kind: 'member', by: 'listed' },
      ])
    }
    expect(simulator.requests().filter((request) => request.method === 'DELETE')).toEqual([])
    expect(simulator.state.members(DEMO_ORG_ID, LEAVER)).toHaveLength(1)
  })

  it('never removes a member by id, opted in or not', async () => {
    join(DEMO_ORG_ID)
    const byUserId = await ask({ orgId: DEMO_ORG_ID, invitationId: LEAVER_ID }, { api: 'users' })
    expect(byUserId).toMatchObject({
      outcome: 'active_member',
      evidence: { kind: 'member', by: 'read' },
      detail: expect.stringContaining('not removed by id'),
    })
    expect(
      (await ask({ orgId: DEMO_ORG_ID, invitationId: LEAVER_ID }, { api: 'v1' })).outcome,
    ).toBe('not_found')
    expect(userDeletes()).toEqual([])
    expect(simulator.state.members(DEMO_ORG_ID, LEAVER)).toHaveLength(1)
  })

  for (const api of ['v1', 'users'] as const)
    it(`removes an invitee who accepted while the request ran, in the same request (ATLAS_API=${api})`, async () => {
      const invitation = simulator.state.invite({
        orgId: DEMO_ORG_ID,
        username: LEAVER,
        roles: ['ORG_MEMBER'],
      })
      simulator.intercept((request) => {
        // The invitee accepts just before our removal of the invitation (or pending user) lands.
        if (request.method !== 'DELETE') return undefined
        if (!simulator.state.pendingInvitation(DEMO_ORG_ID, invitation.id)) return undefined
        simulator.state.accept(invitation.id)
        return {
          fault: { kind: 'answer', status: 404, body: '{"errorCode":"RESOURCE_NOT_FOUND"}' },
        }
      })
      const report = await ask({ username: LEAVER, orgIds: [DEMO_ORG_ID] }, { api })
      expect(report.outcome).toBe('removed_member')
      expect(report.revocations.map((part) => part.outcome)).not.toContain('active_member')
      expect(simulator.state.members(DEMO_ORG_ID, LEAVER)).toEqual([])
    })

  it('removes an invitee who accepted a project invitation while the request ran (a member of the organization now)', async () => {
    const invitation = simulator.state.invite({
      orgId: DEMO_ORG_ID,
      groupId: DEMO_PROJECT.id,
      username: LEAVER,
      roles: ['ORG_MEMBER'],
    })
    simulator.intercept((request) => {
      if (request.method !== 'DELETE' || request.route?.groupId !== DEMO_PROJECT.id)
        return undefined
      simulator.state.accept(invitation.id)
      return { fault: { kind: 'answer', status: 404, body: '{"errorCode":"RESOURCE_NOT_FOUND"}' } }
    })
    const report = await ask(
      { username: LEAVER, orgIds: [DEMO_ORG_ID] },
      { api: 'v1', includeProjects: true },
    )
    expect(report.outcome).toBe('removed_member')
    expect(simulator.state.members(DEMO_ORG_ID, LEAVER)).toEqual([])
  })

  it('fails the search (settling nothing) when the member list cannot be read', async () => {
    join(DEMO_ORG_ID)
    simulator.intercept((request) =>
      request.method === 'GET' &&
      request.route?.resource === 'orgUsers' &&
      request.query.getAll('orgMembershipStatuses').includes('ACTIVE')
        ? { fault: { kind: 'status', status: 503 } }
        : undefined,
    )
    const report = await ask({ username: LEAVER, orgIds: [DEMO_ORG_ID] })
    expect(report.outcome).toBe('upstream_error')
    expect(report.searched).toEqual([
      expect.objectContaining({ orgId: DEMO_ORG_ID, failure: expect.anything() }),
    ])
    expect(simulator.state.members(DEMO_ORG_ID, LEAVER)).toHaveLength(1)
  })
})

describe('without REMOVE_ACTIVE_MEMBERS', () => {
  it('never looks at members in v1/v2 (as before), and reports one in users mode', async () => {
    join(DEMO_ORG_ID)
    for (const api of ['v1', 'v2'] as const) {
      simulator.resetCounters()
      const report = await ask(
        { username: LEAVER, orgIds: [DEMO_ORG_ID] },
        {
          api,
          removeActiveMembers: false,
        },
      )
      expect(report.outcome, api).toBe('already_gone')
      expect(simulator.requests().some((request) => request.target.includes('/users'))).toBe(false)
    }
    const users = await ask(
      { username: LEAVER, orgIds: [DEMO_ORG_ID] },
      { api: 'users', removeActiveMembers: false },
    )
    expect(users).toMatchObject({
      outcome: 'active_member',
      detail: expect.stringContaining('REMOVE_ACTIVE_MEMBERS is off'),
    })
    expect(userDeletes()).toEqual([])
  })
})

describe('the guardrails', () => {
  const kept = async (overrides: Partial<RevokeSettings> = {}) => {
    const report = await ask({ username: LEAVER, orgIds: [DEMO_ORG_ID] }, overrides)
    expect(report.outcome).toBe('invalid')
    expect(report.retryable).toBe(false)
    expect(userDeletes()).toEqual([])
    expect(simulator.state.members(DEMO_ORG_ID, LEAVER)).toHaveLength(1)
    return report.detail ?? ''
  }

  it('never removes a PROTECTED_USERNAMES member', async () => {
    join(DEMO_ORG_ID)
    expect(
      await kept({
        protectedUsernames: new Set([normalizeUsername(' Member-Leaver@example.COM')]),
      }),
    ).toContain('PROTECTED_USERNAMES')
  })

  it('never removes the functions’ own identity', async () => {
    simulator.state.addMember({
      id: LEAVER_ID,
      orgId: DEMO_ORG_ID,
      username: `${DEMO_API_KEY.publicKey}@example.com`,
      roles: ['ORG_MEMBER'],
    })
    const report = await ask({
      username: `${DEMO_API_KEY.publicKey}@example.com`,
      orgIds: [DEMO_ORG_ID],
    })
    expect(report).toMatchObject({
      outcome: 'invalid',
      detail: expect.stringContaining("this deployment's own Atlas key or service account"),
    })
    expect(userDeletes()).toEqual([])
  })

  it('never removes the last Organization Owner, counting keys and service accounts listed as users for nothing', async () => {
    join(DEMO_ORG_ID, ['ORG_OWNER'])
    expect(await kept()).toContain('last Organization Owner')
    // Should Atlas list the key and the demo service account among users (Owners both), those
    // are no owners a person can act as.
    simulator.behave({ callersListedAsUsers: true })
    expect(await kept()).toContain('last Organization Owner')
    simulator.state.addMember({
      id: 'a000000000000000000000c1',
      orgId: DEMO_ORG_ID,
      username: 'another-owner@example.com',
      roles: ['ORG_OWNER'],
    })
    expect((await ask({ username: LEAVER, orgIds: [DEMO_ORG_ID] })).outcome).toBe('removed_member')
  })

  it('reads roles the list left out; removes nobody whose roles cannot be told', async () => {
    simulator.behave({ usersListOmitsRoles: true })
    join(DEMO_ORG_ID)
    join(DEMO_SECOND_ORG_ID, ['ORG_OWNER'])
    simulator.state.addMember({
      id: 'a000000000000000000000c1',
      orgId: DEMO_SECOND_ORG_ID,
      username: 'another-owner@example.com',
      roles: ['ORG_OWNER'],
    })
    const report = await ask({ username: LEAVER, orgIds: BOTH })
    // The member of the first organization is read by id and removed; in the second, an owner
    // whose fellow owner's roles are unknown stays.
    expect(report.outcome).toBe('invalid')
    expect(report.revocations).toEqual([
      expect.objectContaining({ orgId: DEMO_ORG_ID, outcome: 'removed_member' }),
      expect.objectContaining({
        orgId: DEMO_SECOND_ORG_ID,
        outcome: 'invalid',
        detail: expect.stringContaining('whether another owner remains is unknown'),
      }),
    ])
    const byId = simulator
      .requests()
      .filter((request) => request.target.endsWith(`/users/${LEAVER_ID}`))
      .map((request) => `${request.method} ${request.target.split('/')[5]}`)
    expect(byId.sort()).toEqual([
      `DELETE ${DEMO_ORG_ID}`,
      `GET ${DEMO_ORG_ID}`,
      `GET ${DEMO_SECOND_ORG_ID}`,
    ])
  })

  it('maps Atlas’s own refusal to remove a member to a clear invalid', async () => {
    join(DEMO_ORG_ID)
    simulator.intercept((request) =>
      request.method === 'DELETE'
        ? {
            fault: {
              kind: 'answer',
              status: 409,
              body: '{"error":409,"errorCode":"CANNOT_REMOVE_LAST_ORG_OWNER","detail":"x","parameters":[]}',
            },
          }
        : undefined,
    )
    const report = await ask({ username: LEAVER, orgIds: [DEMO_ORG_ID] })
    expect(report).toMatchObject({
      outcome: 'invalid',
      status: 409,
      detail: expect.stringContaining('Atlas refused to remove member member-leaver@example.com'),
    })
    expect(simulator.state.members(DEMO_ORG_ID, LEAVER)).toHaveLength(1)
  })
})
