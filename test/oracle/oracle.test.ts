/**
 * Issue #17's oracle in the test suite: 2,000 random cases, each a world, a deployment, an entry
 * point, a request and a script of Atlas answers drawn from the catalogue, judged against the
 * simulator's ground truth. A failure prints its seed and the shrunk case.
 */
import { describe, expect, it } from 'vitest'
import { CATALOGUE } from './catalogue.ts'
import { runOracle } from './oracle-run.ts'

const CASES = 2_000

describe('the oracle', () => {
  it(`finds no false success, and no wrong removal, in ${CASES} random cases`, async () => {
    const seed = Number(process.env.ORACLE_SEED ?? Date.now() % 2 ** 31)
    const report = await runOracle({ cases: CASES, seed })
    expect(report.failure, report.failure).toBeUndefined()
    expect(report.cases).toBe(CASES)
    // The cases reach every kind of answer, and the catalogue is used, not idle.
    for (const outcome of ['revoked', 'already_gone', 'not_found', 'upstream_error'])
      expect(
        report.outcomes[outcome] ?? 0,
        `${outcome} in ${JSON.stringify(report.outcomes)}`,
      ).toBeGreaterThan(0)
    expect(Object.keys(report.rows).length).toBeGreaterThan(CATALOGUE.length / 2)
    // About a quarter of the cases run with the ledger, and some of those settle by its word.
    expect(report.ledgerCases).toBeGreaterThan(CASES / 8)
    expect(report.goneAsRecorded).toBeGreaterThan(0)
  }, 120_000)
})
