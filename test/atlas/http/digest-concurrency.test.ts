/**
 * Digest under concurrency against an Apache-style server (one nonce per time window, shared by
 * every challenge; counts seen before are replays): 200 revocations, 20 at a time, in five
 * waves with a nonce window between each two, so every wave after the first starts on an
 * expired nonce. On the wire no (nonce, nc) pair may repeat, and no revocation may end
 * `unauthorized`. The simulator's clock stands still within a wave and jumps between waves:
 * how fast the machine is changes nothing.
 */
import pLimit from 'p-limit'
import { afterEach, expect, it } from 'vitest'
import type { AtlasSimulator } from '../../../dev/simulator/atlas-simulator.ts'
import { DEMO_ORG_ID } from '../../../dev/simulator/demo-seed.ts'
import { UNLIMITED_RATE } from '../../../dev/simulator/rate-limiter.ts'
import { parseAuthHeader } from '../../../lib/atlas/auth/digest/auth-header.ts'
import { fixedCredentials } from '../../../lib/credentials/credential-sources.ts'
import { revoke } from '../../../lib/revoke/revoke.ts'
import { atlasClient, demoKey, startSimulator } from '../../support/atlas-fixture.ts'

let simulator: AtlasSimulator | undefined
afterEach(() => simulator?.stop())

it('200 revocations at concurrency 20 with a time-window nonce: no (nonce, nc) pair twice, none unauthorized', async () => {
  let clock = Date.now()
  const started = await startSimulator({
    nonceWindowMs: 100,
    rateLimit: UNLIMITED_RATE,
    now: () => clock,
  })
  simulator = started.simulator
  const invitations = Array.from({ length: 200 }, (_, i) =>
    started.simulator.state.invite({
      orgId: DEMO_ORG_ID,
      username: `leaver-${i}@example.com`,
      roles: ['ORG_MEMBER'],
    }),
  )
  const settings = {
    dependencies: { atlas: atlasClient(started.url), credentials: fixedCredentials(demoKey()) },
  }
  const limit = pLimit(20)
  const reports = []
  for (let wave = 0; wave < 5; wave++) {
    const inWave = invitations.slice(wave * 40, (wave + 1) * 40)
    reports.push(
      ...(await Promise.all(
        inWave.map((invitation) =>
          limit(() =>
            revoke(
              { orgId: DEMO_ORG_ID, invitationId: invitation.id },
              settings,
              Date.now() + 15_000,
            ),
          ),
        ),
      )),
    )
    clock += 1_000
  }
  expect(reports.filter((report) => report.outcome === 'unauthorized')).toEqual([])
  expect(reports.every((report) => report.outcome === 'revoked')).toBe(true)

  const pairs = started.simulator
    .requests()
    .map((request) => parseAuthHeader(request.authorization ?? '')[0]?.params)
    .filter((params) => params?.get('nc') !== undefined)
    .map((params) => `${params?.get('nonce')} ${params?.get('nc')}`)
  expect(pairs.length).toBeGreaterThanOrEqual(200)
  expect(new Set(pairs.map((pair) => pair.split(' ')[0])).size).toBe(5)
  expect(started.simulator.counters().staleChallenges).toBeGreaterThanOrEqual(4)
  expect(pairs.length - new Set(pairs).size).toBe(0)
})
