/**
 * Receipts for auditors, from the ledger's items. Pure. One receipt per person offboarded (or
 * per invitation revoked by id when no username is known): when it was asked and by whom, when
 * it settled, what was revoked with which evidence, and what the re-check sweep found since.
 */

import type { RequestedBy } from '../lib/audit/revocation-log.ts'
import type { CheckScope, LeaverItem, RecordedRequest } from '../lib/ledger/ledger-items.ts'
import { type OutcomeKind, SETTLED_OUTCOMES } from '../lib/outcome.ts'

export interface Receipt {
  /** The person's username, or `<orgId>/<invitationId>` for an id whose invitee is unknown. */
  readonly person: string
  /** When the first request about the person in the period arrived, and who sent it. */
  readonly askedAt: string
  readonly askedBy: string
  /** When a request first proved nothing left pending (`revoked` or `already_gone`); null: none did. */
  readonly settledAt: string | null
  /**
   * Where the person stands, with `evidence`, the kind of that outcome's evidence (`all_parts`,
   * `removed`, `absent`, ...; null for one that proves nothing), both from one source: the latest
   * request that did not settle and that nothing settled since covered (a settled request received
   * after it had settled, or a quiet re-check begun after then, looking everywhere it asked to
   * look); with none such, the request that first settled the person, or the re-check that
   * answered the last request. A settled outcome counts only with its evidence. Dry runs count
   * only when nothing else was asked.
   */
  readonly outcome: OutcomeKind
  readonly evidence: string | null
  /**
   * Organizations (and `org/project`) searched by the request `outcome` comes from, or where the
   * sweep's check looked (`*`: every organization the deployment searches).
   */
  readonly searched: readonly string[]
  /** Every invitation or user revoked, or found gone, by requests that were not dry runs. */
  readonly revoked: readonly RevokedEntry[]
  readonly recheck: Recheck
  /** Every request was a dry run: nothing was revoked, only reported. */
  readonly dryRun: boolean
  readonly requestIds: readonly string[]
}

export interface RevokedEntry {
  /** `<orgId>[/<groupId>]/<invitationId or userId>`. */
  readonly target: string
  readonly outcome: OutcomeKind
  readonly evidence: string | null
  readonly atlasStatus: number | null
  readonly at: string
  readonly requestId: string
  /** The trigger of the request that did it (`sweep`: found again by the re-check). */
  readonly via: RequestedBy['trigger']
}

export interface Recheck {
  /**
   * `checked`: the sweep looked again; `awaiting`: it has not yet; `not_settled`: no request
   * settled, so there is nothing to keep true; `by_id`: only an invitation id was named (the
   * sweep re-checks people); `none`: the ledger no longer holds the person (past RECHECK_DAYS
   * or retention).
   */
  readonly status: 'checked' | 'awaiting' | 'not_settled' | 'by_id' | 'none'
  readonly lastCheckedAt: string | null
  readonly lastOutcome: OutcomeKind | null
  /** Invitations found pending again and revoked by the sweep. */
  readonly reappeared: number
}

/** Receipts for the requests given, oldest first; `leavers` holds the people's sweep items. */
export function receiptsOf(
  requests: readonly RecordedRequest[],
  leavers: ReadonlyMap<string, LeaverItem>,
): Receipt[] {
  const byPerson = new Map<string, RecordedRequest[]>()
  for (const request of requests) {
    const person = personOf(request)
    byPerson.set(person, [...(byPerson.get(person) ?? []), request])
  }
  return [...byPerson.entries()]
    .map(([person, asked]) => receiptOf(person, asked, leavers.get(person)))
    .sort((a, b) => a.askedAt.localeCompare(b.askedAt) || a.person.localeCompare(b.person))
}

/** The usernames among the requests: whose sweep items a receipt shows. */
export function peopleOf(requests: readonly RecordedRequest[]): string[] {
  return [
    ...new Set(
      requests.map((request) => request.request.username).filter((name) => name !== undefined),
    ),
  ]
}

function personOf(request: RecordedRequest): string {
  const { username, orgId, invitationId } = request.request
  return username ?? `${orgId}/${invitationId}`
}

function receiptOf(
  person: string,
  asked: readonly RecordedRequest[],
  leaver: LeaverItem | undefined,
): Receipt {
  // In the order they came; equal times in a fixed order, whatever order the ledger gave.
  const inOrder = [...asked].sort(
    (a, b) =>
      a.receivedAt.localeCompare(b.receivedAt) ||
      a.settledAt.localeCompare(b.settledAt) ||
      a.requestId.localeCompare(b.requestId),
  )
  const real = inOrder.filter((request) => !request.dryRun)
  const counted = real.length > 0 ? real : inOrder
  const first = inOrder[0] as RecordedRequest
  const settling = real.find(proves)
  const { source, ...stands } = standing(counted, real, settling, leaver)
  return {
    person,
    askedAt: first.receivedAt,
    askedBy: requesterOf(first.requestedBy),
    settledAt: settling?.settledAt ?? null,
    ...stands,
    // What the source of the outcome searched: a request's searches, or where the check looked.
    searched:
      source.kind === 'request'
        ? source.request.searched.map((scope) =>
            scope.groupId === undefined ? scope.orgId : `${scope.orgId}/${scope.groupId}`,
          )
        : [...(source.scope.searched ?? source.scope.orgIds ?? ['*'])],
    revoked: real.flatMap((request) =>
      request.revocations
        .filter((revocation) => SETTLED_OUTCOMES.has(revocation.outcome))
        .map((revocation) => ({
          target: [
            revocation.orgId,
            revocation.groupId,
            revocation.invitationId ?? revocation.userId,
          ]
            .filter((part) => part !== undefined)
            .join('/'),
          outcome: revocation.outcome,
          evidence: revocation.evidence?.kind ?? null,
          atlasStatus: revocation.atlasStatus ?? null,
          at: request.settledAt,
          requestId: request.requestId,
          via: request.trigger,
        })),
    ),
    recheck: recheckOf(first, settling, leaver),
    dryRun: real.length === 0,
    requestIds: inOrder.map((request) => request.requestId),
  }
}

/**
 * Where the person stands and its evidence kind, never one source's outcome with another's
 * evidence. A request that did not settle stays open until a settled request received after it
 * had settled, or a quiet re-check begun after then, covered everything it asked for; the latest
 * open one is where the person stands. With none open: the request that first settled the
 * person, or the re-check that answered the last request.
 */
function standing(
  counted: readonly RecordedRequest[],
  real: readonly RecordedRequest[],
  settling: RecordedRequest | undefined,
  leaver: LeaverItem | undefined,
): {
  readonly outcome: OutcomeKind
  readonly evidence: string | null
  readonly source:
    | { readonly kind: 'request'; readonly request: RecordedRequest }
    | { readonly kind: 'check'; readonly scope: Scope }
} {
  const last = counted[counted.length - 1] as RecordedRequest
  // Dry runs only: the last one's report, which settles nothing.
  if (real.length === 0) return standingOf(last)
  const check = settledCheck(leaver)
  const checkAnswers = (request: RecordedRequest) =>
    check !== undefined &&
    check.startedAt >= request.settledAt &&
    covers(check.scope, scopeOf(request))
  const answered = (request: RecordedRequest) =>
    proves(request) ||
    checkAnswers(request) ||
    real.some(
      (later) =>
        proves(later) &&
        later.receivedAt >= request.settledAt &&
        covers(scopeOf(later), scopeOf(request)),
    )
  const open = real.findLast((request) => !answered(request))
  if (open) return standingOf(open)
  if (check && !proves(last) && checkAnswers(last))
    return {
      outcome: check.outcome,
      evidence: check.evidence,
      source: { kind: 'check', scope: check.scope },
    }
  return standingOf(settling ?? last)
}

/** A settled outcome with the evidence it rests on: only such a request proves anything. */
const proves = (request: RecordedRequest) =>
  SETTLED_OUTCOMES.has(request.outcome) && request.evidence !== undefined

const standingOf = (request: RecordedRequest) => ({
  outcome: request.outcome,
  evidence: request.evidence?.kind ?? null,
  source: { kind: 'request' as const, request },
})

/** Where a request looked, as the sweep's check records it, or one invitation (a request by id). */
interface Scope extends CheckScope {
  readonly invitationId?: string
}

function scopeOf(request: RecordedRequest): Scope {
  const { orgId, orgIds, invitationId, includeProjects } = request.request
  if (invitationId !== undefined)
    return { orgIds: orgId ? [orgId] : [], includeProjects: false, invitationId }
  const searched = request.searched
    .filter((search) => search.outcome === undefined && search.groupId === undefined)
    .map((search) => search.orgId)
  return { ...(orgIds ? { orgIds } : {}), searched, includeProjects: includeProjects === true }
}

/** Whether a settled answer for `by` says nothing is left of what `asked` asked for. */
function covers(by: Scope, asked: Scope): boolean {
  if (by.invitationId !== undefined)
    return (
      by.invitationId === asked.invitationId &&
      by.orgIds?.[0] !== undefined &&
      by.orgIds[0] === asked.orgIds?.[0]
    )
  // Every organization asked for is covered only by every organization; named ones must each
  // have been searched whole (what "every organization" was when that ran, if it named none).
  const within = by.searched ?? by.orgIds
  const organizations =
    asked.orgIds === undefined
      ? by.orgIds === undefined
      : asked.orgIds.length > 0 &&
        (within === undefined || asked.orgIds.every((orgId) => within.includes(orgId)))
  return organizations && (!asked.includeProjects || by.includeProjects)
}

/**
 * The sweep's last check of the person, when it settled on evidence: when it began, where it
 * looked (both kept by the check itself) and what it found. A check recorded without them (an
 * older item) answers nothing.
 */
function settledCheck(leaver: LeaverItem | undefined) {
  if (
    leaver?.lastCheckOutcome === undefined ||
    !SETTLED_OUTCOMES.has(leaver.lastCheckOutcome) ||
    leaver.lastCheckEvidence === undefined ||
    leaver.lastCheckStartedAt === undefined ||
    leaver.lastCheckScope === undefined
  )
    return undefined
  return {
    startedAt: leaver.lastCheckStartedAt,
    outcome: leaver.lastCheckOutcome,
    evidence: leaver.lastCheckEvidence,
    scope: leaver.lastCheckScope,
  }
}

function recheckOf(
  first: RecordedRequest,
  settling: RecordedRequest | undefined,
  leaver: LeaverItem | undefined,
): Recheck {
  const blank = { lastCheckedAt: null, lastOutcome: null, reappeared: leaver?.reappeared ?? 0 }
  if (first.request.username === undefined) return { status: 'by_id', ...blank }
  if (!settling && !leaver) return { status: 'not_settled', ...blank }
  if (!leaver) return { status: 'none', ...blank }
  if (!leaver.lastCheckedAt) return { status: 'awaiting', ...blank }
  return {
    status: 'checked',
    lastCheckedAt: leaver.lastCheckedAt,
    lastOutcome: leaver.lastCheckOutcome ?? null,
    reappeared: leaver.reappeared ?? 0,
  }
}

/**
 * Who asked, in one phrase: the trigger and the platform's own ids for the request, as in
 * `webhook msg_2x…` or `okta event 7925… (queue message c358…, handed over by AROA…)`.
 */
export function requesterOf(by: RequestedBy): string {
  const own = [
    by.webhookId,
    by.oktaEventId && `event ${by.oktaEventId}`,
    by.iamCaller,
    by.cliUser && `user ${by.cliUser}`,
    by.offboardedBy && `re-check of request ${by.offboardedBy}`,
  ].filter(Boolean)
  const viaQueue = by.trigger === 'queue'
  const message =
    by.messageId && (viaQueue ? `message ${by.messageId}` : `queue message ${by.messageId}`)
  const carried = [
    viaQueue ? undefined : message,
    by.senderId && `sent by ${by.senderId}`,
    by.handedOverBy && `handed over by ${by.handedOverBy}`,
  ].filter(Boolean)
  const head = [by.trigger, ...(viaQueue ? [message] : []), ...own].filter(Boolean).join(' ')
  return carried.length > 0 ? `${head} (${carried.join(', ')})` : head
}

export const CSV_COLUMNS = [
  'person',
  'asked_at',
  'asked_by',
  'settled_at',
  'outcome',
  'evidence',
  'searched',
  'revoked',
  'recheck',
  'last_checked_at',
  'reappeared',
  'dry_run',
  'request_ids',
] as const

/** RFC 4180 CSV with a header row; a cell a spreadsheet would run as a formula is defused. */
export function receiptsCsv(receipts: readonly Receipt[]): string {
  const rows = receipts.map((receipt) => [
    receipt.person,
    receipt.askedAt,
    receipt.askedBy,
    receipt.settledAt ?? '',
    receipt.outcome,
    receipt.evidence ?? '',
    receipt.searched.join(' '),
    receipt.revoked
      .map(
        (entry) =>
          `${entry.target} ${entry.outcome} by ${entry.via} (${[entry.evidence, entry.atlasStatus].filter((part) => part !== null).join(' ')})`,
      )
      .join('; '),
    receipt.recheck.status,
    receipt.recheck.lastCheckedAt ?? '',
    String(receipt.recheck.reappeared),
    String(receipt.dryRun),
    receipt.requestIds.join(' '),
  ])
  return [CSV_COLUMNS, ...rows]
    .map((row) => row.map(csvCell).join(','))
    .join('\r\n')
    .concat('\r\n')
}

function csvCell(value: string): string {
  const defused = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(defused) ? `"${defused.replaceAll('"', '""')}"` : defused
}
