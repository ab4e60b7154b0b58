/**
 * Runs the oracle: `cases` random cases (seeded) through one simulator, stopping at the first
 * violation, which fast-check shrinks to a small case and reports with the seed and path that
 * replay it.
 */
import fc from 'fast-check'
import { AtlasSimulator } from '../../dev/simulator/atlas-simulator.ts'
import { UNLIMITED_RATE } from '../../dev/simulator/rate-limiter.ts'
import { oracleCase } from './oracle-case.ts'
import { startOracleLedger } from './oracle-ledger.ts'
import { type CaseVerdict, runCase } from './run-case.ts'

export interface OracleRun {
  readonly cases: number
  readonly seed: number
  /** Replays one failing case: fast-check's `path` from an earlier report. */
  readonly path?: string
  /** Told after each case (progress, tallies). */
  readonly onCase?: (verdict: CaseVerdict) => void
}

export interface OracleReport {
  readonly cases: number
  readonly seed: number
  /** The shrunk counterexample and its violations; `undefined` when every case held. */
  readonly failure?: string
  readonly outcomes: Readonly<Record<string, number>>
  readonly rows: Readonly<Record<string, number>>
  /** Cases run with the ledger (and a history), and those by id it settled `already_gone`. */
  readonly ledgerCases: number
  readonly goneAsRecorded: number
}

export async function runOracle(run: OracleRun): Promise<OracleReport> {
  const simulator = new AtlasSimulator({ rateLimit: UNLIMITED_RATE })
  await simulator.start()
  const outcomes: Record<string, number> = {}
  const rows: Record<string, number> = {}
  let ledgerCases = 0
  let goneAsRecorded = 0
  let ledger: Awaited<ReturnType<typeof startOracleLedger>> | undefined
  try {
    ledger = await startOracleLedger()
    const book = ledger
    const details = await fc.check(
      fc.asyncProperty(oracleCase, async (oracle) => {
        const verdict = await runCase(simulator, oracle, book)
        if (verdict.ledger) ledgerCases += 1
        if (verdict.goneAsRecorded) goneAsRecorded += 1
        outcomes[verdict.answer.outcome] = (outcomes[verdict.answer.outcome] ?? 0) + 1
        for (const row of verdict.rows) rows[row] = (rows[row] ?? 0) + 1
        run.onCase?.(verdict)
        if (verdict.violations.length > 0)
          throw new Error(
            `${verdict.violations.join('; ')}\nrequest ${JSON.stringify(verdict.request)}\nanswer ${JSON.stringify(verdict.answer)}\ncatalogue rows ${JSON.stringify(verdict.rows)}`,
          )
      }),
      {
        numRuns: run.cases,
        seed: run.seed,
        ...(run.path ? { path: run.path } : {}),
      },
    )
    const failure = details.failed
      ? `oracle: seed ${details.seed}, path "${details.counterexamplePath}" (replay: npm run oracle -- --seed ${details.seed} --path ${details.counterexamplePath})\ncase ${JSON.stringify(details.counterexample?.[0])}\n${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}`
      : undefined
    return {
      cases: details.numRuns,
      seed: details.seed,
      ...(failure ? { failure } : {}),
      outcomes,
      rows,
      ledgerCases,
      goneAsRecorded,
    }
  } finally {
    await ledger?.stop()
    await simulator.stop()
  }
}
