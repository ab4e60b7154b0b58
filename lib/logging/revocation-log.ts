/** One structured log line per revoke request: correlation ids, outcome, Atlas status, attempts. */
import type { Logger } from '@aws-lambda-powertools/logger'
import { OUTCOME_TABLE } from '../outcome.ts'
import type { RevokeReport } from '../revoke/revoke-report.ts'

export function logReport(
  logger: Logger,
  report: RevokeReport,
  fields: Record<string, unknown>,
): void {
  const { request } = report
  const entry = {
    ...fields,
    orgId: request.orgId,
    ...(request.kind === 'invitation'
      ? { invitationId: request.invitationId }
      : { username: request.username }),
    outcome: report.outcome,
    atlasStatus: report.status,
    errorCode: report.errorCode,
    detail: report.detail,
    attempts: report.attempts,
    durationMs: report.durationMs,
    revocations: report.revocations.map((revocation) => ({
      invitationId: revocation.invitationId,
      userId: revocation.userId,
      outcome: revocation.outcome,
      atlasStatus: revocation.status,
      detail: revocation.detail,
    })),
    // A list that ignored its username filter: what else it returned, never revoked.
    ...(report.ignored.length > 0
      ? { ignoredEntries: report.ignored.map((entry) => ({ id: entry.id, status: entry.status })) }
      : {}),
  }
  const { settled, logLevel } = OUTCOME_TABLE[report.outcome]
  logger[logLevel](settled ? 'revocation settled' : 'revocation not settled', entry)
}
