/**
 * Row 12: what the re-check sweep costs per 1,000 recent leavers: the Atlas requests, the
 * time a full pass takes under the layoff bench's rate limit (a token bucket per organization)
 * and Atlas 40 ms away, the 300-second runs it needs, and the GB-seconds they bill. 1% of the
 * leavers were invited again and must be revoked. The sweep function's handler runs in this
 * process against the simulator (a child process) and dynalite (5 ms away).
 */
import { startLocalDynamoDb } from '../../dev/local-stack/local-dynamodb.ts'
import { DEMO_ORG_ID } from '../../dev/simulator/demo-seed.ts'
import { Ledger } from '../../lib/ledger/ledger.ts'
import type { RevokeReport } from '../../lib/revoke/revoke-report.ts'
import type { SweepSummary } from '../../lib/triggers/sweep/recheck-sweep.ts'
import { createSweepHandler } from '../../lib/triggers/sweep/sweep-handler.ts'
import { lambdaContext } from '../../test/support/lambda-events.ts'
import { functionEnv, startAtlasProcess, startSecrets } from '../bench-fixture.ts'
import type { MeasureRow } from '../measure-result.ts'
import { round } from '../stats.ts'
import { LAYOFF } from './layoff-batch.ts'
import { configuredMemorySize, gbSecondsPer1000 } from './memory-and-cost.ts'

const TABLES = { ledger: 'bench-sweep-ledger', idempotency: 'bench-sweep-idempotency' } as const
/** serverless.yml: the sweep's timeout, and its schedule. */
const RUN_SECONDS = 300
const SCHEDULE_SECONDS = 3_600

export async function measureSweepCost(leavers: number): Promise<MeasureRow> {
  const atlas = await startAtlasProcess({
    latencyMs: LAYOFF.atlasRttMs,
    connectionMs: 2 * LAYOFF.atlasRttMs,
    rateLimit: { ratePerSecond: LAYOFF.ratePerSecond, burst: LAYOFF.burst },
  })
  const { secretsManager } = await startSecrets()
  const dynamo = await startLocalDynamoDb(TABLES, 0, { rttMs: 5, connectionMs: 10 })
  const endpointBefore = process.env.AWS_ENDPOINT_URL_DYNAMODB
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.url
  const reinvited = Math.max(1, Math.round(leavers / 100))
  try {
    const ledger = new Ledger(TABLES.ledger)
    const names = Array.from({ length: leavers }, (_, i) => `sweep-leaver-${i}@example.com`)
    for (const username of names) await ledger.record(offboarded(username), recordMeta())
    for (const username of names.slice(0, reinvited)) await atlas.invite(DEMO_ORG_ID, username)
    await atlas.resetCounters()

    const handler = createSweepHandler(
      {
        ...functionEnv(atlas.url),
        ALLOWED_ORG_IDS: DEMO_ORG_ID,
        LEDGER_TABLE: TABLES.ledger,
        SWEEP_BATCH: '5000',
      },
      { metrics: { emit: () => {} } },
    )
    const runs: { ms: number; summary: SweepSummary }[] = []
    const started = performance.now()
    do {
      const at = performance.now()
      const summary = (await handler(
        {},
        lambdaContext(RUN_SECONDS * 1000, 'bench-sweep'),
      )) as SweepSummary
      runs.push({ ms: performance.now() - at, summary })
    } while (!runs[runs.length - 1]?.summary.passComplete && runs.length < 100)
    const passMs = performance.now() - started
    const counters = await atlas.counters()
    const checked = runs.reduce((sum, run) => sum + run.summary.checked, 0)
    const found = runs.reduce((sum, run) => sum + run.summary.reappeared, 0)
    if (checked !== leavers || found !== reinvited)
      throw new Error(
        `the sweep checked ${checked} of ${leavers} and found ${found} of ${reinvited} reinvited`,
      )
    const per1000 = 1000 / leavers
    const memory = configuredMemorySize()
    const gbSeconds = runs.reduce((sum, run) => sum + gbSecondsPer1000(run.ms, memory) / 1000, 0)
    const figures = {
      leavers,
      reinvited,
      runs: runs.length,
      passSeconds: round(passMs / 1000, 1),
      atlasRequestsPer1000: Math.round(counters.requests * per1000),
      requestsPerLeaver: round(counters.requests / leavers, 2),
      secondsPer1000: round((passMs / 1000) * per1000, 1),
      gbSecondsPer1000: round(gbSeconds * per1000, 1),
    }
    return {
      id: '12',
      measure: `Re-check sweep of recent leavers, 1% invited again (Atlas ${LAYOFF.atlasRttMs} ms RTT, ${LAYOFF.ratePerSecond} requests/s per organization, burst ${LAYOFF.burst})`,
      ours: `per 1,000 leavers: ${figures.atlasRequestsPer1000} Atlas requests (${figures.requestsPerLeaver} each), ${figures.secondsPer1000} s, ${figures.gbSecondsPer1000} GB-s; this pass: ${leavers} leavers in ${figures.passSeconds} s over ${figures.runs} run(s), ${found} reappeared and revoked`,
      naive: 'no re-check: an invitation made after the offboarding stays pending',
      target: `a pass over 1,000 leavers within the hourly schedule (≤ ${SCHEDULE_SECONDS} s)`,
      met: figures.secondsPer1000 <= SCHEDULE_SECONDS,
      data: figures,
    }
  } finally {
    if (endpointBefore === undefined) delete process.env.AWS_ENDPOINT_URL_DYNAMODB
    else process.env.AWS_ENDPOINT_URL_DYNAMODB = endpointBefore
    await Promise.all([atlas.stop(), secretsManager.stop(), dynamo.stop()])
  }
}

/** A settled offboarding in the demo organization, as the ledger records one. */
function offboarded(username: string): RevokeReport {
  return {
    request: { kind: 'username', username, orgIds: [DEMO_ORG_ID], dryRun: false },
    outcome: 'already_gone',
    retryable: false,
    searched: [{ orgId: DEMO_ORG_ID, found: 0 }],
    revocations: [],
    notes: [],
    attempts: 2,
    durationMs: 100,
  } as unknown as RevokeReport
}

function recordMeta() {
  const now = new Date()
  return {
    receivedAt: now,
    settledAt: now,
    requestedBy: { trigger: 'webhook' as const, webhookId: 'bench' },
    includeProjects: false,
    retentionDays: 400,
  }
}
