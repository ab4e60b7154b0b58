/**
 * The pacing interceptor in the real dispatcher, against the simulator: a 429 pauses its scope
 * without spending requests, other scopes go on, throttled retries do not use up a call's
 * attempts, and a pause never outlasts the call's deadline.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { AtlasSimulator } from '../../dev/simulator/atlas-simulator.ts'
import { DEMO_INVITATIONS, DEMO_ORG_ID, DEMO_SECOND_ORG_ID } from '../../dev/simulator/demo-seed.ts'
import type { AtlasClient } from '../../lib/atlas/atlas-client.ts'
import { atlasClient, demoKey, startSimulator } from '../support/atlas-fixture.ts'

const [first, second, third] = DEMO_INVITATIONS
const simulators: AtlasSimulator[] = []
afterEach(async () => {
  await Promise.all(simulators.splice(0).map((simulator) => simulator.stop()))
})

async function setUp() {
  const { simulator, url } = await startSimulator()
  simulators.push(simulator)
  return { simulator, client: atlasClient(url) }
}

const list = (client: AtlasClient, orgId: string, deadlineMs = 10_000) =>
  client.send({
    method: 'GET',
    path: `/api/atlas/v1.0/orgs/${orgId}/invites`,
    credentials: demoKey(),
    deadline: Date.now() + deadlineMs,
  })

const revoke = (client: AtlasClient, invitationId: string) =>
  client.send({
    method: 'DELETE',
    path: `/api/atlas/v1.0/orgs/${DEMO_ORG_ID}/invites/${invitationId}`,
    credentials: demoKey(),
    deadline: Date.now() + 10_000,
  })

describe('rate-limit pacing', () => {
  it('holds the next request to a throttled organization for Retry-After, and lets others go', async () => {
    const { simulator, client } = await setUp()
    await list(client, DEMO_ORG_ID) // the challenge, out of the way
    simulator.faults.enqueue({ kind: 'status', status: 429, retryAfterSeconds: 1 })
    const started = Date.now()
    const throttled = revoke(client, first.id)
    // Let the 429 come back, then ask about another organization: it is not held.
    await new Promise((resolve) => setTimeout(resolve, 100))
    const other = await list(client, DEMO_SECOND_ORG_ID)
    expect(other.status).toBe(200)
    expect(Date.now() - started).toBeLessThan(900)
    const answer = await throttled
    expect(answer.status).toBe(204)
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000)
    // One 429, one retry: the wait spent no request.
    expect(simulator.counters().byStatus).toMatchObject({ '429': 1, '204': 1 })
  })

  it('does not count 429s against the attempts a call has for other failures', async () => {
    const { simulator, client } = await setUp()
    await list(client, DEMO_ORG_ID)
    simulator.faults.enqueue(
      ...Array.from(
        { length: 5 },
        () => ({ kind: 'status', status: 429, retryAfterSeconds: 0 }) as const,
      ),
    )
    const answer = await revoke(client, second.id)
    expect(answer.status).toBe(204)
    expect(answer.attempts).toBe(6)
  })

  it('sends a held request before its deadline, so Atlas, not the wait, gives the answer', async () => {
    const { simulator, client } = await setUp()
    await list(client, DEMO_ORG_ID)
    simulator.faults.enqueue(
      { kind: 'status', status: 429, retryAfterSeconds: 30 },
      { kind: 'status', status: 429, retryAfterSeconds: 30 },
    )
    await revoke(client, third.id).catch(() => undefined)
    const started = Date.now()
    const answer = await list(client, DEMO_ORG_ID, 1_000)
    expect(Date.now() - started).toBeLessThan(1_000)
    expect(answer.status).toBe(429)
  })
})
