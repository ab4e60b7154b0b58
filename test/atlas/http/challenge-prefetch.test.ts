/**
 * The cold start's challenge, fetched before credentials are known: the first signed request
 * answers it up front (two Atlas requests for a cold revocation, not three), a stale one is
 * answered like any stale nonce, and a failure only means the request asks for its own.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { AtlasSimulator } from '../../../dev/simulator/atlas-simulator.ts'
import { DEMO_INVITATIONS, DEMO_ORG_ID } from '../../../dev/simulator/demo-seed.ts'
import {
  CHALLENGE_PATH,
  prefetchDigestChallenge,
} from '../../../lib/atlas/http/challenge-prefetch.ts'
import { AtlasClient } from '../../../lib/atlas/http/client.ts'
import { demoKey, startSimulator } from '../../support/atlas-fixture.ts'
import { freePort } from '../../support/free-port.ts'

const [first, second] = DEMO_INVITATIONS
const simulators: AtlasSimulator[] = []
afterEach(async () => {
  await Promise.all(simulators.splice(0).map((simulator) => simulator.stop()))
})

async function simulator(options: Parameters<typeof startSimulator>[0] = {}) {
  const started = await startSimulator(options)
  simulators.push(started.simulator)
  return started
}

function revoke(url: string, invitationId: string) {
  // The default dispatcher: the process-wide one the prefetch used.
  return new AtlasClient({ origin: url }).send({
    method: 'DELETE',
    path: `/api/atlas/v1.0/orgs/${DEMO_ORG_ID}/invites/${invitationId}`,
    credentials: demoKey(),
    deadline: Date.now() + 5_000,
  })
}

describe('prefetchDigestChallenge', () => {
  it('brings back the challenge, which the first signed request answers up front', async () => {
    const { simulator: atlas, url } = await simulator()
    expect(await prefetchDigestChallenge(url)).toBe(true)
    const response = await revoke(url, first.id)
    expect(response.status).toBe(204)
    expect(response.attempts).toBe(1)
    const counters = atlas.counters()
    expect(counters.requests).toBe(2)
    expect(counters.challenges).toBe(1)
    expect(counters.connections).toBe(1)
    expect(atlas.requests()[0]).toMatchObject({ method: 'GET', target: CHALLENGE_PATH })
    expect(atlas.requests()[0]?.authorization).toBeUndefined()
  })

  it('is waited for by a request that starts while it is in flight', async () => {
    const { simulator: atlas, url } = await simulator()
    atlas.faults.enqueue({ kind: 'latency', ms: 100 })
    const prefetched = prefetchDigestChallenge(url)
    const response = await revoke(url, second.id)
    expect(await prefetched).toBe(true)
    expect(response.status).toBe(204)
    expect(atlas.counters().requests).toBe(2)
  })

  it('leaves a stale challenge to the usual stale-nonce answer (provisioned concurrency)', async () => {
    const { simulator: atlas, url } = await simulator({ nonceLifetimeMs: 50 })
    expect(await prefetchDigestChallenge(url)).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 120))
    const response = await revoke(url, first.id)
    expect(response.status).toBe(204)
    expect(atlas.counters().staleChallenges).toBe(1)
    expect(atlas.counters().requests).toBe(3)
  })

  it('resolves false, never rejects, when Atlas cannot be reached or does not challenge', async () => {
    expect(await prefetchDigestChallenge(`http://127.0.0.1:${await freePort()}`, 500)).toBe(false)
    const { simulator: atlas, url } = await simulator()
    atlas.faults.enqueue(
      ...Array.from({ length: 4 }, () => ({ kind: 'status', status: 503 }) as const),
    )
    expect(await prefetchDigestChallenge(url, 300)).toBe(false)
  })
})
