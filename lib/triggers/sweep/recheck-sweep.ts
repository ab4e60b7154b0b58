/**
 * The re-check sweep: everyone offboarded in the last RECHECK_DAYS is looked for again, in the
 * scopes of the requests that offboarded them, and whatever is pending again is revoked. A find
 * is logged as `reappeared`, recorded in the ledger and counted (the `Reappeared` alarm).
 *
 * A run is bounded (SWEEP_BATCH leavers, and it stops starting checks when the invocation's time
 * runs short) and resumable: the ledger keeps where it stopped, the next run goes on from there,
 * and a pass that reaches the newest leaver starts over from the oldest. Atlas's rate limit is
 * the Atlas client's to keep (its pacing and retries), as for any other request.
 */

import type { Observer } from '../../audit/revocation-log.ts'
import { type FunctionConfig, projectsWithoutInvitationsApi } from '../../config/function-config.ts'
import { LedgerUnavailableError } from '../../ledger/ledger.ts'
import { type LeaverItem, leaverCursor, leaverScopes } from '../../ledger/ledger-items.ts'
import { rulesOf } from '../../outcome.ts'
import { revoke } from '../../revoke/revoke.ts'
import type { RevokeReport } from '../../revoke/revoke-report.ts'
import type { Container } from '../container.ts'
import { recordRequest } from '../record-request.ts'

/** Leavers checked at the same time. */
export const SWEEP_CONCURRENCY = 4
/** No check starts with less time than this left: a check under the rate limit takes a while. */
export const CHECK_TIME_MS = 20_000
/** A check's Atlas calls end this long before the invocation's deadline: its writes need it. */
const WRITES_MS = 5_000
const PAGE_SIZE = 50

export interface SweepSummary {
  readonly checked: number
  /** Invitations (or pending users) found pending again. */
  readonly reappeared: number
  /** Leavers whose re-check did not settle (they are checked again on the next pass). */
  readonly failed: number
  /** This run reached the newest leaver: the next one starts over from the oldest. */
  readonly passComplete: boolean
  /** Why the run stopped before the newest leaver, if it did. */
  readonly stoppedBy?: 'batch' | 'time'
}

/** Some leavers could not be re-checked: the run fails, for the `SweepFailed` alarm. */
export class SweepIncompleteError extends Error {
  override readonly name = 'SweepIncompleteError'
}

export async function runRecheckSweep(
  runtime: Container,
  observer: Observer,
  deadline: number,
  now = new Date(),
): Promise<SweepSummary> {
  const { ledger, config } = runtime
  if (!ledger) throw new LedgerUnavailableError('the sweep needs LEDGER_TABLE')
  const since = new Date(now.getTime() - config.recheckDays * 86_400_000).toISOString()
  const cursor = await ledger.sweepCursor()
  // A cursor older than the window points at a leaver no longer re-checked: start over.
  let after = cursor?.after && String(cursor.after.gsi2sk) >= since ? cursor.after : undefined
  const totals = { checked: 0, reappeared: 0, failed: 0 }
  let stoppedBy: SweepSummary['stoppedBy']
  let passComplete = false
  pages: while (true) {
    const room = config.sweepBatch - totals.checked
    if (room <= 0) {
      stoppedBy = 'batch'
      break
    }
    const page = await ledger.leaversSince(since, Math.min(PAGE_SIZE, room), after)
    for (let start = 0; start < page.leavers.length; start += SWEEP_CONCURRENCY) {
      if (deadline - Date.now() < CHECK_TIME_MS) {
        stoppedBy = 'time'
        break pages
      }
      const group = page.leavers.slice(start, start + SWEEP_CONCURRENCY)
      const results = await Promise.all(
        group.map((leaver) => recheck(leaver, runtime, observer, deadline - WRITES_MS)),
      )
      for (const result of results) {
        totals.checked += 1
        totals.reappeared += result.reappeared
        if (!result.settled) totals.failed += 1
      }
      after = leaverCursor(group[group.length - 1] as LeaverItem)
      // Kept after every group: a run cut short by a timeout loses one group at most.
      await ledger.saveSweepCursor({ after, updatedAt: new Date().toISOString() })
    }
    if (!page.next) {
      passComplete = true
      after = undefined
      break
    }
    after = page.next
  }
  await ledger.saveSweepCursor({
    ...(after ? { after } : {}),
    updatedAt: new Date().toISOString(),
  })
  const summary = { ...totals, passComplete, ...(stoppedBy ? { stoppedBy } : {}) }
  observer.metrics.emit('SweepChecked', 'Count', totals.checked)
  observer.metrics.emit('Reappeared', 'Count', totals.reappeared)
  observer.metrics.emit('SweepFailed', 'Count', totals.failed)
  observer.logger[totals.failed > 0 || totals.reappeared > 0 ? 'warn' : 'info']('sweep: run', {
    ...summary,
    since,
  })
  return summary
}

/** One leaver looked for again; what was pending again is revoked and recorded. */
async function recheck(
  leaver: LeaverItem,
  runtime: Container,
  observer: Observer,
  deadline: number,
): Promise<{ readonly reappeared: number; readonly settled: boolean }> {
  const receivedAt = new Date()
  const scopes = leaverScopes(leaver)
  const { orgIds } = scopes
  // Projects only while this deployment can still search them (after the invitations sunset,
  // users mode without the invitations API cannot): the leaver's scopes only ever widen.
  const includeProjects = scopes.includeProjects && projectsSearchable(runtime.config)
  if (scopes.includeProjects && !includeProjects)
    observer.logger.warn('sweep: projects no longer searchable for this leaver', {
      username: leaver.username,
    })
  let report: RevokeReport
  try {
    report = await revoke(
      { username: leaver.username, ...(orgIds ? { orgIds } : {}) },
      // Never removes a member, whatever REMOVE_ACTIVE_MEMBERS says: a membership after an
      // offboarding is a re-hire's or a race the offboarding itself covered (docs/ledger.md).
      { ...runtime.revokeSettings(), includeProjects, removeActiveMembers: false },
      deadline,
    )
  } catch (error) {
    // An organization no longer allowed, say: said loudly, and the run fails.
    observer.logger.error('sweep: re-check refused', {
      username: leaver.username,
      error: { name: (error as Error).name, message: (error as Error).message },
    })
    return { reappeared: 0, settled: false }
  }
  // A member now (re-hired, or accepted meanwhile) is not pending: reported, never a find.
  const members = report.revocations.filter((revocation) => revocation.outcome === 'active_member')
  const finds = report.revocations.length - members.length
  const settled =
    rulesOf(report.outcome).done ||
    (report.outcome === 'active_member' &&
      report.searched.every((search) => search.failure === undefined) &&
      report.revocations.every(
        (revocation) => revocation.outcome === 'active_member' || rulesOf(revocation.outcome).done,
      ))
  if (members.length > 0)
    observer.logger.info('sweep: leaver is an active member', {
      username: leaver.username,
      orgIds: members.map((member) => member.orgId),
    })
  if (finds > 0) {
    observer.logger.warn('reappeared', {
      audit: 'reappeared',
      username: leaver.username,
      offboardedAt: leaver.offboardedAt,
      offboardedBy: leaver.requestId,
      found: report.revocations
        .filter((revocation) => revocation.outcome !== 'active_member')
        .map((revocation) => ({
          orgId: revocation.orgId,
          groupId: revocation.groupId,
          invitationId: revocation.invitationId,
          userId: revocation.userId,
          outcome: revocation.outcome,
        })),
      outcome: report.outcome,
    })
  }
  // A quiet check is kept on the leaver's item; a find or a failure is a request of its own.
  if (finds > 0 || !settled)
    await recordRequest(
      observer,
      runtime.ledger,
      { includeProjects, retentionDays: runtime.config.ledgerRetentionDays },
      report,
      { requestedBy: { trigger: 'sweep', offboardedBy: leaver.requestId }, receivedAt },
    )
  await runtime.ledger?.recordCheck(leaver.username, {
    startedAt: receivedAt.toISOString(),
    scope: {
      ...(orgIds ? { orgIds } : {}),
      // What "every organization" was on this run: a receipt must not stretch it to more.
      searched: [
        ...new Set(
          report.searched
            .filter((search) => search.failure === undefined && search.groupId === undefined)
            .map((search) => search.orgId),
        ),
      ],
      includeProjects,
    },
    checkedAt: new Date().toISOString(),
    outcome: report.outcome,
    evidence: report.evidence?.kind,
    reappeared: finds,
  })
  return { reappeared: finds, settled }
}

function projectsSearchable(config: FunctionConfig): boolean {
  return (
    projectsWithoutInvitationsApi({
      atlasApi: config.atlasApi,
      includeProjects: true,
      searchInvitationsApi: config.searchInvitationsApi,
    }) === undefined
  )
}
