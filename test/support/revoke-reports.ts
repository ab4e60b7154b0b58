/** A revoke report with every field filled in, for tests of what is made of one. */
import type { RevokeReport } from '../../lib/revoke/revoke-report.ts'

export function revokeReport(fields: Partial<RevokeReport> = {}): RevokeReport {
  return {
    outcome: 'revoked',
    retryable: false,
    request: { kind: 'username', username: 'a@b.c', dryRun: false },
    searched: [],
    revocations: [],
    ignored: [],
    attempts: 3,
    durationMs: 42,
    ...fields,
  }
}
