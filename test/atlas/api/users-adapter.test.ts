/**
 * Users mode: a person's pending user and its invitation (which the invitations API still lists
 * until the sunset) are one pending access when they are the organization's only ones of the
 * person. It is revoked in both APIs, but counted and reported once, and it is settled only when
 * both parts are. More of either: see users-adapter-parts.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { AtlasSimulator } from '../../../dev/simulator/atlas-simulator.ts'
import { DEMO_INVITATIONS, DEMO_ORG_ID } from '../../../dev/simulator/demo-seed.ts'
import type { ListedEntry } from '../../../lib/atlas/api/lists.ts'
import { normalizeUsername } from '../../../lib/atlas/api/username.ts'
import { mostTelling, oneEntryPerAccess } from '../../../lib/atlas/api/users-adapter.ts'
import { fixedCredentials } from '../../../lib/credentials/credential-sources.ts'
import { revoke } from '../../../lib/revoke/revoke.ts'
import { atlasClient, demoKey, startSimulator } from '../../support/atlas-fixture.ts'

const [leaver] = DEMO_INVITATIONS
const username = normalizeUsername('leaver@example.com')
const entry = (id: string, via: ListedEntry['via'], status = 'PENDING'): ListedEntry => ({
  id,
  username,
  status,
  via,
})

describe('oneEntryPerAccess', () => {
  const user = entry('u'.repeat(24), 'users')
  const invitation = entry('i'.repeat(24), 'invitations')

  it('rides the one invitation on the one pending user', () => {
    expect(oneEntryPerAccess([user], [invitation])).toEqual([
      { ...user, invitationIds: ['i'.repeat(24)] },
    ])
  })

  it('combines nothing unless there is exactly one pending user and one invitation', () => {
    const another = entry('j'.repeat(24), 'invitations')
    const otherUser = entry('v'.repeat(24), 'users')
    expect(oneEntryPerAccess([user], [invitation, another])).toEqual([user, invitation, another])
    expect(oneEntryPerAccess([user, otherUser], [invitation])).toEqual([
      user,
      otherUser,
      invitation,
    ])
    expect(oneEntryPerAccess([user, otherUser], [invitation, another])).toEqual([
      user,
      otherUser,
      invitation,
      another,
    ])
    expect(oneEntryPerAccess([user], [])).toEqual([user])
  })

  it('leaves invitations alone without a pending user (a member, or no user at all)', () => {
    const member = entry('m'.repeat(24), 'users', 'ACTIVE')
    expect(oneEntryPerAccess([member], [invitation])).toEqual([member, invitation])
    expect(oneEntryPerAccess([], [invitation])).toEqual([invitation])
  })
})

describe('mostTelling', () => {
  const where = { orgId: DEMO_ORG_ID, retryable: false } as const
  it('lets a part that is not settled speak for the access', () => {
    const failed = { ...where, outcome: 'upstream_error', retryable: true } as const
    const gone = { ...where, outcome: 'already_gone' } as never
    expect(mostTelling([gone, failed])).toBe(failed)
    expect(mostTelling([failed, gone])).toBe(failed)
  })
})

describe('a pending user and its invitation, against the simulator', () => {
  let simulator: AtlasSimulator | undefined
  afterEach(async () => simulator?.stop())

  async function revokeLeaver(
    dryRun: boolean,
    arrange: (started: AtlasSimulator) => void = () => {},
  ) {
    const started = await startSimulator()
    simulator = started.simulator
    arrange(started.simulator)
    const report = await revoke(
      { orgId: DEMO_ORG_ID, username: leaver.username, dryRun },
      {
        dependencies: {
          atlas: atlasClient(started.url),
          credentials: fixedCredentials(demoKey()),
        },
        api: 'users',
      },
      Date.now() + 5_000,
    )
    return { report, simulator: started.simulator }
  }

  /** The leaver's pending user and invitation, reported as one revocation. */
  const oneAccess = (outcome: string) => [
    expect.objectContaining({ userId: leaver.userId, invitationId: leaver.id, outcome }),
  ]

  it('counts the person once in a dry run, and sends nothing', async () => {
    const { report, simulator } = await revokeLeaver(true)
    expect(report.outcome).toBe('would_revoke')
    expect(report.revocations).toEqual(oneAccess('would_revoke'))
    expect(report.searched).toEqual([expect.objectContaining({ orgId: DEMO_ORG_ID, found: 1 })])
    expect(simulator.requests().filter((request) => request.method === 'DELETE')).toEqual([])
  })

  it('revokes both parts and reports one revocation', async () => {
    const { report, simulator } = await revokeLeaver(false)
    expect(report.outcome).toBe('revoked')
    expect(report.revocations).toEqual(oneAccess('revoked'))
    expect(simulator.state.pendingInvitation(DEMO_ORG_ID, leaver.id)).toBeUndefined()
    const deletes = simulator.requests().filter((request) => request.method === 'DELETE')
    expect(deletes.map((request) => request.target)).toEqual([
      `/api/atlas/v2/orgs/${DEMO_ORG_ID}/users/${leaver.userId}`,
      `/api/atlas/v2/orgs/${DEMO_ORG_ID}/invites/${leaver.id}`,
    ])
  })

  it('is not settled while its invitation part is not: the failure speaks for the access', async () => {
    // Every answer about the invitation fails; the pending user's removal succeeds.
    const { report } = await revokeLeaver(false, (atlas) => {
      for (let i = 0; i < 8; i++)
        atlas.faults.enqueue({
          kind: 'status',
          status: 503,
          when: { method: 'DELETE', path: `/invites/${leaver.id}` },
        })
    })
    expect(report.outcome).toBe('upstream_error')
    expect(report.revocations).toEqual(oneAccess('upstream_error'))
  })
})
