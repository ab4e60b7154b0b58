/** Runs one revoke request for an HTTP route and records it (audit lines, metrics). */
import { type RequestedBy, recordReport } from '../../logging/revocation-log.ts'
import { revoke } from '../../revoke/revoke.ts'
import type { RevokeReport } from '../../revoke/revoke-report.ts'
import { invocationDeadline } from '../function-runtime.ts'
import type { HttpContext } from './http-context.ts'

export async function revokeForRoute(
  input: unknown,
  context: HttpContext,
  requestedBy: RequestedBy,
): Promise<RevokeReport> {
  const runtime = context.runtime()
  const deadline = invocationDeadline(context.remainingMs())
  const report = await revoke(input, runtime.revokeSettings, deadline)
  recordReport(context, report, { ...requestedBy, requestId: context.requestId })
  return report
}
