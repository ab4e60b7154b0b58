/** The one revoke function every entry point runs: validation and the allowlist come first. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AtlasSimulator } from '../../dev/simulator/atlas-simulator.ts'
import { DEMO_INVITATIONS, DEMO_ORG_ID } from '../../dev/simulator/demo-seed.ts'
import { fixedCredentials } from '../../lib/credentials/credential-sources.ts'
import { ValidationError } from '../../lib/errors.ts'
import { OrgNotAllowedError, revoke } from '../../lib/revoke/revoke.ts'
import { atlasClient, demoKey, startSimulator } from '../support/atlas-fixture.ts'

const [first] = DEMO_INVITATIONS
let simulator: AtlasSimulator
let settings: Parameters<typeof revoke>[1]

beforeEach(async () => {
  const started = await startSimulator()
  simulator = started.simulator
  settings = {
    dependencies: { atlas: atlasClient(started.url), credentials: fixedCredentials(demoKey()) },
  }
})
afterEach(() => simulator.stop())

describe('revoke', () => {
  it('refuses a malformed request and an organization outside the allowlist before any Atlas call', async () => {
    await expect(revoke({ orgId: 'acme' }, settings, Date.now() + 5_000)).rejects.toThrow(
      ValidationError,
    )
    const allowlisted = { ...settings, allowedOrgIds: new Set(['b0123456789abcdef012345b']) }
    await expect(
      revoke({ orgId: DEMO_ORG_ID, invitationId: first.id }, allowlisted, Date.now() + 5_000),
    ).rejects.toThrow(OrgNotAllowedError)
    expect(simulator.counters().requests).toBe(0)
  })

  it('reports the request, its parts, the Atlas requests and the time they took', async () => {
    const report = await revoke(
      { orgId: DEMO_ORG_ID, username: first.username },
      { ...settings, allowedOrgIds: new Set([DEMO_ORG_ID]) },
      Date.now() + 5_000,
    )
    expect(report).toMatchObject({
      outcome: 'revoked',
      request: { kind: 'username', orgIds: [DEMO_ORG_ID], username: first.username },
      searched: [{ orgId: DEMO_ORG_ID, found: 1 }],
      revocations: [{ orgId: DEMO_ORG_ID, invitationId: first.id, outcome: 'revoked' }],
      notes: [],
      attempts: 3,
    })
    expect(report.durationMs).toBeGreaterThanOrEqual(0)
  })
})
