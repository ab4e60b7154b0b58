/**
 * The audit trail: one log line per revocation or member removal (who asked, what, outcome,
 * Atlas status, evidence, when), plus one line per request summing it up (searches, attempts,
 * duration). Levels come from the
 * outcome table. Find everything done for one person with CloudWatch Logs Insights:
 * `filter username = "leaver@example.com"` (docs/operate.md, "Audit trail").
 */
import type { Logger } from '@aws-lambda-powertools/logger'
import type { DeprecationNotice } from '../atlas/http/index.ts'
import { OUTCOME_TABLE, type OutcomeKind } from '../outcome.ts'
import type { RevokeReport } from '../revoke/revoke-report.ts'
import { countDeprecation, countRevocation, type MetricSink } from './revocation-metrics.ts'

/** Where a revocation is recorded: the log (the audit trail) and the metrics. */
export interface Observer {
  readonly logger: Logger
  readonly metrics: MetricSink
}

/** What the request's lines carry beside who asked. */
export interface ReportContext {
  /** Who the message itself says asked (a queue body's `requestedBy`): beside the requester, never as it. */
  readonly claimedBy?: unknown
  /** The request's id in the ledger: what receipts list, what a later `revoked_before` names. */
  readonly ledgerRequestId?: string | undefined
}

/** The audit lines and the metrics of one revoke request. */
export function recordReport(
  observer: Observer,
  report: RevokeReport,
  requestedBy: RequestedBy,
  context: ReportContext = {},
): void {
  logReport(observer.logger, report, requestedBy, context)
  countRevocation(observer.metrics, report, requestedBy.trigger)
}

/** Who asked, as the platform says: the trigger and its own ids for the request. */
export interface RequestedBy {
  readonly trigger: 'webhook' | 'iam' | 'okta' | 'queue' | 'cli' | 'sweep'
  readonly webhookId?: string | undefined
  readonly oktaEventId?: string | undefined
  readonly iamCaller?: string | undefined
  readonly messageId?: string | undefined
  /** SQS's `SenderId`: the principal that put the message on the queue. */
  readonly senderId?: string | undefined
  /** A hand-over: the `SenderId` of our HTTP function, which passed the original requester on. */
  readonly handedOverBy?: string | undefined
  readonly requestId?: string | undefined
  readonly cliUser?: string | undefined
  /** The sweep: the request that offboarded the person it looked for again. */
  readonly offboardedBy?: string | undefined
}

export function logReport(
  logger: Logger,
  report: RevokeReport,
  requestedBy: RequestedBy,
  { claimedBy, ledgerRequestId }: ReportContext = {},
): void {
  const { request } = report
  const at = new Date().toISOString()
  const asked = request.kind === 'invitation' ? undefined : request.username
  for (const revocation of report.revocations) {
    logger[OUTCOME_TABLE[revocation.outcome].logLevel]('audit: revocation', {
      audit: 'revocation',
      at,
      requestedBy,
      ...(claimedBy === undefined ? {} : { claimedBy }),
      orgId: revocation.orgId,
      groupId: revocation.groupId,
      invitationId: revocation.invitationId,
      userId: revocation.userId,
      username: revocation.username ?? asked,
      outcome: revocation.outcome,
      atlasStatus: revocation.status,
      errorCode: revocation.errorCode,
      detail: revocation.detail,
      atlasDetail: revocation.atlasDetail,
      evidence: revocation.evidence,
      dryRun: request.dryRun,
    })
  }
  const { logLevel } = OUTCOME_TABLE[report.outcome]
  logger[logLevel](SUMMARY_LINE[report.outcome] ?? 'revocation not settled', {
    audit: 'request',
    at,
    requestedBy,
    ...(claimedBy === undefined ? {} : { claimedBy }),
    ...(ledgerRequestId === undefined ? {} : { ledgerRequestId }),
    ...(request.kind === 'invitation'
      ? { orgId: request.orgId, invitationId: request.invitationId }
      : { username: request.username, orgIds: request.orgIds }),
    dryRun: request.dryRun,
    outcome: report.outcome,
    atlasStatus: report.status,
    errorCode: report.errorCode,
    detail: report.detail,
    atlasDetail: report.atlasDetail,
    evidence: report.evidence,
    attempts: report.attempts,
    durationMs: report.durationMs,
    revocations: report.revocations.length,
    searched: report.searched.map((search) => ({
      orgId: search.orgId,
      groupId: search.groupId,
      found: search.found,
      outcome: search.failure?.outcome,
    })),
    // What Atlas left open without failing anything, e.g. a list count that was off.
    ...(report.notes.length > 0 ? { atlasNotes: report.notes } : {}),
  })
}

/** The summary line's message for the outcomes that end a request without a failure. */
const SUMMARY_LINE: Partial<Record<OutcomeKind, string>> = {
  revoked: 'revocation settled',
  already_gone: 'revocation settled',
  removed_member: 'revocation settled: an active member removed',
  would_revoke: 'dry run settled: nothing revoked',
  would_remove: 'dry run settled: nothing revoked, no member removed',
  active_member: 'revocation final: an active member, not removed',
  not_found: 'not found: the invitation id is not pending in that organization; nothing revoked',
}

/** Atlas's deprecation dates for the API in use, logged and counted (once per cold start). */
export function warnDeprecation(observer: Observer): (notice: DeprecationNotice) => void {
  return (notice) => {
    observer.logger.warn('Atlas marks the API in use as deprecated; see docs/migrating.md', {
      atlasPath: notice.path,
      deprecation: notice.deprecation,
      sunset: notice.sunset,
    })
    countDeprecation(observer.metrics)
  }
}
