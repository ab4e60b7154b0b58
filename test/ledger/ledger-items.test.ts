/** What the ledger keeps of a revoke report: pure, and only ids, usernames, outcomes and times. */

import { describe, expect, it } from 'vitest'
import { normalizeUsername } from '../../lib/atlas/api/username.ts'
import {
  itemsOf,
  type LeaverItem,
  leaverCursor,
  leaverScopes,
  type RecordMeta,
} from '../../lib/ledger/ledger-items.ts'
import type { Revocation } from '../../lib/revoke/revoke-report.ts'
import { revokeReport } from '../support/revoke-reports.ts'

/** A report's part, as the ledger reads it (its evidence is not what is tested here). */
const part = (fields: Record<string, unknown>) => fields as unknown as Revocation

const ORG = 'a0123456789abcdef012345a'
const OTHER = 'd0123456789abcdef012345d'
const meta: RecordMeta = {
  requestId: 'req-1',
  receivedAt: new Date('2026-12-06T10:00:00.000Z'),
  settledAt: new Date('2026-12-06T10:00:01.000Z'),
  requestedBy: { trigger: 'webhook', webhookId: 'msg_1' },
  includeProjects: true,
  retentionDays: 400,
}

const revoked = { orgId: ORG, invitationId: 'inv-1', outcome: 'revoked' as const, status: 204 }

describe('itemsOf', () => {
  it('a member removed (REMOVE_ACTIVE_MEMBERS): the removal recorded with its evidence, the person a leaver, no revoked marker', () => {
    const report = revokeReport({
      outcome: 'removed_member',
      request: {
        kind: 'username',
        username: normalizeUsername('member@example.com'),
        dryRun: false,
      },
      searched: [{ orgId: ORG, found: 1 }],
      revocations: [
        part({
          orgId: ORG,
          userId: 'user-9',
          username: 'member@example.com',
          outcome: 'removed_member',
          status: 204,
          evidence: { kind: 'member_removed', by: 'removal', status: 204, relisted: false },
          detail: 'removed member …',
        }),
      ],
    })
    const { request, markers, leaver } = itemsOf(report, meta)
    expect(request).toMatchObject({
      outcome: 'removed_member',
      revocations: [
        {
          orgId: ORG,
          userId: 'user-9',
          username: 'member@example.com',
          outcome: 'removed_member',
          atlasStatus: 204,
          evidence: { kind: 'member_removed', by: 'removal', status: 204, relisted: false },
        },
      ],
    })
    expect(JSON.stringify(request)).not.toContain('removed member …')
    // Markers answer a later request by id, which never concerns a member.
    expect(markers).toEqual([])
    expect(leaver).toMatchObject({ username: 'member@example.com', requestId: 'req-1' })
  })

  it('a person offboarded: the request, a marker per revoked id, the leaver to re-check', () => {
    const report = revokeReport({
      request: {
        kind: 'username',
        username: normalizeUsername('x@example.com'),
        orgIds: [ORG],
        dryRun: false,
      },
      searched: [{ orgId: ORG, found: 1 }],
      revocations: [
        part({ ...revoked, userId: 'user-1', detail: 'Atlas said 204', atlasDetail: 'secret-ish' }),
        part({ orgId: ORG, invitationId: 'inv-2', outcome: 'already_gone', status: 404 }),
      ],
    })
    const { request, markers, leaver } = itemsOf(report, meta)
    expect(request).toMatchObject({
      pk: 'request#req-1',
      gsi1pk: 'user#x@example.com',
      gsi1sk: '2026-12-06T10:00:00.000Z',
      gsi2pk: 'day#2026-12-06',
      receivedAt: '2026-12-06T10:00:00.000Z',
      settledAt: '2026-12-06T10:00:01.000Z',
      trigger: 'webhook',
      request: { orgIds: [ORG], username: 'x@example.com', includeProjects: true },
      revocations: [
        {
          orgId: ORG,
          invitationId: 'inv-1',
          userId: 'user-1',
          outcome: 'revoked',
          atlasStatus: 204,
        },
        { orgId: ORG, invitationId: 'inv-2', outcome: 'already_gone', atlasStatus: 404 },
      ],
      expiresAt: Date.parse('2026-12-06T10:00:01.000Z') / 1000 + 400 * 86_400,
    })
    expect(JSON.stringify(request)).not.toMatch(/detail|secret-ish/)
    expect(markers.map((marker) => marker.pk)).toEqual([
      `revoked#${ORG}#inv-1`,
      `revoked#${ORG}#user-1`,
    ])
    expect(leaver).toEqual({
      key: { pk: 'leaver#x@example.com', sk: 'leaver' },
      username: 'x@example.com',
      offboardedAt: '2026-12-06T10:00:01.000Z',
      requestId: 'req-1',
      orgIds: [ORG],
      includeProjects: true,
      expiresAt: request.expiresAt,
    })
  })

  it('marks what this request saw pending and found gone, not what was merely absent', () => {
    const gone = (invitationId: string, evidence: Record<string, unknown>) =>
      part({ orgId: ORG, invitationId, outcome: 'already_gone', status: 404, evidence })
    const report = revokeReport({
      request: { kind: 'username', username: normalizeUsername('x@example.com'), dryRun: false },
      outcome: 'revoked',
      revocations: [
        part({ ...revoked, userId: 'user-1' }),
        // Went with its pending user: seen pending by this request, gone by its end.
        gone('inv-2', { kind: 'absent', by: 'named_404', was: 'seen_pending' }),
        // Revoked by an earlier request: that one's marker stands.
        gone('inv-3', { kind: 'absent', by: 'named_404', was: 'revoked_before' }),
        gone('inv-4', { kind: 'absent', by: 'unlisted' }),
      ],
    })
    expect(itemsOf(report, meta).markers.map((marker) => marker.pk)).toEqual([
      `revoked#${ORG}#inv-1`,
      `revoked#${ORG}#user-1`,
      `revoked#${ORG}#inv-2`,
    ])
  })

  it('a search everywhere leaves a leaver without organizations: looked for everywhere again', () => {
    const report = revokeReport({
      request: { kind: 'username', username: normalizeUsername('x@example.com'), dryRun: false },
      outcome: 'already_gone',
    })
    expect(itemsOf(report, meta).leaver).not.toHaveProperty('orgIds')
  })

  it('a dry run, a failure or an id: recorded, but no marker and no leaver', () => {
    const dry = revokeReport({
      request: { kind: 'username', username: normalizeUsername('x@example.com'), dryRun: true },
      outcome: 'would_revoke',
      revocations: [part({ ...revoked, outcome: 'would_revoke' })],
    })
    expect(itemsOf(dry, meta)).toMatchObject({ markers: [], request: { dryRun: true } })
    expect(itemsOf(dry, meta).leaver).toBeUndefined()
    const failed = revokeReport({
      request: { kind: 'username', username: normalizeUsername('x@example.com'), dryRun: false },
      outcome: 'forbidden',
      revocations: [
        part(revoked),
        part({ ...revoked, invitationId: 'inv-2', outcome: 'forbidden' }),
      ],
    })
    // What was revoked is marked even when the rest failed; the person is not yet offboarded.
    expect(itemsOf(failed, meta).markers).toHaveLength(1)
    expect(itemsOf(failed, meta).leaver).toBeUndefined()
    const byId = revokeReport({
      request: { kind: 'invitation', orgId: ORG, invitationId: 'inv-1', dryRun: false },
      revocations: [part({ ...revoked, username: 'x@example.com' })],
    })
    const items = itemsOf(byId, meta)
    expect(items.leaver).toBeUndefined()
    // The invitee, once known, files the request under the person.
    expect(items.request.gsi1pk).toBe('user#x@example.com')
    expect(
      itemsOf(revokeReport({ ...byId, revocations: [part(revoked)] }), meta).request.gsi1pk,
    ).toBe(`invitation#${ORG}#inv-1`)
  })

  it("the sweep's own find: recorded and marked, but the leaver keeps its offboarding", () => {
    const found = revokeReport({
      request: {
        kind: 'username',
        username: normalizeUsername('x@example.com'),
        orgIds: [ORG],
        dryRun: false,
      },
      searched: [{ orgId: ORG, found: 1 }],
      revocations: [part(revoked)],
    })
    const items = itemsOf(found, {
      ...meta,
      requestedBy: { trigger: 'sweep', offboardedBy: 'req-0' },
    })
    expect(items.request).toMatchObject({ trigger: 'sweep', outcome: 'revoked' })
    expect(items.markers).toHaveLength(1)
    // A new offboarding time would move the person to the end of the sweep's list (met again in
    // the same pass), stretch RECHECK_DAYS and name the sweep as the offboarding.
    expect(items.leaver).toBeUndefined()
  })
})

describe('leaverScopes', () => {
  const item = (fields: Partial<LeaverItem>): LeaverItem => ({
    pk: 'leaver#x@example.com',
    sk: 'leaver',
    gsi2pk: 'leavers',
    gsi2sk: '2026-12-06T10:00:01.000Z',
    username: 'x@example.com',
    offboardedAt: '2026-12-06T10:00:01.000Z',
    requestId: 'req-1',
    expiresAt: 0,
    ...fields,
  })

  it('every organization any offboarding named, sorted; everywhere once any named none', () => {
    expect(leaverScopes(item({ orgIds: new Set([OTHER, ORG]) }))).toEqual({
      orgIds: [ORG, OTHER],
      includeProjects: false,
    })
    expect(
      leaverScopes(item({ orgIds: new Set([ORG]), everywhere: true, includeProjects: true })),
    ).toEqual({ includeProjects: true })
    expect(leaverScopes(item({}))).toEqual({ includeProjects: false })
  })

  it('the cursor after a leaver is its key in the time index', () => {
    expect(leaverCursor(item({}))).toEqual({
      pk: 'leaver#x@example.com',
      sk: 'leaver',
      gsi2pk: 'leavers',
      gsi2sk: '2026-12-06T10:00:01.000Z',
    })
  })
})
