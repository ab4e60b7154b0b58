/**
 * Issue #21 through the real handlers: an Okta deactivation of someone who is an active member
 * of both demo organizations, handed to the revoke queue by the HTTP function and run by the
 * queue function. With REMOVE_ACTIVE_MEMBERS the member is removed from both, each removal in
 * an audit line and the `MemberRemoved` metric; without it the record is acked once as
 * `active_member` (users mode, where members are seen), counted in `ActiveMember`, never
 * retried into the DLQ. A signed webhook answers as documented (200 removed, 409 kept).
 */
import { readFileSync } from 'node:fs'
import { Logger } from '@aws-lambda-powertools/logger'
import type { APIGatewayProxyResult, SQSBatchResponse, SQSRecord } from 'aws-lambda'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DEMO_ORG_ID, DEMO_SECOND_ORG_ID } from '../../dev/simulator/demo-seed.ts'
import type { HandOver } from '../../lib/triggers/handover.ts'
import { createHttpHandler } from '../../lib/triggers/http/http-handler.ts'
import { handOverEntry, type RevokeQueue } from '../../lib/triggers/http/revoke-queue.ts'
import { createQueueHandler } from '../../lib/triggers/queue/queue-handler.ts'
import { type FunctionFixture, startFunctionFixture } from '../support/function-fixture.ts'
import { registerSecret } from '../support/known-secrets.ts'
import { httpApiEvent, lambdaContext, sqsEvent } from '../support/lambda-events.ts'
import { captureLogLines, recordingMetrics } from '../support/observed.ts'

const OKTA_SECRET_ID = 'atlas-invite-revoker/okta-event-hook'
const OKTA_SECRET = 'Basic b2t0YS1tZW1iZXJzLWhvb2s6czNjcmV0LXZhbHVl'
const QUEUE_URL =
  'https://sqs.us-east-1.amazonaws.com/123456789012/atlas-invite-revoker-test-revoke'
/** The user the published Okta deactivation names. */
const LEAVER = 'john.doe@example.com'
const LEAVER_ID = 'a000000000000000000000d1'
const BOTH = [DEMO_ORG_ID, DEMO_SECOND_ORG_ID]
/** The two demo organizations the demo key owns (as the local stack's allowedOrgIds). */
const SCOPE = { ALLOWED_ORG_IDS: BOTH.join(',') }
const delivery = readFileSync(
  new URL('../../dev/local-stack/okta/event-hook-deactivate.json', import.meta.url),
  'utf8',
)
registerSecret(OKTA_SECRET)

let fixture: FunctionFixture
let sent: HandOver[]
const queue: RevokeQueue = {
  async send(handOvers) {
    sent.push(...handOvers)
  },
}

beforeEach(async () => {
  fixture = await startFunctionFixture()
  fixture.secretsManager.putSecret(OKTA_SECRET_ID, OKTA_SECRET)
  sent = []
  for (const orgId of BOTH)
    fixture.simulator.state.addMember({
      id: LEAVER_ID,
      orgId,
      username: LEAVER,
      roles: ['ORG_MEMBER'],
    })
})
afterEach(() => fixture.stop())

const silent = new Logger({ serviceName: 'members', logLevel: 'SILENT' })

/** Okta's deactivation, through the HTTP function, onto the (recorded) revoke queue. */
async function deactivateInOkta(env: Record<string, string>) {
  const http = createHttpHandler(
    { ...fixture.env, ...SCOPE, ...env, OKTA_SECRET_ID, REVOKE_QUEUE_URL: QUEUE_URL },
    { dispatcher: fixture.dispatcher(), revokeQueue: queue, logger: silent },
  )
  const result = (await http(
    httpApiEvent({
      method: 'POST',
      path: '/okta/events',
      headers: { authorization: OKTA_SECRET },
      body: delivery,
    }),
    lambdaContext(3_000),
  )) as APIGatewayProxyResult
  expect(result.statusCode).toBe(200)
  expect(sent.map((handOver) => handOver.request)).toEqual([{ username: LEAVER, dryRun: false }])
}

/** The queued hand-overs as SQS delivers them to the queue function. */
function queuedRecords(): ReturnType<typeof sqsEvent> {
  const entries = sent.map((handOver, index) => handOverEntry(handOver, String(index), false))
  const event = sqsEvent(entries.map((entry) => entry.MessageBody ?? ''))
  for (const [index, record] of event.Records.entries())
    (record as { messageAttributes: SQSRecord['messageAttributes'] }).messageAttributes = {
      requestedBy: {
        dataType: 'String',
        stringValue: entries[index]?.MessageAttributes?.requestedBy?.StringValue ?? '',
      } as SQSRecord['messageAttributes'][string],
    }
  return event
}

async function runQueue(env: Record<string, string>) {
  const metrics = recordingMetrics()
  const handler = createQueueHandler(
    // The SenderId sqsEvent gives: the hand-over's requester (Okta's) is believed.
    { ...fixture.env, ...SCOPE, TRUSTED_HANDOVER_SENDER: 'AIDAEXAMPLE', ...env },
    { dispatcher: fixture.dispatcher(), metrics },
  )
  const response = (await handler(
    queuedRecords(),
    lambdaContext(10_000, 'queue'),
  )) as SQSBatchResponse
  const emitted = (name: string) => metrics.emitted.filter((metric) => metric.name === name)
  return { response, emitted }
}

const membersLeft = () =>
  BOTH.flatMap((orgId) => fixture.simulator.state.members(orgId, LEAVER)).length
const memberDeletes = () =>
  fixture.simulator
    .requests()
    .filter((request) => request.method === 'DELETE' && request.target.includes('/users/'))

describe('an Okta leaver who is an active member of both demo organizations', () => {
  for (const api of ['v1', 'v2', 'users'] as const)
    it(`is removed from both with REMOVE_ACTIVE_MEMBERS=true (ATLAS_API=${api}): an audit line and MemberRemoved per removal`, async () => {
      const env = { ATLAS_API: api, REMOVE_ACTIVE_MEMBERS: 'true' }
      await deactivateInOkta(env)
      const captured = captureLogLines()
      let run: Awaited<ReturnType<typeof runQueue>>
      try {
        run = await runQueue(env)
      } finally {
        captured.stop()
      }
      expect(run.response.batchItemFailures).toEqual([])
      expect(membersLeft()).toBe(0)
      expect(
        fixture.simulator.state
          .memberRemovals()
          .map((removal) => removal.orgId)
          .sort(),
      ).toEqual([...BOTH].sort())
      expect(run.emitted('MemberRemoved')).toEqual([
        { name: 'MemberRemoved', unit: 'Count', value: 2, dimensions: {} },
      ])
      expect(run.emitted('ActiveMember')).toEqual([])
      const removals = captured
        .lines()
        .filter((line) => line.message === 'audit: revocation' && line.outcome === 'removed_member')
      expect(removals.map((line) => line.orgId).sort()).toEqual([...BOTH].sort())
      for (const line of removals)
        expect(line).toMatchObject({
          level: 'WARN',
          userId: LEAVER_ID,
          username: LEAVER,
          requestedBy: { trigger: 'okta' },
          evidence: { kind: 'member_removed', by: 'removal' },
        })
    })

  it('without REMOVE_ACTIVE_MEMBERS, is acked once as active_member (users mode) with ActiveMember, and stays', async () => {
    const env = { ATLAS_API: 'users' }
    await deactivateInOkta(env)
    const run = await runQueue(env)
    // Acked the first time: retrying cannot change it, so it never reaches the DLQ.
    expect(run.response.batchItemFailures).toEqual([])
    expect(run.emitted('Revocations')).toEqual([
      expect.objectContaining({ dimensions: { trigger: 'okta', outcome: 'active_member' } }),
    ])
    expect(run.emitted('ActiveMember')).toEqual([
      { name: 'ActiveMember', unit: 'Count', value: 2, dimensions: {} },
    ])
    expect(run.emitted('MemberRemoved')).toEqual([])
    expect(membersLeft()).toBe(2)
    expect(memberDeletes()).toEqual([])
  })

  it('without REMOVE_ACTIVE_MEMBERS, in v1 mode, is looked for among invitations only, as before', async () => {
    await deactivateInOkta({})
    const run = await runQueue({})
    expect(run.response.batchItemFailures).toEqual([])
    expect(run.emitted('Revocations')).toEqual([
      expect.objectContaining({ dimensions: { trigger: 'okta', outcome: 'already_gone' } }),
    ])
    expect(membersLeft()).toBe(2)
  })
})

describe('a signed webhook for an active member', () => {
  async function post(env: Record<string, string>, payload: unknown) {
    const handler = createHttpHandler(
      { ...fixture.env, ...SCOPE, ...env },
      { dispatcher: fixture.dispatcher(), logger: silent },
    )
    const body = JSON.stringify(payload)
    const result = (await handler(
      httpApiEvent({ method: 'POST', path: '/revocations', body, headers: fixture.sign(body) }),
      lambdaContext(8_000),
    )) as APIGatewayProxyResult
    return { status: result.statusCode, body: JSON.parse(result.body) as Record<string, unknown> }
  }

  it('answers 200 removed_member with each membership removed, opted in', async () => {
    const answer = await post({ REMOVE_ACTIVE_MEMBERS: 'true' }, { username: LEAVER })
    expect(answer).toMatchObject({
      status: 200,
      body: {
        outcome: 'removed_member',
        searched: BOTH.map((orgId) => ({ orgId, found: 1 })),
        invitations: BOTH.map((orgId) => ({
          orgId,
          userId: LEAVER_ID,
          outcome: 'removed_member',
          evidence: expect.objectContaining({ kind: 'member_removed' }),
        })),
      },
    })
  })

  it('answers 502 invalid, removing nobody, for a protected member, and 409 active_member without the opt-in', async () => {
    const kept = await post(
      { REMOVE_ACTIVE_MEMBERS: 'true', PROTECTED_USERNAMES: `admin@example.com, ${LEAVER}` },
      { username: LEAVER },
    )
    expect(kept).toMatchObject({
      status: 502,
      body: { outcome: 'invalid', detail: expect.stringContaining('PROTECTED_USERNAMES') },
    })
    const reported = await post({ ATLAS_API: 'users' }, { username: LEAVER })
    expect(reported).toMatchObject({ status: 409, body: { outcome: 'active_member' } })
    expect(membersLeft()).toBe(2)
    expect(memberDeletes()).toEqual([])
  })
})
