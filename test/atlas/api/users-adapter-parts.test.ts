/**
 * Users mode: a pending user and an invitation are one access only when, in that organization,
 * they are surely the same: exactly one pending user and exactly one invitation of the person.
 * Otherwise (two spellings of the username, two invitations and one user, …) each part is its
 * own entry with its own outcome, so no invitation or user found drops out of the report or the
 * ledger's markers. Either way every part is revoked (or tried); combining only counts.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { AtlasSimulator } from '../../../dev/simulator/atlas-simulator.ts'
import { DEMO_ORG_ID } from '../../../dev/simulator/demo-seed.ts'
import type { SimulatedInvitation } from '../../../dev/simulator/simulated-atlas-state.ts'
import type { ListedEntry } from '../../../lib/atlas/api/lists.ts'
import { normalizeUsername } from '../../../lib/atlas/api/username.ts'
import { usersAdapter } from '../../../lib/atlas/api/users-adapter.ts'
import { AtlasSession } from '../../../lib/atlas/http/index.ts'
import { fixedCredentials } from '../../../lib/credentials/credential-sources.ts'
import { itemsOf, type RecordMeta } from '../../../lib/ledger/ledger-items.ts'
import { revoke } from '../../../lib/revoke/revoke.ts'
import { atlasClient, demoKey, startSimulator } from '../../support/atlas-fixture.ts'

const username = normalizeUsername('leaver@example.com')
const SHARED_USER_ID = 'f0000000000000000000000f'

const meta: RecordMeta = {
  requestId: 'req-parts',
  receivedAt: new Date('2026-12-06T10:00:00.000Z'),
  settledAt: new Date('2026-12-06T10:00:01.000Z'),
  requestedBy: { trigger: 'webhook', webhookId: 'msg_parts' },
  includeProjects: false,
  retentionDays: 400,
}

let simulator: AtlasSimulator | undefined
afterEach(async () => simulator?.stop())

/** A simulator whose demo org also holds the leaver's invitations, as `arrange` makes them. */
async function started(arrange: (atlas: AtlasSimulator) => SimulatedInvitation[]) {
  const running = await startSimulator()
  simulator = running.simulator
  const invitations = arrange(running.simulator)
  const dependencies = {
    atlas: atlasClient(running.url),
    credentials: fixedCredentials(demoKey()),
  }
  return { atlas: running.simulator, invitations, dependencies }
}

/** Two spellings of the leaver, each invited: two pending users, two invitations. */
const twoSpellings = (atlas: AtlasSimulator) =>
  ['Leaver@Example.com', 'leaver@example.com'].map((spelling) =>
    atlas.state.invite({ orgId: DEMO_ORG_ID, username: spelling, roles: ['ORG_MEMBER'] }),
  )

/** Two invitations of one invitee: one pending user (one user id), two invitations. */
const oneUserTwoInvitations = (atlas: AtlasSimulator) =>
  ['Leaver@Example.com', 'leaver@example.com'].map((spelling) =>
    atlas.state.invite({
      orgId: DEMO_ORG_ID,
      username: spelling,
      userId: SHARED_USER_ID,
      roles: ['ORG_MEMBER'],
    }),
  )

async function revokePerson(
  arrange: (atlas: AtlasSimulator) => SimulatedInvitation[],
  dryRun = false,
) {
  const { atlas, invitations, dependencies } = await started(arrange)
  const report = await revoke(
    { orgId: DEMO_ORG_ID, username, dryRun },
    { dependencies, api: 'users' },
    Date.now() + 5_000,
  )
  return { atlas, invitations, report }
}

/** The ids each revocation names: its own part's, nothing borrowed. */
const idsOf = (revocations: readonly { invitationId?: string; userId?: string }[]) =>
  revocations.map(({ invitationId, userId }) => ({ invitationId, userId }))

const deletesOf = (atlas: AtlasSimulator) =>
  atlas
    .requests()
    .filter((request) => request.method === 'DELETE')
    .map((request) => request.target)

describe('a person with more than one pending user or invitation in an organization', () => {
  it('two spellings: each pending user and each invitation is its own entry, and all are revoked', async () => {
    const { atlas, invitations, report } = await revokePerson(twoSpellings)
    const [first, second] = invitations as [SimulatedInvitation, SimulatedInvitation]
    expect(report.outcome).toBe('revoked')
    expect(report.searched).toEqual([expect.objectContaining({ orgId: DEMO_ORG_ID, found: 4 })])
    expect(idsOf(report.revocations)).toEqual([
      { invitationId: undefined, userId: first.userId },
      { invitationId: undefined, userId: second.userId },
      { invitationId: first.id, userId: undefined },
      { invitationId: second.id, userId: undefined },
    ])
    for (const revocation of report.revocations)
      expect(['revoked', 'already_gone']).toContain(revocation.outcome)
    expect(atlas.state.pendingInvitations(DEMO_ORG_ID, username)).toEqual([])
    // Every part was tried: both users, then both invitations.
    expect(deletesOf(atlas)).toEqual([
      `/api/atlas/v2/orgs/${DEMO_ORG_ID}/users/${first.userId}`,
      `/api/atlas/v2/orgs/${DEMO_ORG_ID}/users/${second.userId}`,
      `/api/atlas/v2/orgs/${DEMO_ORG_ID}/invites/${first.id}`,
      `/api/atlas/v2/orgs/${DEMO_ORG_ID}/invites/${second.id}`,
    ])
  })

  it('one pending user, two invitations: three entries, each with its own outcome and marker', async () => {
    const { atlas, invitations, report } = await revokePerson(oneUserTwoInvitations)
    const [first, second] = invitations as [SimulatedInvitation, SimulatedInvitation]
    expect(report.outcome).toBe('revoked')
    expect(report.searched).toEqual([expect.objectContaining({ orgId: DEMO_ORG_ID, found: 3 })])
    // The user's removal took the first invitation with it (the simulator's choice); the second
    // is removed on its own.
    expect(report.revocations).toEqual([
      expect.objectContaining({ userId: SHARED_USER_ID, outcome: 'revoked' }),
      expect.objectContaining({ invitationId: first.id, outcome: 'already_gone' }),
      expect.objectContaining({ invitationId: second.id, outcome: 'revoked' }),
    ])
    expect(report.revocations[0]).not.toHaveProperty('invitationId')
    expect(atlas.state.pendingInvitations(DEMO_ORG_ID, username)).toEqual([])
    const { markers } = itemsOf(report, meta)
    // Each is marked: a later 404 for either invitation by id is then `already_gone`.
    expect(markers.map((marker) => marker.pk).sort()).toEqual(
      [SHARED_USER_ID, first.id, second.id].map((id) => `revoked#${DEMO_ORG_ID}#${id}`).sort(),
    )
  })

  it('one pending user, two invitations, a dry run: three would_revoke entries, nothing sent', async () => {
    const { atlas, invitations, report } = await revokePerson(oneUserTwoInvitations, true)
    const [first, second] = invitations as [SimulatedInvitation, SimulatedInvitation]
    expect(report.outcome).toBe('would_revoke')
    expect(report.revocations).toEqual([
      expect.objectContaining({ userId: SHARED_USER_ID, outcome: 'would_revoke' }),
      expect.objectContaining({ invitationId: first.id, outcome: 'would_revoke' }),
      expect.objectContaining({ invitationId: second.id, outcome: 'would_revoke' }),
    ])
    expect(deletesOf(atlas)).toEqual([])
  })

  it('a failing second invitation is its own entry: the report names it and is not settled', async () => {
    const { report, invitations } = await revokePerson((atlas) => {
      const invitations = oneUserTwoInvitations(atlas)
      for (let i = 0; i < 8; i++)
        atlas.faults.enqueue({
          kind: 'status',
          status: 503,
          when: { method: 'DELETE', path: `/invites/${invitations[1]?.id}` },
        })
      return invitations
    })
    const [first, second] = invitations as [SimulatedInvitation, SimulatedInvitation]
    expect(report.outcome).toBe('upstream_error')
    expect(report.revocations).toEqual([
      expect.objectContaining({ userId: SHARED_USER_ID, outcome: 'revoked' }),
      expect.objectContaining({ invitationId: first.id, outcome: 'already_gone' }),
      expect.objectContaining({ invitationId: second.id, outcome: 'upstream_error' }),
    ])
    // The user and the invitation that went with it are marked; the failed one is not.
    expect(itemsOf(report, meta).markers.map((marker) => marker.pk)).toEqual([
      `revoked#${DEMO_ORG_ID}#${SHARED_USER_ID}`,
      `revoked#${DEMO_ORG_ID}#${first.id}`,
    ])
  })
})

describe('revoking by invitation id, when the person has two pending users', () => {
  it('does not pin the invitation on either user: the invitation and each user are their own entries', async () => {
    const { atlas, invitations, dependencies } = await started(twoSpellings)
    const [first, second] = invitations as [SimulatedInvitation, SimulatedInvitation]
    const report = await revoke(
      { orgId: DEMO_ORG_ID, invitationId: first.id },
      { dependencies, api: 'users' },
      Date.now() + 5_000,
    )
    expect(report.outcome).toBe('revoked')
    expect(idsOf(report.revocations)).toEqual([
      { invitationId: first.id, userId: undefined },
      { invitationId: undefined, userId: first.userId },
      { invitationId: undefined, userId: second.userId },
    ])
    expect(atlas.state.pendingInvitations(DEMO_ORG_ID, username)).toEqual([])
    // The invitation asked for was removed by its own request: the ledger marks its id.
    expect(report.revocations[0]?.outcome).toBe('revoked')
    expect(itemsOf(report, meta).markers.map((marker) => marker.pk)).toContain(
      `revoked#${DEMO_ORG_ID}#${first.id}`,
    )
  })

  it('with one pending user the invitation is still one access with it', async () => {
    const { atlas, dependencies } = await started((atlas) => [
      atlas.state.invite({ orgId: DEMO_ORG_ID, username, roles: ['ORG_MEMBER'] }),
    ])
    const [only] = atlas.state.pendingInvitations(DEMO_ORG_ID, username) as [SimulatedInvitation]
    const report = await revoke(
      { orgId: DEMO_ORG_ID, invitationId: only.id },
      { dependencies, api: 'users' },
      Date.now() + 5_000,
    )
    expect(report.outcome).toBe('revoked')
    expect(idsOf(report.revocations)).toEqual([{ invitationId: only.id, userId: only.userId }])
  })
})

describe('a combined access keeps the ids of the part that speaks for it', () => {
  it('the failing invitation speaks with its own invitation id, the user id alongside', async () => {
    const { atlas, invitations, dependencies } = await started(oneUserTwoInvitations)
    const [first, second] = invitations as [SimulatedInvitation, SimulatedInvitation]
    for (let i = 0; i < 8; i++)
      atlas.faults.enqueue({
        kind: 'status',
        status: 503,
        when: { method: 'DELETE', path: `/invites/${second.id}` },
      })
    const entry: ListedEntry = {
      id: SHARED_USER_ID,
      username,
      status: 'PENDING',
      via: 'users',
      invitationIds: [first.id, second.id],
    }
    const session = new AtlasSession(dependencies, { deadline: Date.now() + 5_000 })
    const revocation = await usersAdapter({ searchInvitationsApi: true }).revokeEntry(
      session,
      { orgId: DEMO_ORG_ID },
      entry,
    )
    expect(revocation).toMatchObject({
      outcome: 'upstream_error',
      invitationId: second.id,
      userId: SHARED_USER_ID,
    })
    // Every part was tried, whichever speaks.
    expect(deletesOf(atlas)).toEqual(
      expect.arrayContaining([
        `/api/atlas/v2/orgs/${DEMO_ORG_ID}/users/${SHARED_USER_ID}`,
        `/api/atlas/v2/orgs/${DEMO_ORG_ID}/invites/${first.id}`,
        `/api/atlas/v2/orgs/${DEMO_ORG_ID}/invites/${second.id}`,
      ]),
    )
  })
})
