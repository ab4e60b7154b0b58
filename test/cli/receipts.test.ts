/** The receipts, pure: one per person, from the ledger's request items and sweep items. */
import { describe, expect, it } from 'vitest'
import { CSV_COLUMNS, receiptsCsv, receiptsOf, requesterOf } from '../../cli/receipts.ts'
import { parseReceiptsArguments } from '../../cli/receipts-command.ts'
import { UsageError } from '../../cli/revoke-arguments.ts'
import type { LeaverItem, RecordedRequest } from '../../lib/ledger/ledger-items.ts'

const ORG = 'a0123456789abcdef012345a'
const INVITATION = '6a793f8ec0eb9e7a17716c2d'

function request(fields: Partial<RecordedRequest> & { at: string }): RecordedRequest {
  const { at, ...rest } = fields
  return {
    pk: `request#${at}`,
    sk: 'request',
    gsi1pk: 'user#leaver@example.com',
    gsi1sk: at,
    gsi2pk: `day#${at.slice(0, 10)}`,
    gsi2sk: at,
    requestId: `req-${at}`,
    receivedAt: at,
    settledAt: at.replace(/\.\d+Z$/, '.900Z'),
    trigger: 'webhook',
    requestedBy: { trigger: 'webhook', webhookId: 'msg_1' },
    request: { username: 'leaver@example.com', orgIds: [ORG] },
    dryRun: false,
    outcome: 'revoked',
    evidence: { kind: 'all_parts', scopes: 1 },
    searched: [{ orgId: ORG, found: 1 }],
    revocations: [
      {
        orgId: ORG,
        invitationId: INVITATION,
        outcome: 'revoked',
        atlasStatus: 204,
        evidence: { kind: 'removed' },
      },
    ],
    expiresAt: 0,
    ...rest,
  } as RecordedRequest
}

const leaver = (fields: Partial<LeaverItem> = {}): LeaverItem => ({
  pk: 'leaver#leaver@example.com',
  sk: 'leaver',
  gsi2pk: 'leavers',
  gsi2sk: '2026-12-01T10:00:00.900Z',
  username: 'leaver@example.com',
  offboardedAt: '2026-12-01T10:00:00.900Z',
  requestId: 'req-1',
  expiresAt: 0,
  ...fields,
})

/** A leaver whose sweep check began at `at`, looked in `scope` and found nothing pending. */
const quietCheck = (
  at: string,
  scope: LeaverItem['lastCheckScope'] = { orgIds: [ORG], includeProjects: false },
  fields: Partial<LeaverItem> = {},
): LeaverItem =>
  leaver({
    lastCheckStartedAt: at,
    lastCheckedAt: at.replace(/\.\d+Z$/, '.500Z'),
    lastCheckOutcome: 'already_gone',
    lastCheckEvidence: 'all_parts',
    lastCheckScope: scope,
    ...fields,
  })

describe('receiptsOf', () => {
  it('one receipt per person: first asked, first settled, everything revoked, the re-check', () => {
    const first = request({
      at: '2026-12-01T10:00:00.000Z',
      outcome: 'upstream_error',
      revocations: [{ orgId: ORG, invitationId: INVITATION, outcome: 'upstream_error' }],
    })
    const retry = request({
      at: '2026-12-01T10:05:00.000Z',
      requestedBy: { trigger: 'queue', messageId: 'm-1', senderId: 'AIDA1' },
      trigger: 'queue',
    })
    const [receipt] = receiptsOf(
      [retry, first],
      new Map([
        [
          'leaver@example.com',
          leaver({
            lastCheckedAt: '2026-12-02T00:00:00.000Z',
            lastCheckOutcome: 'already_gone',
            reappeared: 0,
          }),
        ],
      ]),
    )
    expect(receipt).toEqual({
      person: 'leaver@example.com',
      askedAt: '2026-12-01T10:00:00.000Z',
      askedBy: 'webhook msg_1',
      settledAt: '2026-12-01T10:05:00.900Z',
      outcome: 'revoked',
      evidence: 'all_parts',
      searched: [ORG],
      revoked: [
        {
          target: `${ORG}/${INVITATION}`,
          outcome: 'revoked',
          evidence: 'removed',
          atlasStatus: 204,
          at: '2026-12-01T10:05:00.900Z',
          requestId: retry.requestId,
          via: 'queue',
        },
      ],
      recheck: {
        status: 'checked',
        lastCheckedAt: '2026-12-02T00:00:00.000Z',
        lastOutcome: 'already_gone',
        reappeared: 0,
      },
      dryRun: false,
      requestIds: [first.requestId, retry.requestId],
    })
  })

  it('never settles a person on a dry run or a failure, and says why there is no re-check', () => {
    const dry = request({
      at: '2026-12-01T10:00:00.000Z',
      dryRun: true,
      outcome: 'would_revoke',
      revocations: [],
    })
    const failed = request({
      at: '2026-12-01T10:00:00.000Z',
      gsi1pk: 'user#other@example.com',
      request: { username: 'other@example.com' },
      outcome: 'forbidden',
      evidence: undefined,
      revocations: [{ orgId: ORG, invitationId: INVITATION, outcome: 'forbidden' }],
    })
    const [first, second] = receiptsOf([dry, failed], new Map())
    expect(first).toMatchObject({
      person: 'leaver@example.com',
      settledAt: null,
      outcome: 'would_revoke',
      dryRun: true,
      revoked: [],
      recheck: { status: 'not_settled' },
    })
    expect(second).toMatchObject({
      person: 'other@example.com',
      settledAt: null,
      outcome: 'forbidden',
      revoked: [],
      recheck: { status: 'not_settled' },
    })
  })

  it('an id with no known invitee is its own receipt; the sweep does not re-check ids', () => {
    const byId = request({
      at: '2026-12-01T10:00:00.000Z',
      gsi1pk: `invitation#${ORG}#${INVITATION}`,
      request: { orgId: ORG, invitationId: INVITATION },
      evidence: { kind: 'removed' } as RecordedRequest['evidence'],
      searched: [],
    })
    expect(receiptsOf([byId], new Map())[0]).toMatchObject({
      person: `${ORG}/${INVITATION}`,
      recheck: { status: 'by_id' },
    })
  })

  it("a failed re-check followed by a quiet one: the person stands where the sweep's last check left them", () => {
    const offboarding = request({ at: '2026-12-01T10:00:00.000Z' })
    const failedCheck = request({
      at: '2026-12-01T11:00:00.000Z',
      trigger: 'sweep',
      requestedBy: { trigger: 'sweep', offboardedBy: offboarding.requestId },
      outcome: 'upstream_error',
      evidence: undefined,
      revocations: [],
    })
    const quiet = quietCheck('2026-12-01T12:00:00.000Z')
    const [receipt] = receiptsOf(
      [offboarding, failedCheck],
      new Map([['leaver@example.com', quiet]]),
    )
    expect(receipt).toMatchObject({
      outcome: 'already_gone',
      evidence: 'all_parts',
      settledAt: offboarding.settledAt,
      searched: [ORG],
    })
    const [before] = receiptsOf(
      [offboarding, failedCheck],
      new Map([['leaver@example.com', leaver()]]),
    )
    expect(before?.outcome).toBe('upstream_error')
  })

  it('an outcome and its evidence come from one request: a repeat by id shows what settled it', () => {
    const byId = {
      gsi1pk: `invitation#${ORG}#${INVITATION}`,
      request: { orgId: ORG, invitationId: INVITATION },
      searched: [],
    }
    const revoked = request({
      ...byId,
      at: '2026-12-01T10:00:00.000Z',
      evidence: { kind: 'removed' } as RecordedRequest['evidence'],
    })
    const repeat = request({
      ...byId,
      at: '2026-12-01T10:05:00.000Z',
      outcome: 'already_gone',
      evidence: { kind: 'absent', was: 'revoked_before' } as RecordedRequest['evidence'],
      revocations: [],
    })
    expect(receiptsOf([repeat, revoked], new Map())[0]).toMatchObject({
      settledAt: revoked.settledAt,
      outcome: 'revoked',
      evidence: 'removed',
      requestIds: [revoked.requestId, repeat.requestId],
    })
    // Unsettled since: the last request's outcome, with its own evidence (or none).
    const notFound = request({
      ...byId,
      at: '2026-12-02T10:00:00.000Z',
      outcome: 'not_found',
      evidence: { kind: 'absent' } as RecordedRequest['evidence'],
      revocations: [],
    })
    expect(receiptsOf([revoked, notFound], new Map())[0]).toMatchObject({
      outcome: 'not_found',
      evidence: 'absent',
    })
    const failed = request({
      ...byId,
      at: '2026-12-02T10:00:00.000Z',
      outcome: 'upstream_error',
      evidence: undefined,
    })
    expect(receiptsOf([revoked, failed], new Map())[0]).toMatchObject({
      outcome: 'upstream_error',
      evidence: null,
    })
  })

  it("a quiet re-check that settled a person again brings its own evidence, not the offboarding's", () => {
    const offboarding = request({
      at: '2026-12-01T10:00:00.000Z',
      evidence: { kind: 'removed' } as RecordedRequest['evidence'],
    })
    const failedCheck = request({
      at: '2026-12-01T11:00:00.000Z',
      trigger: 'sweep',
      outcome: 'upstream_error',
      evidence: undefined,
      revocations: [],
    })
    const checked = (check: LeaverItem) =>
      receiptsOf([offboarding, failedCheck], new Map([['leaver@example.com', check]]))[0]
    const at = '2026-12-01T12:00:00.000Z'
    expect(checked(quietCheck(at))).toMatchObject({
      outcome: 'already_gone',
      evidence: 'all_parts',
    })
    // Every organization: shown as `*`, as ALLOWED_ORG_IDS writes it.
    expect(checked(quietCheck(at, { includeProjects: false }))?.searched).toEqual(['*'])
    // A check kept without its evidence, its start or its scope (an older item) answers nothing.
    const unsettled = { outcome: 'upstream_error', evidence: null }
    const whole = quietCheck(at)
    for (const missing of ['lastCheckEvidence', 'lastCheckStartedAt', 'lastCheckScope'] as const) {
      const { [missing]: _, ...older } = whole
      expect(checked(older)).toMatchObject(unsettled)
    }
    // A check begun before the failure settled may have listed Atlas before it: no answer.
    expect(checked(quietCheck(failedCheck.receivedAt))).toMatchObject(unsettled)
  })

  it('a quiet re-check never speaks for a wider request that failed: it did not look there', () => {
    const OTHER = 'b0123456789abcdef012345b'
    const offboarding = request({ at: '2026-12-01T10:00:00.000Z' })
    const wider = (scope: Partial<RecordedRequest['request']>) =>
      request({
        at: '2026-12-01T11:00:00.000Z',
        request: { username: 'leaver@example.com', ...scope },
        outcome: 'upstream_error',
        evidence: undefined,
        revocations: [],
      })
    const checkedIn = (
      scope: LeaverItem['lastCheckScope'] = { orgIds: [ORG], includeProjects: false },
      fields: Partial<LeaverItem> = {},
    ) => new Map([['leaver@example.com', quietCheck('2026-12-01T12:00:00.000Z', scope, fields)]])
    const standing = (failed: RecordedRequest, leavers: Map<string, LeaverItem>) =>
      receiptsOf([offboarding, failed], leavers)[0]
    const unsettled = { outcome: 'upstream_error', evidence: null }
    // Another organization, everywhere, or projects too: the check searched ORG only.
    expect(standing(wider({ orgIds: [OTHER] }), checkedIn())).toMatchObject(unsettled)
    expect(standing(wider({}), checkedIn())).toMatchObject(unsettled)
    expect(standing(wider({ orgIds: [ORG], includeProjects: true }), checkedIn())).toMatchObject(
      unsettled,
    )
    // Where the check looked is what it kept, not the leaver's scopes as they are now (widened
    // since), nor projects it was to search but could not.
    expect(
      standing(wider({ orgIds: [OTHER] }), checkedIn(undefined, { everywhere: true })),
    ).toMatchObject(unsettled)
    expect(
      standing(
        wider({ orgIds: [ORG], includeProjects: true }),
        checkedIn(undefined, { includeProjects: true }),
      ),
    ).toMatchObject(unsettled)
    // A check of every organization covers a named one only if it searched it on that run.
    expect(
      standing(wider({ orgIds: [OTHER] }), checkedIn({ searched: [ORG], includeProjects: false })),
    ).toMatchObject(unsettled)
    // Within what the check covered, it speaks for the request.
    const settled = { outcome: 'already_gone', evidence: 'all_parts' }
    expect(standing(wider({ orgIds: [ORG] }), checkedIn())).toMatchObject(settled)
    expect(
      standing(wider({ orgIds: [OTHER] }), checkedIn({ includeProjects: false })),
    ).toMatchObject(settled)
    expect(
      standing(
        wider({ orgIds: [ORG], includeProjects: true }),
        checkedIn({ orgIds: [ORG], includeProjects: true }),
      ),
    ).toMatchObject(settled)
  })

  it('a request that failed stays open until a settled one covered everything it asked for', () => {
    const OTHER = 'b0123456789abcdef012345b'
    const at = (minute: number) => `2026-12-01T10:${String(minute).padStart(2, '0')}:00.000Z`
    // Each organization it named searched whole; every one, when it named none, was ORG then.
    const settledIn = (minute: number, orgIds?: string[], searched = orgIds ?? [ORG]) =>
      request({
        at: at(minute),
        request: { username: 'leaver@example.com', orgIds },
        searched: searched.map((orgId) => ({ orgId, found: 0 })),
      })
    const failedIn = (minute: number, orgIds?: string[]) =>
      request({
        at: at(minute),
        request: { username: 'leaver@example.com', orgIds },
        outcome: 'upstream_error',
        evidence: undefined,
        revocations: [],
      })
    const outcome = (...requests: RecordedRequest[]) => receiptsOf(requests, new Map())[0]?.outcome
    // Everywhere failed, then only ORG settled (before or after): the rest was never shown clean.
    expect(outcome(settledIn(1, [ORG]), failedIn(2), settledIn(3, [ORG]))).toBe('upstream_error')
    // What it shows as searched is the failed request's, not the settled one's.
    const failed: RecordedRequest = {
      ...failedIn(2),
      searched: [
        { orgId: ORG, found: 0 },
        { orgId: OTHER, found: 0, outcome: 'upstream_error' },
      ],
    }
    expect(receiptsOf([settledIn(1, [ORG]), failed], new Map())[0]?.searched).toEqual([ORG, OTHER])
    expect(outcome(failedIn(1, [ORG, OTHER]), settledIn(2, [ORG]))).toBe('upstream_error')
    // A later settled request that looked everywhere the failed one did closes it.
    expect(outcome(settledIn(1, [ORG]), failedIn(2), settledIn(3))).toBe('revoked')
    expect(outcome(failedIn(1, [OTHER]), settledIn(2, [ORG, OTHER]))).toBe('revoked')
    // "Every organization" covers a named one only if it was among those searched then: not
    // after OTHER left ALLOWED_ORG_IDS, say.
    expect(outcome(failedIn(1, [OTHER]), settledIn(2))).toBe('upstream_error')
    expect(outcome(failedIn(1, [OTHER]), settledIn(2, undefined, [ORG, OTHER]))).toBe('revoked')
    // An earlier settled request does not: the failure came after it. Nor one received while
    // the failure was still running (it may have listed Atlas before the failure saw something).
    expect(outcome(settledIn(1), failedIn(2, [ORG]))).toBe('upstream_error')
    const slow: RecordedRequest = { ...failedIn(1, [ORG]), settledAt: at(9) }
    expect(outcome(slow, settledIn(2, [ORG]))).toBe('upstream_error')
    expect(outcome(slow, settledIn(10, [ORG]))).toBe('revoked')
    // Requests received at the same instant are read in one order, whatever the ledger's.
    const [inA, inB] = [settledIn(1, [ORG]), { ...settledIn(1, [OTHER]), requestId: 'req-b' }]
    expect(receiptsOf([inA, inB], new Map())).toEqual(receiptsOf([inB, inA], new Map()))
    // By id: only a settled request for that invitation, or a search of its organization, closes it.
    const byId = (
      minute: number,
      outcome: 'revoked' | 'upstream_error',
      invitationId = INVITATION,
    ) =>
      request({
        at: at(minute),
        request: { orgId: ORG, invitationId, username: 'leaver@example.com' },
        outcome,
        evidence:
          outcome === 'revoked' ? ({ kind: 'removed' } as RecordedRequest['evidence']) : undefined,
      })
    expect(outcome(byId(1, 'upstream_error'), byId(2, 'revoked'))).toBe('revoked')
    expect(outcome(byId(1, 'upstream_error'), byId(2, 'revoked', 'ffffffffffffffffffffffff'))).toBe(
      'upstream_error',
    )
    expect(outcome(byId(1, 'upstream_error'), settledIn(2, [ORG]))).toBe('revoked')
  })

  it('a settled person the ledger no longer re-checks, and one not checked yet', () => {
    const settled = request({ at: '2026-12-01T10:00:00.000Z' })
    expect(receiptsOf([settled], new Map())[0]?.recheck.status).toBe('none')
    expect(
      receiptsOf([settled], new Map([['leaver@example.com', leaver()]]))[0]?.recheck.status,
    ).toBe('awaiting')
  })
})

describe('requesterOf', () => {
  it.each([
    [{ trigger: 'webhook', webhookId: 'msg_1' }, 'webhook msg_1'],
    [{ trigger: 'iam', iamCaller: 'arn:aws:iam::1:role/x' }, 'iam arn:aws:iam::1:role/x'],
    [{ trigger: 'cli', cliUser: 'alice' }, 'cli user alice'],
    [{ trigger: 'queue', messageId: 'm1', senderId: 'AIDA1' }, 'queue message m1 (sent by AIDA1)'],
    [
      { trigger: 'okta', oktaEventId: 'e1', messageId: 'm1', handedOverBy: 'AROA1' },
      'okta event e1 (queue message m1, handed over by AROA1)',
    ],
    [{ trigger: 'sweep', offboardedBy: 'r1' }, 'sweep re-check of request r1'],
  ] as const)('%j → %s', (by, phrase) => {
    expect(requesterOf(by)).toBe(phrase)
  })
})

describe('receiptsCsv', () => {
  it('a header and one row per receipt, quoted where needed, formulas defused', () => {
    const [receipt] = receiptsOf(
      [
        request({
          at: '2026-12-01T10:00:00.000Z',
          gsi1pk: 'user#=cmd@example.com',
          request: { username: '=cmd@example.com' },
          requestedBy: { trigger: 'cli', cliUser: 'o"brien, jr' },
        }),
      ],
      new Map(),
    )
    const lines = receiptsCsv(receipt ? [receipt] : []).split('\r\n')
    expect(lines[0]).toBe(CSV_COLUMNS.join(','))
    expect(lines[1]?.startsWith(`'=cmd@example.com,`)).toBe(true)
    expect(lines[1]).toContain('"cli user o""brien, jr"')
    expect(lines[1]).toContain(`${ORG}/${INVITATION} revoked by webhook (removed 204)`)
    expect(lines[2]).toBe('')
  })
})

describe('parseReceiptsArguments', () => {
  const now = new Date('2026-12-06T12:00:00Z')
  it('reads --since, --user and --format', () => {
    expect(
      parseReceiptsArguments(
        ['--since', '2026-11-01', '--user', ' Leaver@Example.com ', '--format', 'json'],
        now,
      ),
    ).toEqual({
      since: new Date('2026-11-01T00:00:00Z'),
      user: 'leaver@example.com',
      format: 'json',
    })
    expect(parseReceiptsArguments(['--since', '2026-12-06T11:00:00Z'], now)).toEqual({
      since: new Date('2026-12-06T11:00:00Z'),
      format: 'csv',
    })
    // A time without an offset is UTC, whatever the machine's time zone.
    expect(parseReceiptsArguments(['--since', '2026-12-06T11:00'], now)).toMatchObject({
      since: new Date('2026-12-06T11:00:00Z'),
    })
    expect(parseReceiptsArguments(['--since', '2026-12-06T12:30:00+02:00'], now)).toMatchObject({
      since: new Date('2026-12-06T10:30:00Z'),
    })
  })

  it.each([
    [[], '--since <date> is required'],
    [['--since', 'yesterday'], '--since must be a date'],
    [['--since', '2026-13-45'], '--since must be a date'],
    [['--since', '2026-02-30'], '--since must be a date'],
    [['--since', '2026-12-01T10:00:00+0200'], '--since must be a date'],
    [['--since', '2026-12-07'], 'in the future'],
    [['--since', '2010-01-01'], 'more than 3660 days'],
    [['--since', '2026-12-01', '--format', 'xml'], '--format must be csv or json'],
    [['--since', '2026-12-01', '--user', 'nobody'], '--user'],
    [['--since', '2026-12-01', '--bogus'], "Unknown option '--bogus'"],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => parseReceiptsArguments(argv, now)).toThrow(UsageError)
    expect(() => parseReceiptsArguments(argv, now)).toThrow(message)
  })
})
