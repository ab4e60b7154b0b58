/**
 * The pacing interceptor in the real dispatcher, against the simulator: a 429 pauses its scope
 * without spending requests, other scopes go on, throttled retries do not use up a call's
 * attempts, and a pause never outlasts the call's deadline.
 */

import type { Dispatcher } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import type { AtlasSimulator } from '../../../dev/simulator/atlas-simulator.ts'
import {
  DEMO_INVITATIONS,
  DEMO_ORG_ID,
  DEMO_SECOND_ORG_ID,
} from '../../../dev/simulator/demo-seed.ts'
import { deleteInvitationCall, listInvitationsCall } from '../../../lib/atlas/api/endpoints.ts'
import type { AtlasClient } from '../../../lib/atlas/http/client.ts'
import { rateLimitPacing } from '../../../lib/atlas/http/rate-limit-interceptor.ts'
import { abandoned } from '../../../lib/atlas/transport/abandoned-controller.ts'
import { atlasClient, demoKey, startSimulator } from '../../support/atlas-fixture.ts'

const [first, second] = DEMO_INVITATIONS
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
    ...listInvitationsCall('v1', { orgId }),
    credentials: demoKey(),
    deadline: Date.now() + deadlineMs,
  })

const revoke = (client: AtlasClient, invitationId: string) =>
  client.send({
    ...deleteInvitationCall('v1', { orgId: DEMO_ORG_ID }, invitationId),
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
    // The retry policy's own rule: pacing off, so the header-less 429s are not spaced out.
    const { simulator, url } = await startSimulator()
    simulators.push(simulator)
    const client = atlasClient(url, { pacing: false })
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

  it('ends a call whose turn would come after its deadline at once, as throttled, without a request', async () => {
    const { simulator, client } = await setUp()
    await list(client, DEMO_ORG_ID)
    simulator.faults.enqueue({ kind: 'status', status: 429, retryAfterSeconds: 3_600 })
    // Atlas's own 429: a wait of an hour is not worth it, the call ends with it.
    expect((await list(client, DEMO_ORG_ID)).status).toBe(429)
    const before = simulator.counters().requests
    const started = Date.now()
    // The pause (capped at a minute) outlasts this call's deadline: no request, no wait.
    await expect(list(client, DEMO_ORG_ID, 2_000)).rejects.toMatchObject({
      code: 'RATE_LIMIT_WAIT',
    })
    expect(Date.now() - started).toBeLessThan(500)
    expect(simulator.counters().requests).toBe(before)
  })
})

describe('rate-limit pacing, against a scripted downstream', () => {
  /** A downstream that answers at once with the given RateLimit headers, and notes send times. */
  function downstream(level: () => { remaining: number; limit: number }) {
    const sentAt: number[] = []
    const dispatch = (_opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) => {
      sentAt.push(Date.now())
      const { remaining, limit } = level()
      handler.onResponseStart?.(
        abandoned,
        200,
        { 'ratelimit-remaining': String(remaining), 'ratelimit-limit': String(limit) },
        'OK',
      )
      handler.onResponseEnd?.(abandoned, {})
      return true
    }
    return { sentAt, dispatch }
  }

  function call(
    paced: Dispatcher.Dispatch,
    deadlineMs: number,
  ): Promise<{ sent: boolean; at: number }> {
    return new Promise((resolve) => {
      paced(
        {
          origin: 'https://cloud.example',
          ...listInvitationsCall('v1', { orgId: DEMO_ORG_ID }),
          deadline: Date.now() + deadlineMs,
        } as Dispatcher.DispatchOptions,
        {
          onResponseEnd: () => resolve({ sent: true, at: Date.now() }),
          onResponseError: () => resolve({ sent: false, at: Date.now() }),
        },
      )
    })
  }

  it('never saves requests up for a burst at the deadline: each goes on its turn or ends at once', async () => {
    let level = { remaining: 0, limit: 40 }
    const atlas = downstream(() => level)
    const paced = rateLimitPacing(undefined, () => 0)(atlas.dispatch)
    await call(paced, 5_000) // the bucket is empty: a second between requests from now on
    const started = Date.now()
    const results = await Promise.all(Array.from({ length: 10 }, () => call(paced, 2_500)))
    const sent = results.filter((result) => result.sent)
    // A second apart: two fit before the deadline; the rest were refused at once.
    expect(sent.length).toBeGreaterThanOrEqual(1)
    expect(sent.length).toBeLessThanOrEqual(3)
    for (const refused of results.filter((result) => !result.sent))
      expect(refused.at - started).toBeLessThan(1_200)
    const gaps = atlas.sentAt.slice(1).map((at, i) => at - (atlas.sentAt[i] as number))
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(900)
    // The bucket is full again: the next call goes at once, nothing is still reserved.
    level = { remaining: 40, limit: 40 }
    await call(paced, 5_000)
    const lone = Date.now()
    expect((await call(paced, 5_000)).at - lone).toBeLessThan(100)
  })
})
