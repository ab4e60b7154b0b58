/**
 * Issue #19's re-check sweep, through the sweep function's handler, on dynalite and the Atlas
 * simulator: a leaver invited again is revoked by the next run, in the scopes the offboarding
 * named; quiet checks are noted on the leaver; a run is bounded, resumable and fails loudly.
 */

import { Logger } from '@aws-lambda-powertools/logger'
import type { APIGatewayProxyResult } from 'aws-lambda'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DEMO_ORG_ID, DEMO_SECOND_ORG_ID } from '../../../dev/simulator/demo-seed.ts'
import { normalizeUsername } from '../../../lib/atlas/api/username.ts'
import { createAtlasDispatcher } from '../../../lib/atlas/http/dispatcher.ts'
import type { MetricSink } from '../../../lib/audit/revocation-metrics.ts'
import { Ledger } from '../../../lib/ledger/ledger.ts'
import { createHttpHandler } from '../../../lib/triggers/http/http-handler.ts'
import { SweepIncompleteError } from '../../../lib/triggers/sweep/recheck-sweep.ts'
import { createSweepHandler } from '../../../lib/triggers/sweep/sweep-handler.ts'
import { type FunctionFixture, startFunctionFixture } from '../../support/function-fixture.ts'
import { httpApiEvent, lambdaContext } from '../../support/lambda-events.ts'
import { startLocalLedger, TEST_TABLES } from '../../support/local-aws.ts'
import { revokeReport } from '../../support/revoke-reports.ts'

let fixture: FunctionFixture
let local: Awaited<ReturnType<typeof startLocalLedger>>
let ledger: Ledger

beforeEach(async () => {
  fixture = await startFunctionFixture()
  local = await startLocalLedger()
  ledger = new Ledger(TEST_TABLES.ledger)
})
afterEach(async () => {
  await local.stop()
  await fixture.stop()
})

const env = (more: Record<string, string> = {}) => ({
  ...fixture.env,
  ...local.functionEnv,
  ALLOWED_ORG_IDS: `${DEMO_ORG_ID},${DEMO_SECOND_ORG_ID}`,
  ...more,
})

function recording() {
  const emitted: Record<string, number> = {}
  const sink: MetricSink = {
    emit: (name, _unit, value) => {
      emitted[name] = (emitted[name] ?? 0) + value
    },
  }
  return { sink, emitted }
}

/** Offboards `username` through the signed webhook; answers its outcome. */
async function offboard(
  username: string,
  orgIds?: string[],
  more: Record<string, string> = {},
): Promise<string> {
  const body = JSON.stringify({ username, ...(orgIds ? { orgIds } : {}) })
  const handler = createHttpHandler(env(more), { dispatcher: fixture.dispatcher() })
  const result = (await handler(
    httpApiEvent({ method: 'POST', path: '/revocations', body, headers: fixture.sign(body) }),
    lambdaContext(8_000),
  )) as APIGatewayProxyResult
  return (JSON.parse(result.body) as { outcome: string }).outcome
}

function invite(username: string, orgId = DEMO_ORG_ID) {
  return fixture.simulator.state.invite({ orgId, username, roles: ['ORG_MEMBER'] })
}

function pending(username: string): string[] {
  return [DEMO_ORG_ID, DEMO_SECOND_ORG_ID].flatMap((orgId) =>
    fixture.simulator.state.pendingInvitations(orgId, username).map((invitation) => invitation.id),
  )
}

function sweeper(
  options: {
    env?: Record<string, string>
    now?: Date
    logger?: Logger
    dispatcher?: ReturnType<FunctionFixture['dispatcher']>
  } = {},
) {
  const metrics = recording()
  const handler = createSweepHandler(env(options.env), {
    dispatcher: options.dispatcher ?? fixture.dispatcher(),
    metrics: metrics.sink,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.now ? { now: () => options.now as Date } : {}),
  })
  const run = (remainingMs = 60_000) =>
    handler({ source: 'aws.events' }, lambdaContext(remainingMs, 'atlas-invite-revoker-dev-sweep'))
  return { run, metrics: metrics.emitted }
}

describe('the next sweep after a leaver is invited again', () => {
  it('revokes the new invitation, says "reappeared", counts it and records it', async () => {
    const username = 'rehired-by-mistake@example.com'
    invite(username)
    expect(await offboard(username)).toBe('revoked')
    const again = invite(username, DEMO_SECOND_ORG_ID)
    const logger = new Logger({ serviceName: 'sweep-test' })
    const warn = vi.spyOn(logger, 'warn')
    const { run, metrics } = sweeper({ logger })

    expect(await run()).toMatchObject({ checked: 1, reappeared: 1, failed: 0, passComplete: true })
    expect(pending(username)).toEqual([])
    expect(fixture.simulator.state.revocations().map((record) => record.invitationId)).toContain(
      again.id,
    )
    expect(warn).toHaveBeenCalledWith(
      'reappeared',
      expect.objectContaining({
        audit: 'reappeared',
        username,
        found: [expect.objectContaining({ invitationId: again.id, outcome: 'revoked' })],
      }),
    )
    expect(metrics).toMatchObject({ Reappeared: 1, SweepChecked: 1, SweepFailed: 0 })
    const requests = await ledger.requestsAbout(`user#${username}`, '2000-01-01')
    expect(requests.map((request) => [request.trigger, request.outcome])).toEqual([
      ['webhook', 'revoked'],
      ['sweep', 'revoked'],
    ])
    expect(requests[1]?.requestedBy).toMatchObject({
      trigger: 'sweep',
      offboardedBy: requests[0]?.requestId,
    })
    expect(await ledger.leaver(username)).toMatchObject({
      reappeared: 1,
      lastCheckOutcome: 'revoked',
      lastCheckedAt: expect.any(String),
    })
  })

  it('a quiet check is noted on the leaver, not written as a request', async () => {
    const username = 'quiet-leaver@example.com'
    invite(username)
    await offboard(username)
    const { run, metrics } = sweeper()
    expect(await run()).toMatchObject({ checked: 1, reappeared: 0 })
    expect(metrics).toMatchObject({ Reappeared: 0, SweepChecked: 1 })
    expect(await ledger.requestsAbout(`user#${username}`, '2000-01-01')).toHaveLength(1)
    expect(await ledger.leaver(username)).toMatchObject({
      lastCheckOutcome: 'already_gone',
      lastCheckEvidence: 'all_parts',
      // Where it looked and when it began, which a receipt needs before it lets the check speak.
      lastCheckScope: { includeProjects: false },
      lastCheckStartedAt: expect.any(String),
      reappeared: 0,
    })
    const leaverItem = await ledger.leaver(username)
    // Every allowed organization, and which ones that was on this run.
    expect(leaverItem?.lastCheckScope).not.toHaveProperty('orgIds')
    expect(leaverItem?.lastCheckScope?.searched).toEqual([DEMO_ORG_ID, DEMO_SECOND_ORG_ID])
    expect(String(leaverItem?.lastCheckStartedAt) <= String(leaverItem?.lastCheckedAt)).toBe(true)
  })

  it('looks in the scopes the offboarding named, widened by every later offboarding', async () => {
    const username = 'scoped-leaver@example.com'
    invite(username)
    await offboard(username, [DEMO_ORG_ID])
    const elsewhere = invite(username, DEMO_SECOND_ORG_ID)
    const { run } = sweeper()
    await run()
    // Not a scope the offboarding named: not this tool's to touch.
    expect(pending(username)).toEqual([elsewhere.id])
    expect(await offboard(username, [DEMO_SECOND_ORG_ID])).toBe('revoked')
    const later = invite(username, DEMO_ORG_ID)
    await run()
    expect(pending(username)).toEqual([])
    expect(fixture.simulator.state.revocations().map((record) => record.invitationId)).toContain(
      later.id,
    )
  })
})

describe('what the deployment can search today', () => {
  it('leaves projects out once they cannot be searched (users mode after the sunset), without failing', async () => {
    const username = 'projects-then@example.com'
    invite(username)
    expect(await offboard(username, undefined, { INCLUDE_PROJECT_INVITATIONS: 'true' })).toBe(
      'revoked',
    )
    expect(await ledger.leaver(username)).toMatchObject({ includeProjects: true })
    // The offboarding searched projects; the deployment has since moved off the invitations API.
    const { run } = sweeper({
      env: {
        ATLAS_API: 'users',
        SEARCH_INVITATIONS_API: 'false',
        INCLUDE_PROJECT_INVITATIONS: 'false',
      },
    })
    expect(await run()).toMatchObject({ checked: 1, failed: 0 })
  })

  it('a leaver who is an active member now is reported, neither a find nor a failure', async () => {
    const username = 'rehired@example.com'
    invite(username)
    await offboard(username)
    fixture.simulator.state.addMember({
      id: 'f00000000000000000000abc',
      orgId: DEMO_ORG_ID,
      username,
      roles: ['ORG_MEMBER'],
    })
    const { run, metrics } = sweeper({ env: { ATLAS_API: 'users' } })
    expect(await run()).toMatchObject({ checked: 1, reappeared: 0, failed: 0 })
    expect(metrics).toMatchObject({ Reappeared: 0, SweepFailed: 0 })
    expect(await ledger.leaver(username)).toMatchObject({ lastCheckOutcome: 'active_member' })
  })

  for (const api of ['v1', 'users'] as const)
    it(`never removes a member, even with REMOVE_ACTIVE_MEMBERS=true (ATLAS_API=${api}): a membership after an offboarding is a person's call`, async () => {
      const username = 'rejoined@example.com'
      fixture.simulator.state.addMember({
        id: 'f00000000000000000000abd',
        orgId: DEMO_ORG_ID,
        username,
        roles: ['ORG_MEMBER'],
      })
      // The offboarding itself removes the membership…
      expect(
        await offboard(username, undefined, { REMOVE_ACTIVE_MEMBERS: 'true', ATLAS_API: api }),
      ).toBe('removed_member')
      // …and someone made them a member again afterwards.
      fixture.simulator.state.addMember({
        id: 'f00000000000000000000abd',
        orgId: DEMO_ORG_ID,
        username,
        roles: ['ORG_MEMBER'],
      })
      const { run } = sweeper({ env: { REMOVE_ACTIVE_MEMBERS: 'true', ATLAS_API: api } })
      expect(await run()).toMatchObject({ checked: 1, reappeared: 0, failed: 0 })
      expect(fixture.simulator.state.members(DEMO_ORG_ID, username)).toHaveLength(1)
      expect(fixture.simulator.state.memberRemovals()).toHaveLength(1)
    })
})

describe('a run is bounded and resumable', () => {
  it('checks SWEEP_BATCH leavers, goes on from there next time, then starts over', async () => {
    const people = ['one@example.com', 'two@example.com', 'three@example.com']
    for (const username of people) {
      invite(username)
      await offboard(username)
    }
    const { run } = sweeper({ env: { SWEEP_BATCH: '2' } })
    expect(await run()).toMatchObject({ checked: 2, passComplete: false, stoppedBy: 'batch' })
    expect(await run()).toMatchObject({ checked: 1, passComplete: true })
    for (const username of people)
      expect((await ledger.leaver(username))?.lastCheckedAt).toEqual(expect.any(String))
    expect(await run()).toMatchObject({ checked: 2, passComplete: false })
  })

  it('meets a leaver it found again once a pass: the find leaves the offboarding as it was', async () => {
    const people = ['first', 'second', 'third'].map((name) => `${name}-found@example.com`)
    for (const username of people) {
      invite(username)
      await offboard(username)
    }
    const [first] = people as [string]
    const offboarding = await ledger.leaver(first)
    invite(first)
    const { run } = sweeper({ env: { SWEEP_BATCH: '2' } })
    expect(await run()).toMatchObject({ checked: 2, reappeared: 1, passComplete: false })
    // The rest of the pass is the third leaver, not the first once more at the end of the list.
    expect(await run()).toMatchObject({ checked: 1, reappeared: 0, passComplete: true })
    // Still offboarded when and by whom it was: RECHECK_DAYS runs from there, not from the find.
    expect(await ledger.leaver(first)).toMatchObject({
      offboardedAt: offboarding?.offboardedAt,
      gsi2sk: offboarding?.gsi2sk,
      requestId: offboarding?.requestId,
      expiresAt: offboarding?.expiresAt,
      reappeared: 1,
    })
  })

  it('goes over more than a page in one run, each leaver once', async () => {
    // One more than the sweep's page of 50; the first is invited again.
    const people = Array.from({ length: 51 }, (_, i) => `page-${i}@example.com`)
    for (const username of people)
      await ledger.record(
        revokeReport({
          request: {
            kind: 'username',
            username: normalizeUsername(username),
            orgIds: [DEMO_ORG_ID],
            dryRun: false,
          },
          outcome: 'already_gone',
          searched: [{ orgId: DEMO_ORG_ID, found: 0 }],
        }),
        {
          receivedAt: new Date(),
          settledAt: new Date(),
          requestedBy: { trigger: 'webhook', webhookId: 'seed' },
          includeProjects: false,
          retentionDays: 400,
        },
      )
    invite(people[0] as string)
    const { run, metrics } = sweeper()
    expect(await run()).toMatchObject({ checked: 51, reappeared: 1, passComplete: true })
    expect(metrics).toMatchObject({ SweepChecked: 51, Reappeared: 1 })
  })

  it('starts no check without time for it, and keeps its place', async () => {
    invite('late@example.com')
    await offboard('late@example.com')
    const { run } = sweeper()
    fixture.simulator.resetCounters()
    expect(await run(5_000)).toMatchObject({ checked: 0, stoppedBy: 'time' })
    expect(fixture.simulator.counters().requests).toBe(0)
    expect(await run()).toMatchObject({ checked: 1, passComplete: true })
  })

  it('stopped by time in the middle of a page, goes on after the last leaver it checked', async () => {
    const people = ['p1', 'p2', 'p3', 'p4', 'p5'].map((name) => `${name}@example.com`)
    for (const username of people) {
      invite(username)
      await offboard(username)
    }
    // Atlas slowed to 1.5 s a request, which the client waits for.
    const { run } = sweeper({
      dispatcher: createAtlasDispatcher(String(fixture.env.ATLAS_BASE_URL), { random: () => 0 }),
    })
    // A first run too short to check anyone loads the function (its SDK, the ledger), so that
    // the timed run spends its second to spare (22 s, less Lambda's 1 s margin, less the 20 s a
    // check needs) on the checks alone: time for one group of four checks, each at least one
    // slowed request, not for a second.
    await run(5_000)
    fixture.simulator.faults.configure({ latencyMs: 1_500 })
    expect(await run(22_000)).toMatchObject({ checked: 4, stoppedBy: 'time' })
    fixture.simulator.faults.clear()
    expect(await run()).toMatchObject({ checked: 1, passComplete: true })
    expect((await ledger.leaver('p5@example.com'))?.lastCheckedAt).toEqual(expect.any(String))
  })

  it('looks only at people offboarded in the last RECHECK_DAYS', async () => {
    invite('long-gone@example.com')
    await offboard('long-gone@example.com')
    invite('long-gone@example.com')
    const inAMonth = new Date(Date.now() + 31 * 86_400_000)
    expect(await sweeper({ now: inAMonth }).run()).toMatchObject({ checked: 0 })
    expect(pending('long-gone@example.com')).toHaveLength(1)
    expect(await sweeper({ now: inAMonth, env: { RECHECK_DAYS: '60' } }).run()).toMatchObject({
      checked: 1,
      reappeared: 1,
    })
  })
})

describe('a sweep that cannot finish says so', () => {
  it('Atlas failing: the run fails (the SweepFailed alarm), the failure is recorded, nothing settles', async () => {
    const username = 'atlas-down@example.com'
    invite(username)
    await offboard(username)
    invite(username)
    fixture.simulator.faults.configure({ errorRate: 1, errorStatus: 503 })
    const { run, metrics } = sweeper()
    // A quiet check first, whose evidence the failed one must not leave behind.
    const quiet = await ledger.leaver(username)
    await ledger.recordCheck(username, {
      startedAt: new Date().toISOString(),
      scope: { includeProjects: false },
      checkedAt: new Date().toISOString(),
      outcome: 'already_gone',
      evidence: 'all_parts',
      reappeared: 0,
    })
    expect((await ledger.leaver(username))?.lastCheckEvidence).toBe('all_parts')
    expect(quiet?.lastCheckEvidence).toBeUndefined()
    await expect(run(40_000)).rejects.toBeInstanceOf(SweepIncompleteError)
    expect(metrics).toMatchObject({ SweepChecked: 1, SweepFailed: 1 })
    const failed = await ledger.leaver(username)
    expect(failed).toMatchObject({ lastCheckOutcome: 'upstream_error' })
    expect(failed?.lastCheckEvidence).toBeUndefined()
    const requests = await ledger.requestsAbout(`user#${username}`, '2000-01-01')
    expect(requests.map((request) => request.outcome)).toEqual(['revoked', 'upstream_error'])
    fixture.simulator.faults.clear()
    // The next pass tries again, and this time revokes it.
    expect(await run()).toMatchObject({ checked: 1, reappeared: 1, failed: 0 })
    expect(pending(username)).toEqual([])
  })

  it('the ledger unreachable: the run fails before any Atlas call', async () => {
    await local.stop()
    const { run } = sweeper()
    await expect(run()).rejects.toThrow(/ledger/)
    expect(fixture.simulator.counters().requests).toBe(0)
    local = await startLocalLedger()
  })

  it('no LEDGER_TABLE: a configuration error, not a silent no-op', async () => {
    const handler = createSweepHandler(
      { ...fixture.env, ALLOWED_ORG_IDS: DEMO_ORG_ID },
      { dispatcher: fixture.dispatcher() },
    )
    await expect(handler({}, lambdaContext(60_000))).rejects.toThrow(/LEDGER_TABLE is required/)
  })
})
