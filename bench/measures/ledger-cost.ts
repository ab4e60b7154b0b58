/**
 * Row 11: what the ledger and the cross-container repeat check add to a revocation, cold and
 * warm, for both functions: the same deployed bundles with and without LEDGER_TABLE and
 * IDEMPOTENCY_TABLE, against dynalite one DynamoDB round trip (5 ms) away, interleaved,
 * medians. Billed as GB-seconds per 1,000 revocations at the configured memory size.
 */
import { startLocalDynamoDb } from '../../dev/local-stack/local-dynamodb.ts'
import type { Bundles } from '../cold/bundles.ts'
import type { MeasureRow } from '../measure-result.ts'
import { median, round } from '../stats.ts'
import { type ChildFigures, DEFAULT_NETWORK, startColdBench } from './cold-revocation.ts'
import { configuredMemorySize, gbSecondsPer1000 } from './memory-and-cost.ts'

const DYNAMODB_RTT_MS = 5
const TABLES = { ledger: 'bench-ledger', idempotency: 'bench-idempotency' } as const
/** Four writes in the normal path (claim, two ledger writes, completion): 4 round trips. */
const TARGET_WARM_MS = 6 * DYNAMODB_RTT_MS

export async function measureLedgerCost(
  bundles: Bundles,
  repetitions: number,
  warm: number,
): Promise<MeasureRow> {
  const dynamo = await startLocalDynamoDb(TABLES, 0, {
    rttMs: DYNAMODB_RTT_MS,
    connectionMs: 2 * DYNAMODB_RTT_MS,
  })
  const invitations = repetitions * 2 * (1 + warm)
  const plain = await startColdBench(bundles, DEFAULT_NETWORK, invitations)
  const recorded = await startColdBench(bundles, DEFAULT_NETWORK, invitations, {
    LEDGER_TABLE: TABLES.ledger,
    IDEMPOTENCY_TABLE: TABLES.idempotency,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
  })
  const runs = {
    plain: { queue: [] as ChildFigures[], http: [] as ChildFigures[] },
    recorded: { queue: [] as ChildFigures[], http: [] as ChildFigures[] },
  }
  try {
    for (let i = 0; i < repetitions; i++) {
      for (const trigger of ['queue', 'http'] as const) {
        runs.plain[trigger].push(await plain.run(`ours-${trigger}`, warm))
        runs.recorded[trigger].push(await recorded.run(`ours-${trigger}`, warm))
      }
    }
  } finally {
    await Promise.all([plain.stop(), recorded.stop(), dynamo.stop()])
  }
  const memory = configuredMemorySize()
  const figures = (['queue', 'http'] as const).map((trigger) => {
    const cold = (which: 'plain' | 'recorded') =>
      median(runs[which][trigger].map((figures) => figures.coldMs))
    const warmMs = (which: 'plain' | 'recorded') =>
      median(runs[which][trigger].flatMap((figures) => figures.warmMs))
    const added = {
      cold: cold('recorded') - cold('plain'),
      warm: warmMs('recorded') - warmMs('plain'),
    }
    return {
      trigger,
      coldMs: { plain: round(cold('plain'), 1), recorded: round(cold('recorded'), 1) },
      warmMs: { plain: round(warmMs('plain'), 1), recorded: round(warmMs('recorded'), 1) },
      addedMs: { cold: round(added.cold, 1), warm: round(added.warm, 1) },
      addedGbSecondsPer1000: {
        cold: round(
          gbSecondsPer1000(cold('recorded'), memory) - gbSecondsPer1000(cold('plain'), memory),
          2,
        ),
        warm: round(
          gbSecondsPer1000(warmMs('recorded'), memory) - gbSecondsPer1000(warmMs('plain'), memory),
          2,
        ),
      },
    }
  })
  const describe = (row: (typeof figures)[number]) =>
    `${row.trigger}: +${row.addedMs.warm} ms warm (${row.warmMs.plain} → ${row.warmMs.recorded}), +${row.addedMs.cold} ms cold (${row.coldMs.plain} → ${row.coldMs.recorded}); +${row.addedGbSecondsPer1000.warm} / +${row.addedGbSecondsPer1000.cold} GB-s per 1,000 warm / cold`
  return {
    id: '11',
    measure: `Ledger and repeat check, added to a revocation by id (DynamoDB ${DYNAMODB_RTT_MS} ms RTT, ${memory} MB)`,
    ours: figures.map(describe).join('; '),
    naive: 'no ledger: nothing to prove afterwards, repeats caught per container only',
    target: `≤ ${TARGET_WARM_MS} ms warm added (the writes a receipt needs, one round trip each)`,
    met: figures.every((row) => row.addedMs.warm <= TARGET_WARM_MS),
    data: { repetitions, warm, memory, dynamoDbRttMs: DYNAMODB_RTT_MS, figures },
  }
}
