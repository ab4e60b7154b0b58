/**
 * "Cold revocation, end to end": a fresh Node 22 process imports a function's bundle and
 * handles its first event, timed from the moment the process was spawned to the response.
 * Secrets Manager and the Atlas simulator answer at once, each behind a latency proxy
 * (bench/cold/latency-proxy.ts): half a round trip each way per chunk, two round trips before
 * a new connection carries anything (TCP + TLS 1.3), as in issue #22. Ours (the deployed
 * bundles, with their INIT head start) against the naive path (every dependency whole; secret,
 * challenge and DELETE one after another, each on a new connection), both functions, at three
 * distances, interleaved, medians, with their spread.
 *
 * Beside them, the limit: a bare process start (spawn to the first statement of `node -e`, the
 * same Node) plus the 3 round trips a connection and its Digest challenge take and the 1 the
 * DELETE takes. The 3 can overlap with loading; nothing can overlap with the DELETE, which
 * needs the challenge's nonce.
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
import { type Bundles, withNodeOptions } from '../cold/bundles.ts'
import {
  type HandshakeModel,
  type LatencyProxy,
  makeTestCertificate,
  startLatencyProxy,
  type TestCertificate,
} from '../cold/latency-proxy.ts'
import type { MeasureRow } from '../measure-result.ts'
import { median, round } from '../stats.ts'

const run = promisify(execFile)
const CHILD = fileURLToPath(new URL('../cold/cold-child.mjs', import.meta.url))

/** Round trips in milliseconds, and how a new connection's handshakes are modelled. */
export interface NetworkSetting {
  readonly name: string
  readonly secretsManagerRttMs: number
  readonly atlasRttMs: number
  /** Default `charged`: 2 round trips per new connection, from its accept. */
  readonly handshake?: HandshakeModel
}

export const DEFAULT_NETWORK: NetworkSetting = {
  name: 'default',
  secretsManagerRttMs: 5,
  atlasRttMs: 40,
}
export const NEARBY_NETWORK: NetworkSetting = {
  name: 'Atlas nearby',
  secretsManagerRttMs: 2,
  atlasRttMs: 10,
}
export const FAR_NETWORK: NetworkSetting = {
  name: 'Atlas far away',
  secretsManagerRttMs: 5,
  atlasRttMs: 120,
}
/** The default distance with real TLS 1.3 handshakes, which need the client's event loop. */
export const TLS_NETWORK: NetworkSetting = {
  ...DEFAULT_NETWORK,
  name: 'real TLS',
  handshake: 'tls',
}
export const OTHER_NETWORKS: readonly NetworkSetting[] = [NEARBY_NETWORK, FAR_NETWORK, TLS_NETWORK]

export type Contender = 'ours-queue' | 'naive-queue' | 'ours-http' | 'naive-http'
export const CONTENDERS: readonly Contender[] = [
  'ours-queue',
  'naive-queue',
  'ours-http',
  'naive-http',
]

export interface ChildFigures {
  /** From the start of the import to its end. */
  readonly importMs: number
  /** From the start of the import to the first response. */
  readonly coldMs: number
  /** From the spawn of the process to the first response: what row 7 reports. */
  readonly fromSpawnMs: number
  /** From the spawn to the child's first statement. */
  readonly processStartMs: number
  readonly allRevoked: boolean
  readonly coldMaxRssKb: number
  readonly maxRssKb: number
  readonly warmMs: readonly number[]
}

/** Where a cold child runs: the servers of one network setting and a supply of invitations. */
export interface ColdBench {
  /** Runs one fresh process for `contender`: its first event cold, then `warm` more. */
  run(contender: Contender, warm?: number): Promise<ChildFigures>
  /** Spawn to the first statement of a bare `node -e`, the same Node, the same environment. */
  processStart(): Promise<number>
  /** The environment each child gets (to run one by hand). */
  readonly env: Readonly<Record<string, string | undefined>>
  /** Connections the proxies accepted, Atlas and Secrets Manager. */
  connections(): { atlas: number; secretsManager: number }
  stop(): Promise<void>
}

/** Milliseconds on a clock every process on this machine shares. */
const sharedNow = () => performance.timeOrigin + performance.now()

export async function startColdBench(
  bundles: Bundles,
  network: NetworkSetting,
  invitations: number,
  childEnv: Record<string, string> = {},
): Promise<ColdBench> {
  const handshake = network.handshake ?? 'charged'
  const atlas = await startAtlasProcess({ invitations })
  const { secretsManager, env: awsEnv } = await startSecrets()
  const certificate: TestCertificate | undefined =
    handshake === 'tls' ? await makeTestCertificate() : undefined
  // Without a round trip to model (the memory row), the servers are reached directly.
  const proxy = async (url: string, rttMs: number): Promise<LatencyProxy | undefined> =>
    rttMs > 0 || handshake === 'tls'
      ? startLatencyProxy(Number(new URL(url).port), rttMs, handshake, certificate)
      : undefined
  const atlasProxy = await proxy(atlas.url, network.atlasRttMs)
  const secretsProxy = await proxy(
    awsEnv.AWS_ENDPOINT_URL_SECRETS_MANAGER as string,
    network.secretsManagerRttMs,
  )
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
    // No preload but the deployed one, and only for ours (run): none from the parent's shell.
    NODE_OPTIONS: '',
    ...awsEnv,
    ...functionEnv(atlasProxy?.url ?? atlas.url),
    ...(secretsProxy ? { AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsProxy.url } : {}),
    ...(certificate ? { NODE_EXTRA_CA_CERTS: certificate.caFile } : {}),
    // What Lambda sets in every container: its name and runtime, and the role's session.
    AWS_LAMBDA_FUNCTION_NAME: 'atlas-invite-revoker-bench',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_SESSION_TOKEN: 'bench-session-token',
    // As deployed (serverless.yml provider.environment).
    POWERTOOLS_SERVICE_NAME: 'atlas-invite-revoker',
    POWERTOOLS_METRICS_NAMESPACE: 'AtlasInviteRevoker',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    POWERTOOLS_METRICS_DISABLED: 'false',
    ...childEnv,
  }
  return {
    env,
    async run(contender, warm = 0) {
      const trigger = contender.endsWith('queue') ? 'queue' : 'http'
      const naive = contender.startsWith('naive')
      const events = join(work, `${contender}-${next}.json`)
      const result = join(work, `${contender}-${next}.result.json`)
      writeFileSync(events, JSON.stringify(Array.from({ length: 1 + warm }, () => event(trigger))))
      const spawnedAt = sharedNow()
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
        {
          // Ours with the preload its deployed NODE_OPTIONS names; the naive path has none.
          env: withNodeOptions(env, naive ? undefined : bundles.nodeOptions[trigger]),
          maxBuffer: 64 * 1024 * 1024,
          timeout: 600_000,
        },
      )
      const figures = JSON.parse(readFileSync(result, 'utf8')) as Omit<
        ChildFigures,
        'fromSpawnMs' | 'processStartMs'
      > & { startedAt: number; answeredAt: number }
      if (!figures.allRevoked) throw new Error(`${contender}: an event was not revoked`)
      return {
        importMs: figures.importMs,
        coldMs: figures.coldMs,
        fromSpawnMs: figures.answeredAt - spawnedAt,
        processStartMs: figures.startedAt - spawnedAt,
        allRevoked: figures.allRevoked,
        coldMaxRssKb: figures.coldMaxRssKb,
        maxRssKb: figures.maxRssKb,
        warmMs: figures.warmMs,
      }
    },
    async processStart() {
      const spawnedAt = sharedNow()
      const { stdout } = await run(
        process.execPath,
        ['-e', 'process.stdout.write(String(performance.timeOrigin + performance.now()))'],
        { env },
      )
      return Number(stdout) - spawnedAt
    },
    connections: () => ({
      atlas: atlasProxy?.connections ?? 0,
      secretsManager: secretsProxy?.connections ?? 0,
    }),
    async stop() {
      await Promise.all([
        atlas.stop(),
        secretsManager.stop(),
        atlasProxy?.stop(),
        secretsProxy?.stop(),
      ])
      certificate?.remove()
      rmSync(work, { recursive: true, force: true })
    },
  }
}

/** Median, fastest and slowest of a cell's runs, in ms. */
export interface Cell {
  readonly medianMs: number
  readonly minMs: number
  readonly maxMs: number
  readonly runsMs: readonly number[]
}

function cellOf(values: readonly number[]): Cell {
  return {
    medianMs: round(median(values), 1),
    minMs: round(Math.min(...values), 1),
    maxMs: round(Math.max(...values), 1),
    runsMs: values.map((value) => round(value, 1)),
  }
}

export interface ColdFigures {
  readonly network: NetworkSetting
  /** Medians from the start of the import (the memory and cost row bills these). */
  readonly coldMs: Readonly<Record<Contender, number>>
  readonly importMs: Readonly<Record<Contender, number>>
  /** From the spawn to the first response: the row's figures. */
  readonly fromSpawn: Readonly<Record<Contender, Cell>>
  /** Spawn to the first statement of a bare `node -e`. */
  readonly processStart: Cell
  /** Process start + 3 round trips (connection, challenge) + 1 (the DELETE). */
  readonly limitMs: number
  /** Ours ÷ naive, per function, from the spawn. */
  readonly ratio: { readonly queue: number; readonly http: number }
  /** Ours ÷ the limit, per function. */
  readonly ofLimit: { readonly queue: number; readonly http: number }
}

/** Medians of `repetitions` cold runs per contender, interleaved so noise falls on all alike. */
export async function measureColdRuns(
  bundles: Bundles,
  network: NetworkSetting,
  repetitions: number,
  contenders: readonly Contender[] = CONTENDERS,
): Promise<ColdFigures> {
  const bench = await startColdBench(bundles, network, repetitions * contenders.length)
  try {
    const runs = Object.fromEntries(
      CONTENDERS.map((name) => [name, [] as ChildFigures[]]),
    ) as Record<Contender, ChildFigures[]>
    const starts: number[] = []
    for (let i = 0; i < repetitions; i++) {
      starts.push(await bench.processStart())
      for (const contender of contenders) runs[contender].push(await bench.run(contender))
    }
    const medianOf = (pick: (figures: ChildFigures) => number) =>
      Object.fromEntries(
        CONTENDERS.map((name) => [name, round(median(runs[name].map(pick)), 1)]),
      ) as Record<Contender, number>
    const fromSpawn = Object.fromEntries(
      CONTENDERS.map((name) => [name, cellOf(runs[name].map((figures) => figures.fromSpawnMs))]),
    ) as Record<Contender, Cell>
    const processStart = cellOf(starts)
    const limitMs = round(processStart.medianMs + 4 * network.atlasRttMs, 1)
    const ratio = (fn: 'queue' | 'http') =>
      round(fromSpawn[`ours-${fn}`].medianMs / fromSpawn[`naive-${fn}`].medianMs, 2)
    const ofLimit = (fn: 'queue' | 'http') => round(fromSpawn[`ours-${fn}`].medianMs / limitMs, 2)
    return {
      network,
      coldMs: medianOf((figures) => figures.coldMs),
      importMs: medianOf((figures) => figures.importMs),
      fromSpawn,
      processStart,
      limitMs,
      ratio: { queue: ratio('queue'), http: ratio('http') },
      ofLimit: { queue: ofLimit('queue'), http: ofLimit('http') },
    }
  } finally {
    await bench.stop()
  }
}

/** Issue #22: ≤ 0.5× naive at the default and nearby distances, ≤ 1.25× the limit at the default. */
export const TARGET = { ratio: 0.5, ofLimit: 1.25 } as const

/** Whether `figures` meets the targets that apply at its distance. */
export function meetsTarget(figures: ColdFigures): boolean {
  const fns = ['queue', 'http'] as const
  const setting = figures.network
  if (setting.handshake === 'tls' || setting.atlasRttMs > DEFAULT_NETWORK.atlasRttMs) return true
  const ratioMet = fns.every((fn) => figures.ratio[fn] <= TARGET.ratio)
  const limitMet =
    setting.atlasRttMs !== DEFAULT_NETWORK.atlasRttMs ||
    fns.every((fn) => figures.ofLimit[fn] <= TARGET.ofLimit)
  return ratioMet && limitMet
}

/** One distance, as the row prints it. */
export function describeCold(figures: ColdFigures): { ours: string; naive: string } {
  const { network } = figures
  const setting = `Atlas ${network.atlasRttMs} / SM ${network.secretsManagerRttMs} ms RTT${network.handshake === 'tls' ? ', real TLS 1.3' : ''}`
  const spread = (cell: Cell) => `${cell.minMs}–${cell.maxMs}`
  const fn = (name: 'queue' | 'http') => {
    const ours = figures.fromSpawn[`ours-${name}`]
    return `${name} ${ours.medianMs} ms (${spread(ours)}), ${figures.ratio[name]}× naive, ${figures.ofLimit[name]}× limit`
  }
  const naive = (name: 'queue' | 'http') => {
    const cell = figures.fromSpawn[`naive-${name}`]
    return `${name} ${cell.medianMs} ms (${spread(cell)})`
  }
  return {
    ours: `${setting}: ${fn('queue')}; ${fn('http')}; limit ${figures.limitMs} ms (start ${figures.processStart.medianMs} + 4 × ${network.atlasRttMs})`,
    naive: `${setting}: ${naive('queue')}; ${naive('http')}`,
  }
}

export async function measureColdRevocation(
  bundles: Bundles,
  repetitions: number,
): Promise<{ row: MeasureRow; atDefault: ColdFigures }> {
  const atDefault = await measureColdRuns(bundles, DEFAULT_NETWORK, repetitions)
  const others: ColdFigures[] = []
  for (const network of OTHER_NETWORKS)
    others.push(await measureColdRuns(bundles, network, repetitions))
  const all = [atDefault, ...others].map(describeCold)
  return {
    atDefault,
    row: {
      id: '7',
      measure:
        'Cold revocation, end to end, from the spawn of a fresh process to the first response (median, min–max); limit = process start + 3 RTT connection and challenge + 1 RTT DELETE',
      ours: all.map((cell) => cell.ours).join('<br>'),
      naive: all.map((cell) => cell.naive).join('<br>'),
      target: `≤ ${TARGET.ratio}× naive at Atlas 40 and 10 ms, ≤ ${TARGET.ofLimit}× the limit at 40 ms, both functions`,
      met: [atDefault, ...others].every(meetsTarget),
      data: { repetitions, atDefault, others },
    },
  }
}
