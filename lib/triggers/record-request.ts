/**
 * What a revoke request leaves behind, whichever trigger ran it: the audit lines and metrics,
 * and the ledger item, written before the answer or the ack. A ledger that cannot be written
 * fails the request (LedgerUnavailableError): it is retried, never answered done unrecorded.
 */

import { randomUUID } from 'node:crypto'
import { describeError } from '../audit/describe-error.ts'
import { type Observer, type RequestedBy, recordReport } from '../audit/revocation-log.ts'
import type { Ledger } from '../ledger/ledger.ts'
import type { RevokeReport } from '../revoke/revoke-report.ts'

export interface RequestMeta {
  readonly requestedBy: RequestedBy
  readonly claimedBy?: unknown
  readonly receivedAt: Date
  /** Epoch ms by which the ledger's writes must be done (the Lambda's end, less the answer's time). */
  readonly writeBy?: number
  /**
   * The request's id in the ledger. The HTTP function gives its own request id, the one its
   * answer and log lines carry, so an answer leads to its receipt. Default: a fresh one (a queue
   * message may carry several requests, and a hand-over keeps the HTTP request's id in
   * `requestedBy`).
   */
  readonly ledgerRequestId?: string
}

export async function recordRequest(
  observer: Observer,
  ledger: Ledger | undefined,
  settings: { readonly includeProjects: boolean; readonly retentionDays: number },
  report: RevokeReport,
  meta: RequestMeta,
): Promise<void> {
  // Chosen before the audit lines, which name it: they are written even when the ledger fails.
  const ledgerRequestId = meta.ledgerRequestId ?? randomUUID()
  recordReport(observer, report, meta.requestedBy, {
    ...(meta.claimedBy === undefined ? {} : { claimedBy: meta.claimedBy }),
    ...(ledger ? { ledgerRequestId } : {}),
  })
  if (!ledger) return
  try {
    await ledger.record(
      report,
      {
        requestId: ledgerRequestId,
        receivedAt: meta.receivedAt,
        settledAt: new Date(),
        requestedBy: meta.requestedBy,
        ...(meta.claimedBy === undefined ? {} : { claimedBy: meta.claimedBy }),
        includeProjects: settings.includeProjects,
        retentionDays: settings.retentionDays,
      },
      { deadline: meta.writeBy },
    )
  } catch (error) {
    // The request's line above named this id: say it was not written, so the trail stays true.
    observer.logger.error('ledger: request not recorded', {
      ledgerRequestId,
      requestedBy: meta.requestedBy,
      error: describeError(error),
    })
    throw error
  }
}
