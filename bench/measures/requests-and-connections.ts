/**
 * Measures 1 and 2: Atlas requests and TCP connections for N sequential revocations in one
 * warm process — ours (nonce reuse, one keep-alive pool) against the naive flow.
 */

import { DEMO_API_KEY, DEMO_ORG_ID } from '../../dev/simulator/demo-seed.ts'
import { AtlasClient, createAtlasDispatcher } from '../../lib/atlas/http/index.ts'
import { fixedCredentials } from '../../lib/credentials/credential-sources.ts'
import { AtlasApiKey } from '../../lib/credentials/credential-types.ts'
import { revoke } from '../../lib/revoke/revoke.ts'
import { startAtlasProcess } from '../bench-fixture.ts'
import { benchInvitationId } from '../bench-ids.ts'
import type { MeasureRow } from '../measure-result.ts'
import { naiveDelete } from '../naive-atlas-client.ts'
import { median, repeat, round } from '../stats.ts'

export async function measureRequestsAndConnections(
  n: number,
  repetitions: number,
): Promise<MeasureRow[]> {
  const atlas = await startAtlasProcess({ invitations: 2 * n * repetitions })
  let next = 0
  const path = (id: string) => `/api/atlas/v1.0/orgs/${DEMO_ORG_ID}/invites/${id}`
  try {
    const ours = await repeat(repetitions, async () => {
      await atlas.resetCounters()
      const dependencies = {
        atlas: new AtlasClient({ origin: atlas.url, dispatcher: createAtlasDispatcher(atlas.url) }),
        credentials: fixedCredentials(
          new AtlasApiKey(DEMO_API_KEY.publicKey, DEMO_API_KEY.privateKey),
        ),
      }
      for (let i = 0; i < n; i++) {
        const result = await revoke(
          { orgId: DEMO_ORG_ID, invitationId: benchInvitationId(next++) },
          { dependencies },
          Date.now() + 10_000,
        )
        if (result.outcome !== 'revoked') throw new Error(`ours: ${result.outcome}`)
      }
      return atlas.counters()
    })
    const naive = await repeat(repetitions, async () => {
      await atlas.resetCounters()
      for (let i = 0; i < n; i++) {
        const status = await naiveDelete(atlas.url, path(benchInvitationId(next++)), DEMO_API_KEY)
        if (status !== 204) throw new Error(`naive: ${status}`)
      }
      return atlas.counters()
    })
    const perRevocation = (counters: { requests: number }[]) =>
      median(counters.map((c) => c.requests / n))
    const connections = (counters: { connections: number }[]) =>
      median(counters.map((c) => c.connections))
    const oursRequests = perRevocation(ours)
    const oursConnections = connections(ours)
    return [
      {
        id: '1',
        measure: `Atlas requests per revocation, N = ${n} in one warm process`,
        ours: `${round(oursRequests, 3)} (${round(oursRequests * n)} requests)`,
        naive: `${round(perRevocation(naive), 3)}`,
        target: `(N+1)/N = ${round((n + 1) / n, 3)} vs 2`,
        met: oursRequests <= (n + 1) / n,
        data: {
          n,
          repetitions,
          ours: ours.map((c) => c.requests),
          naive: naive.map((c) => c.requests),
        },
      },
      {
        id: '2',
        measure: `TCP connections opened for those ${n}`,
        ours: String(oursConnections),
        naive: String(connections(naive)),
        target: `1 vs ${n}`,
        met: oursConnections === 1,
        data: { ours: ours.map((c) => c.connections), naive: naive.map((c) => c.connections) },
      },
    ]
  } finally {
    await atlas.stop()
  }
}
