/**
 * What the HTTP function answers: the JSON bodies, with the status the outcome table gives.
 * Webhook senders retry on anything but 2xx, so `already_gone` is a 200 like `revoked`.
 */
import { OUTCOME_TABLE, type OutcomeKind } from '../../outcome.ts'
import type { RevokeReport } from '../../revoke/revoke-report.ts'

export interface HttpResult {
  readonly statusCode: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** Outcome → our HTTP status, from the outcome table. */
export const HTTP_STATUS_OF_OUTCOME = Object.fromEntries(
  Object.entries(OUTCOME_TABLE).map(([outcome, rules]) => [outcome, rules.httpStatus]),
) as Readonly<Record<OutcomeKind, number>>

/** Seconds a 503 asks the caller to wait when Atlas gave no `Retry-After`. */
export const DEFAULT_RETRY_AFTER_SECONDS = 30

export function json(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  }
}

/** A refusal of ours (bad input, signature, size, route): `{"error","message","requestId"}`. */
export function refusal(
  statusCode: number,
  error: string,
  message: string,
  requestId: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): HttpResult {
  return json(statusCode, { error, message, ...extra, requestId }, headers)
}

/**
 * The answer to a revoke request: its outcome, what it was about, every invitation it found
 * (and, for a person, every organization and project searched), and on failure what Atlas
 * refused with and our explanation (never Atlas's own text, which may name our egress IP).
 */
export function reportResponse(report: RevokeReport, requestId: string): HttpResult {
  const statusCode = HTTP_STATUS_OF_OUTCOME[report.outcome]
  const { request } = report
  const target =
    request.kind === 'invitation'
      ? { orgId: request.orgId, invitationId: request.invitationId, ...userIds(report) }
      : {
          ...(request.orgIds?.length === 1 ? { orgId: request.orgIds[0] } : {}),
          username: request.username,
          searched: report.searched.map(searchRecord),
          invitations: report.revocations.map(revocationTarget),
        }
  const body = {
    outcome: report.outcome,
    ...target,
    ...(request.dryRun ? { dryRun: true } : {}),
    ...(statusCode === 502 && report.errorCode !== undefined
      ? { errorCode: report.errorCode }
      : {}),
    ...(statusCode !== 200 && report.detail !== undefined ? { detail: report.detail } : {}),
    ...(report.evidence === undefined ? {} : { evidence: report.evidence }),
    requestId,
  }
  const retryAfter =
    statusCode === 503
      ? { 'retry-after': String(report.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS) }
      : {}
  return json(statusCode, body, retryAfter)
}

function searchRecord(search: RevokeReport['searched'][number]) {
  return {
    orgId: search.orgId,
    ...(search.groupId === undefined ? {} : { groupId: search.groupId }),
    ...(search.failure === undefined
      ? { found: search.found ?? 0 }
      : { outcome: search.failure.outcome }),
  }
}

/** One revocation as callers see it: where, the invitation or (users mode) user, its outcome. */
function revocationTarget(revocation: RevokeReport['revocations'][number]) {
  return {
    orgId: revocation.orgId,
    ...(revocation.groupId === undefined ? {} : { groupId: revocation.groupId }),
    ...(revocation.invitationId === undefined ? {} : { invitationId: revocation.invitationId }),
    ...(revocation.userId === undefined ? {} : { userId: revocation.userId }),
    outcome: revocation.outcome,
    ...(revocation.evidence === undefined ? {} : { evidence: revocation.evidence }),
  }
}

/** Users mode, by invitation id: the pending user(s) the invitation resolved to. */
function userIds(report: RevokeReport): { userId?: string } {
  const [first] = report.revocations
  return first?.userId === undefined ? {} : { userId: first.userId }
}

/** Answers worth giving again to a repeat: done (200), not found (404), queued (202). */
export function keptAnswer(answer: HttpResult): boolean {
  return answer.statusCode === 200 || answer.statusCode === 202 || answer.statusCode === 404
}
