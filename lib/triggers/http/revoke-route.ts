/** Runs one revoke request for an HTTP route and records it (audit lines, metrics, the ledger). */
import type { RequestedBy } from '../../audit/revocation-log.ts'
import { revoke } from '../../revoke/revoke.ts'
import type { RevokeReport } from '../../revoke/revoke-report.ts'
import { invocationDeadline } from '../function-runtime.ts'
import { recordRequest } from '../record-request.ts'
import type { HttpContext } from './http-context.ts'

export async function revokeForRoute(
  input: unknown,
  context: HttpContext,
  requestedBy: RequestedBy,
): Promise<RevokeReport> {
  const receivedAt = new Date()
  const runtime = context.runtime()
  const deadline = invocationDeadline(context.remainingMs())
  const report = await revoke(input, runtime.revokeSettings, deadline)
  await recordRequest(
    context,
    runtime.ledger,
    {
      includeProjects: runtime.config.includeProjects,
      retentionDays: runtime.config.ledgerRetentionDays,
    },
    report,
    { requestedBy: { ...requestedBy, requestId: context.requestId }, receivedAt },
  )
  return report
}
