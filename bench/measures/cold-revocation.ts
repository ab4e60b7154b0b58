/**
 * "Cold revocation, end to end": a fresh Node 22 process imports a function's bundle and
 * handles its first event, to the response, against a local Secrets Manager and the Atlas
 * simulator that model the network (a round trip per request, two per new connection).
 * Ours (the deployed bundles, with their INIT head start) against the naive path (every
 * dependency whole; secret, challenge and DELETE one after another, each on a new connection),
 * for both functions, at the default latencies and two others, interleaved, medians.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { DEMO_ORG_ID } from '../../dev/simulator/demo-seed.ts'
import { httpApiEvent, sqsEvent } from '../../test/support/lambda-events.ts'
import { functionEnv, signedWebhook, startAtlasProcess, startSecrets } from '../bench-fixture.ts'
import { benchInvitationId } from '../bench-ids.ts'
import type { Bundles } from '../cold/bundles.ts'
import type { MeasureRow } from '../measure-result.ts'
import { median, round } from '../stats.ts'

const run = promisify(execFile)
const CHILD = fileURLToPath(new URL('../cold/cold-child.ts', import.meta.url))

/** Round trips in milliseconds; a new connection costs two more (TCP + TLS handshakes). */
export interface NetworkSetting {
  readonly name: string
  readonly secretsManagerRttMs: number
  readonly atlasRttMs: number
}

export const DEFAULT_NETWORK: NetworkSetting = {
  name: 'default',
  secretsManagerRttMs: 5,
  atlasRttMs: 40,
}
export const OTHER_NETWORKS: readonly NetworkSetting[] = [
  { name: 'Atlas nearby', secretsManagerRttMs: 2, atlasRttMs: 10 },
  { name: 'Atlas far away', secretsManagerRttMs: 5, atlasRttMs: 120 },
]

export type Contender = 'ours-queue' | 'naive-queue' | 'ours-http' | 'naive-http'
const CONTENDERS: readonly Contender[] = ['ours-queue', 'naive-queue', 'ours-http', 'naive-http']

export interface ChildFigures {
  readonly importMs: number
  readonly coldMs: number
  readonly allRevoked: boolean
  readonly coldMaxRssKb: number
  readonly maxRssKb: number
  readonly warmMs: readonly number[]
}

/** Where a cold child runs: the servers of one network setting and a supply of invitations. */
export interface ColdBench {
  /** Runs one fresh process for `contender`: its first event cold, then `warm` more. */
  run(contender: Contender, warm?: number): Promise<ChildFigures>
  stop(): Promise<void>
}

export async function startColdBench(
  bundles: Bundles,
  network: NetworkSetting,
  invitations: number,
  childEnv: Record<string, string> = {},
): Promise<ColdBench> {
  const atlas = await startAtlasProcess({
    invitations,
    latencyMs: network.atlasRttMs,
    connectionMs: 2 * network.atlasRttMs,
  })
  const { secretsManager, env: awsEnv } = await startSecrets({
    rttMs: network.secretsManagerRttMs,
    connectionMs: 2 * network.secretsManagerRttMs,
  })
  const work = mkdtempSync(join(tmpdir(), 'bench-cold-run-'))
  let next = 0
  const event = (trigger: 'http' | 'queue') => {
    const body = JSON.stringify({ orgId: DEMO_ORG_ID, invitationId: benchInvitationId(next++) })
    if (trigger === 'queue') return sqsEvent([body])
    return httpApiEvent({
      method: 'POST',
      path: '/revocations',
      body,
      headers: signedWebhook(body, `msg_cold_${next}`),
    })
  }
  const env = {
    ...process.env,
    ...awsEnv,
    ...functionEnv(atlas.url),
    // As deployed (serverless.yml provider.environment).
    POWERTOOLS_SERVICE_NAME: 'atlas-invite-revoker',
    POWERTOOLS_METRICS_NAMESPACE: 'AtlasInviteRevoker',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    POWERTOOLS_METRICS_DISABLED: 'false',
    ...childEnv,
  }
  return {
    async run(contender, warm = 0) {
      const trigger = contender.endsWith('queue') ? 'queue' : 'http'
      const naive = contender.startsWith('naive')
      const events = join(work, `${contender}-${next}.json`)
      const result = join(work, `${contender}-${next}.result.json`)
      writeFileSync(events, JSON.stringify(Array.from({ length: 1 + warm }, () => event(trigger))))
      await run(
        process.execPath,
        [
          CHILD,
          '--bundle',
          naive ? bundles.naiveFunctions : bundles[trigger],
          '--export',
          naive ? `${trigger}Handler` : 'handler',
          '--events',
          events,
          '--result',
          result,
        ],
        { env, maxBuffer: 64 * 1024 * 1024, timeout: 600_000 },
      )
      const figures = JSON.parse(readFileSync(result, 'utf8')) as ChildFigures
      if (!figures.allRevoked) throw new Error(`${contender}: an event was not revoked`)
      return figures
    },
    async stop() {
      await Promise.all([atlas.stop(), secretsManager.stop()])
      rmSync(work, { recursive: true, force: true })
    },
  }
}

export interface ColdFigures {
  readonly network: NetworkSetting
  readonly coldMs: Readonly<Record<Contender, number>>
  readonly importMs: Readonly<Record<Contender, number>>
  /** Ours ÷ naive, per function. */
  readonly ratio: { readonly queue: number; readonly http: number }
}

/** Medians of `repetitions` cold runs per contender, interleaved so noise falls on all alike. */
export async function measureColdRuns(
  bundles: Bundles,
  network: NetworkSetting,
  repetitions: number,
): Promise<ColdFigures> {
  const bench = await startColdBench(bundles, network, repetitions * CONTENDERS.length)
  try {
    const runs = Object.fromEntries(
      CONTENDERS.map((name) => [name, [] as ChildFigures[]]),
    ) as Record<Contender, ChildFigures[]>
    for (let i = 0; i < repetitions; i++) {
      for (const contender of CONTENDERS) runs[contender].push(await bench.run(contender))
    }
    const medianOf = (pick: (figures: ChildFigures) => number) =>
      Object.fromEntries(
        CONTENDERS.map((name) => [name, round(median(runs[name].map(pick)), 1)]),
      ) as Record<Contender, number>
    const coldMs = medianOf((figures) => figures.coldMs)
    return {
      network,
      coldMs,
      importMs: medianOf((figures) => figures.importMs),
      ratio: {
        queue: round(coldMs['ours-queue'] / coldMs['naive-queue'], 2),
        http: round(coldMs['ours-http'] / coldMs['naive-http'], 2),
      },
    }
  } finally {
    await bench.stop()
  }
}

const TARGET = 0.5

export async function measureColdRevocation(
  bundles: Bundles,
  repetitions: number,
): Promise<{ row: MeasureRow; atDefault: ColdFigures }> {
  const atDefault = await measureColdRuns(bundles, DEFAULT_NETWORK, repetitions)
  const others: ColdFigures[] = []
  for (const network of OTHER_NETWORKS)
    others.push(await measureColdRuns(bundles, network, repetitions))
  const describe = (figures: ColdFigures, who: 'ours' | 'naive') =>
    `queue ${figures.coldMs[`${who}-queue`]} ms, http ${figures.coldMs[`${who}-http`]} ms`
  const setting = ({ network }: ColdFigures) =>
    `SM ${network.secretsManagerRttMs} ms / Atlas ${network.atlasRttMs} ms RTT`
  const ours = [
    `${describe(atDefault, 'ours')} (${atDefault.ratio.queue}× / ${atDefault.ratio.http}×) at ${setting(atDefault)}`,
    ...others.map(
      (figures) =>
        `${figures.network.name} (${setting(figures)}): ${describe(figures, 'ours')} (${figures.ratio.queue}× / ${figures.ratio.http}×)`,
    ),
  ].join('; ')
  const naive = [atDefault, ...others].map((figures) => describe(figures, 'naive')).join('; ')
  return {
    atDefault,
    row: {
      id: '7',
      measure: 'Cold revocation, end to end: import the bundle, handle the first event',
      ours,
      naive,
      target: `≤ ${TARGET}× naive at the default latencies, both functions`,
      met: Math.max(atDefault.ratio.queue, atDefault.ratio.http) <= TARGET,
      data: { repetitions, atDefault, others },
    },
  }
}
