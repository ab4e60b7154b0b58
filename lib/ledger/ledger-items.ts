/**
 * What the ledger keeps, as DynamoDB items made from a revoke report. Pure. Only ids, usernames,
 * outcomes, evidence kinds, statuses and times are stored: no detail text, no secret.
 *
 * | item | pk / sk | GSI1 (by person) | GSI2 (by time) |
 * | --- | --- | --- | --- |
 * | one revoke request | `request#<id>` / `request` | `user#<email>` or `invitation#<org>#<id>`, received | `day#<date>`, received |
 * | an invitation or user we revoked | `revoked#<org>#<id>` / `revoked` | — | — |
 * | a person offboarded (the sweep's worklist) | `leaver#<email>` / `leaver` | — | `leavers`, offboarded |
 * | the sweep's cursor | `sweep` / `state` | — | — |
 */
import type { RequestedBy } from '../audit/revocation-log.ts'
import { type Evidence, type OutcomeKind, SETTLED_OUTCOMES } from '../outcome.ts'
import type { Revocation, RevokeReport } from '../revoke/revoke-report.ts'

export interface RecordedRequest {
  readonly pk: string
  readonly sk: 'request'
  readonly gsi1pk: string
  readonly gsi1sk: string
  readonly gsi2pk: string
  readonly gsi2sk: string
  readonly requestId: string
  readonly receivedAt: string
  readonly settledAt: string
  readonly trigger: RequestedBy['trigger']
  readonly requestedBy: RequestedBy
  /** What the message said of itself, as JSON text, cut to CLAIM_CHARACTERS: never believed. */
  readonly claimedBy?: string | undefined
  readonly request: {
    readonly orgId?: string | undefined
    readonly orgIds?: readonly string[] | undefined
    readonly invitationId?: string | undefined
    readonly username?: string | undefined
    readonly includeProjects?: boolean | undefined
  }
  readonly dryRun: boolean
  readonly outcome: OutcomeKind
  readonly evidence?: Evidence | undefined
  readonly searched: readonly {
    readonly orgId: string
    readonly groupId?: string | undefined
    readonly found?: number | undefined
    readonly outcome?: OutcomeKind | undefined
  }[]
  readonly revocations: readonly {
    readonly orgId: string
    readonly groupId?: string | undefined
    readonly invitationId?: string | undefined
    readonly userId?: string | undefined
    readonly username?: string | undefined
    readonly outcome: OutcomeKind
    readonly atlasStatus?: number | undefined
    readonly evidence?: Evidence | undefined
  }[]
  readonly expiresAt: number
}

export interface RevokedMarker {
  readonly pk: string
  readonly sk: 'revoked'
  readonly requestId: string
  readonly at: string
  readonly expiresAt: number
}

/**
 * A person offboarded: the sweep's worklist. Written by an update that only widens: the
 * organizations of every request for the person (`everywhere` once any request named none),
 * projects once any request included them.
 */
export interface LeaverUpdate {
  readonly key: { readonly pk: string; readonly sk: 'leaver' }
  readonly username: string
  /** When the last settled, non-dry-run request for the person settled (the sweep's excepted). */
  readonly offboardedAt: string
  readonly requestId: string
  /** The organizations the request named; absent: it searched everywhere allowed. */
  readonly orgIds?: readonly string[]
  readonly includeProjects: boolean
  readonly expiresAt: number
}

/** A leaver's item as the ledger holds it, with its last re-check. */
export interface LeaverItem {
  readonly pk: string
  readonly sk: 'leaver'
  readonly gsi2pk: 'leavers'
  readonly gsi2sk: string
  readonly username: string
  readonly offboardedAt: string
  readonly requestId: string
  readonly orgIds?: ReadonlySet<string> | readonly string[]
  readonly everywhere?: boolean
  readonly includeProjects?: boolean
  readonly expiresAt: number
  readonly lastCheckedAt?: string
  readonly lastCheckOutcome?: OutcomeKind
  /** The evidence kind behind that outcome (`all_parts`, ...), when it had one. */
  readonly lastCheckEvidence?: string
  /** When that check began: what it found holds from then, not from when it was written. */
  readonly lastCheckStartedAt?: string
  /** Where that check looked: the organizations it named (none: every allowed one), projects. */
  readonly lastCheckScope?: CheckScope
  readonly reappeared?: number
  readonly lastReappearedAt?: string
}

/** Where the sweep looks for a leaver again: every scope any request for the person named. */
export function leaverScopes(leaver: LeaverItem): {
  readonly orgIds?: readonly string[]
  readonly includeProjects: boolean
} {
  const named = [...(leaver.orgIds ?? [])].sort()
  return {
    ...(leaver.everywhere || named.length === 0 ? {} : { orgIds: named }),
    includeProjects: leaver.includeProjects === true,
  }
}

/** The key a query of the leavers resumes after, from the last leaver handled. */
export function leaverCursor(leaver: LeaverItem): Record<string, string> {
  return { pk: leaver.pk, sk: leaver.sk, gsi2pk: leaver.gsi2pk, gsi2sk: leaver.gsi2sk }
}

/** The key of a leaver's item. */
export function leaverKey(username: string): { pk: string; sk: 'leaver' } {
  return { pk: `leaver#${username}`, sk: 'leaver' }
}

/** Where the sweep's check of a leaver looked. */
export interface CheckScope {
  /** The organizations it was to search; none: every one the deployment searches. */
  readonly orgIds?: readonly string[]
  /** The organizations it did search whole (every one, when `orgIds` is absent, as it ran). */
  readonly searched?: readonly string[]
  readonly includeProjects: boolean
}

/** The re-check of one leaver, written by the sweep onto the leaver's item. */
export interface LeaverCheck {
  readonly startedAt: string
  readonly scope: CheckScope
  readonly checkedAt: string
  readonly outcome: OutcomeKind
  /** The kind of the outcome's evidence; none for an outcome that proves nothing. */
  readonly evidence?: string | undefined
  readonly reappeared: number
}

export interface RecordMeta {
  readonly requestId: string
  readonly receivedAt: Date
  readonly settledAt: Date
  readonly requestedBy: RequestedBy
  readonly claimedBy?: unknown
  readonly includeProjects: boolean
  readonly retentionDays: number
}

/** The items one revoke request leaves: its own, a marker per revocation, the leaver's. */
export function itemsOf(
  report: RevokeReport,
  meta: RecordMeta,
): { request: RecordedRequest; markers: RevokedMarker[]; leaver?: LeaverUpdate } {
  const receivedAt = meta.receivedAt.toISOString()
  const settledAt = meta.settledAt.toISOString()
  const expiresAt = Math.floor(meta.settledAt.getTime() / 1000) + meta.retentionDays * 86_400
  const { request } = report
  // Atlas may spell a username its own way: filed under the form requests use.
  const username =
    request.kind === 'username'
      ? request.username
      : report.revocations
          .find((revocation) => revocation.username)
          ?.username?.trim()
          .toLowerCase()
  const item: RecordedRequest = {
    pk: `request#${meta.requestId}`,
    sk: 'request',
    gsi1pk:
      username !== undefined
        ? `user#${username}`
        : `invitation#${request.kind === 'invitation' ? `${request.orgId}#${request.invitationId}` : ''}`,
    gsi1sk: receivedAt,
    gsi2pk: `day#${receivedAt.slice(0, 10)}`,
    gsi2sk: receivedAt,
    requestId: meta.requestId,
    receivedAt,
    settledAt,
    trigger: meta.requestedBy.trigger,
    requestedBy: withoutUndefined(meta.requestedBy),
    ...(meta.claimedBy === undefined ? {} : { claimedBy: claimText(meta.claimedBy) }),
    request: withoutUndefined({
      ...(request.kind === 'invitation'
        ? { orgId: request.orgId, invitationId: request.invitationId, username }
        : { orgIds: request.orgIds, username: request.username }),
      includeProjects: request.kind === 'username' ? meta.includeProjects : undefined,
    }),
    dryRun: request.dryRun,
    outcome: report.outcome,
    ...(report.evidence === undefined ? {} : { evidence: report.evidence }),
    searched: report.searched.map((search) =>
      withoutUndefined({
        orgId: search.orgId,
        groupId: search.groupId,
        found: search.found,
        outcome: search.failure?.outcome,
      }),
    ),
    revocations: report.revocations.map((revocation) =>
      withoutUndefined({
        orgId: revocation.orgId,
        groupId: revocation.groupId,
        invitationId: revocation.invitationId,
        userId: revocation.userId,
        username: revocation.username,
        outcome: revocation.outcome,
        atlasStatus: revocation.status,
        evidence: revocation.evidence,
      }),
    ),
    expiresAt,
  }
  const marker = (key: string): RevokedMarker => ({
    pk: `revoked#${key}`,
    sk: 'revoked',
    requestId: meta.requestId,
    at: settledAt,
    expiresAt,
  })
  const markers = request.dryRun
    ? []
    : report.revocations
        .filter(provesItWasThere)
        .flatMap((revocation) =>
          [revocation.invitationId, revocation.userId]
            .filter((id): id is string => id !== undefined)
            .map((id) => marker(`${revocation.orgId}#${id}`)),
        )
  const settled = SETTLED_OUTCOMES.has(report.outcome)
  // The sweep's own find re-checks an offboarding and is not one: the leaver keeps its time (its
  // place in the sweep's list, so a pass meets it once, and its RECHECK_DAYS) and its request.
  const offboarding = meta.requestedBy.trigger !== 'sweep'
  const leaver: LeaverUpdate | undefined =
    request.kind === 'username' && settled && !request.dryRun && offboarding
      ? {
          key: leaverKey(request.username),
          username: request.username,
          offboardedAt: settledAt,
          requestId: meta.requestId,
          ...(request.orgIds === undefined ? {} : { orgIds: request.orgIds }),
          includeProjects: meta.includeProjects,
          expiresAt,
        }
      : undefined
  return { request: item, markers, ...(leaver ? { leaver } : {}) }
}

/** A claim is any JSON a sender chose: kept as bounded text, so no claim can fail a write. */
export const CLAIM_CHARACTERS = 512

function claimText(claim: unknown): string {
  let text: string
  try {
    text = typeof claim === 'string' ? claim : (JSON.stringify(claim) ?? String(claim))
  } catch {
    text = String(claim)
  }
  return text.length > CLAIM_CHARACTERS ? `${text.slice(0, CLAIM_CHARACTERS - 1)}…` : text
}

/** The key of an invitation's (or user's) revoked marker. */
export function revokedKey(orgId: string, id: string): { pk: string; sk: 'revoked' } {
  return { pk: `revoked#${orgId}#${id}`, sk: 'revoked' }
}

/** DynamoDB's document client refuses `undefined` values unless told otherwise: leave them out. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T
}

/**
 * Whether a part shows its ids were pending in its organization, so that a later 404 for one of
 * them by id may settle `already_gone` (its marker): we revoked it, or this request saw it
 * pending and it was gone by the end (in users mode an invitation goes with its pending user,
 * whose removal answered for both).
 */
function provesItWasThere(revocation: Revocation): boolean {
  if (revocation.outcome === 'revoked') return true
  const { evidence } = revocation
  return (
    revocation.outcome === 'already_gone' &&
    evidence?.kind === 'absent' &&
    evidence.was === 'seen_pending'
  )
}
