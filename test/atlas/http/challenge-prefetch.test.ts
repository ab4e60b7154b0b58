/**
 * The cold start's challenge, fetched before credentials are known: the first signed request
 * answers it up front (two Atlas requests for a cold revocation, not three), a stale one is
 * answered like any stale nonce, and a failure only means the request asks for its own.
 */
import type { Dispatcher } from 'undici'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { AtlasSimulator } from '../../../dev/simulator/atlas-simulator.ts'
import { DEMO_INVITATIONS, DEMO_ORG_ID } from '../../../dev/simulator/demo-seed.ts'
import {
  CHALLENGE_PATH,
  holdUntilChallenge,
  prefetchDigestChallenge,
} from '../../../lib/atlas/http/challenge-prefetch.ts'
import { warmUpFirstExchange } from '../../../lib/atlas/http/challenge-prefetch-warm-up.ts'
import { AtlasClient } from '../../../lib/atlas/http/client.ts'
import { sharedAtlasDispatcher } from '../../../lib/atlas/http/dispatcher.ts'
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

  it('tells onAnswer once, as soon as the answer starts or the request fails', async () => {
    const { simulator: atlas, url } = await simulator()
    atlas.faults.enqueue({ kind: 'latency', ms: 100 })
    const told: number[] = []
    const prefetched = prefetchDigestChallenge(url, undefined, () => told.push(performance.now()))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(told).toHaveLength(0)
    expect(await prefetched).toBe(true)
    expect(told).toHaveLength(1)
    const failed: number[] = []
    await prefetchDigestChallenge(`http://127.0.0.1:${await freePort()}`, 500, () => failed.push(1))
    expect(failed).toHaveLength(1)
  })
})

describe('holdUntilChallenge', () => {
  it('tells onHold once, when a first request is held, and not once the challenge is in', async () => {
    const { simulator: atlas, url } = await simulator()
    atlas.faults.enqueue({ kind: 'latency', ms: 100 })
    let holds = 0
    const challenge = prefetchDigestChallenge(url)
    const held = holdUntilChallenge(sharedAtlasDispatcher(url), challenge, 2_000, () => {
      holds += 1
    })
    const [one, two] = await Promise.all([
      revokeOn(held, url, first.id),
      revokeOn(held, url, second.id),
    ])
    expect([one.status, two.status]).toEqual([204, 204])
    expect(holds).toBe(1)
    expect(atlas.counters()).toMatchObject({ requests: 3, challenges: 1 })

    const { url: other } = await simulator()
    let later = 0
    const done = prefetchDigestChallenge(other)
    await done
    const passing = holdUntilChallenge(sharedAtlasDispatcher(other), done, 2_000, () => {
      later += 1
    })
    await new Promise((resolve) => setImmediate(resolve))
    expect((await revokeOn(passing, other, first.id)).status).toBe(204)
    expect(later).toBe(0)
  })
})

describe('warmUpFirstExchange', () => {
  it('runs a challenge and a signed DELETE in memory: nothing on the network, nothing printed, nothing left running', async () => {
    const { simulator: atlas } = await simulator()
    const send = vi.spyOn(AtlasClient.prototype, 'send')
    const stdout = vi.spyOn(process.stdout, 'write')
    const before = process.getActiveResourcesInfo().length
    try {
      await warmUpFirstExchange(() => true)
      expect(send).toHaveBeenCalledTimes(1)
      // The in-memory challenge is answered up front: one request, 204.
      await expect(send.mock.results[0]?.value).resolves.toMatchObject({
        status: 204,
        attempts: 1,
      })
      expect(stdout).not.toHaveBeenCalled()
      await new Promise((resolve) => setImmediate(resolve))
      expect(process.getActiveResourcesInfo().length).toBeLessThanOrEqual(before)
      expect(atlas.counters().requests).toBe(0)
    } finally {
      send.mockRestore()
      stdout.mockRestore()
    }
  })

  it('does nothing once it need not wait, and stops between steps when the answer comes', async () => {
    const send = vi.spyOn(AtlasClient.prototype, 'send')
    try {
      await warmUpFirstExchange(() => false)
      let asked = 0
      await warmUpFirstExchange(() => asked++ === 0)
      expect(asked).toBe(2)
      expect(send).not.toHaveBeenCalled()
    } finally {
      send.mockRestore()
    }
  })
})

function revokeOn(dispatcher: Dispatcher, url: string, invitationId: string) {
  return new AtlasClient({ origin: url, dispatcher }).send({
    method: 'DELETE',
    path: `/api/atlas/v1.0/orgs/${DEMO_ORG_ID}/invites/${invitationId}`,
    credentials: demoKey(),
    deadline: Date.now() + 5_000,
  })
}
