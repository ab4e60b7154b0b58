/** One structured log line per revoke request: correlation ids, outcome, Atlas status, attempts. */
import type { Logger } from '@aws-lambda-powertools/logger'
import { SETTLED_OUTCOMES } from '../atlas/outcome.ts'
import type { RevokeReport } from '../revoke/revoke-request-use-case.ts'

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
    attempts: report.attempts,
    revocations: report.revocations.map((revocation) => ({
      invitationId: revocation.invitationId,
      outcome: revocation.outcome,
      atlasStatus: revocation.status,
      attempts: revocation.attempts,
    })),
  }
  if (SETTLED_OUTCOMES.has(report.outcome)) logger.info('revocation settled', entry)
  else logger.warn('revocation not settled', entry)
}
