/** A revoke report with every field filled in, for tests of what is made of one. */
import { PROVEN_OUTCOMES } from '../../lib/outcome.ts'
import type { RevokeReport } from '../../lib/revoke/revoke-report.ts'
import { testEvidence } from './evidence.ts'

export function revokeReport(fields: Partial<RevokeReport> = {}): RevokeReport {
  const outcome = fields.outcome ?? 'revoked'
  return {
    retryable: false,
    request: { kind: 'username', username: 'a@b.c', dryRun: false },
    searched: [],
    revocations: [],

    notes: [],
    attempts: 3,
    durationMs: 42,
    ...(PROVEN_OUTCOMES.has(outcome) ? { evidence: testEvidence(outcome as 'revoked') } : {}),
    ...fields,
    outcome,
  } as RevokeReport
}
