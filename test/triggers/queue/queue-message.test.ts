/**
 * Every branch of the queue message parser, as a table: each body ends revoked (the request
 * reaches Atlas and settles), failed (not acked: retried, then the DLQ) or ignored with a reason
 * (acked, logged, counted). The table runs twice: through the parser alone, and through the
 * queue function against the simulator.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_INVITATIONS, DEMO_ORG_ID } from '../../../dev/simulator/demo-seed.ts'
import type { MetricSink } from '../../../lib/audit/revocation-metrics.ts'
import { handOverBody } from '../../../lib/triggers/handover.ts'
import { createQueueHandler } from '../../../lib/triggers/queue/queue-handler.ts'
import { readQueueMessage } from '../../../lib/triggers/queue/queue-message.ts'
import { type FunctionFixture, startFunctionFixture } from '../../support/function-fixture.ts'
import { lambdaContext, snsNotification, sqsEvent } from '../../support/lambda-events.ts'

const [first] = DEMO_INVITATIONS
const TRUSTED = 'AROAHTTPFUNCTION'
/** What serverless.yml sets: the HTTP function's role id and session (its name). */
const TRUSTED_SESSION = 'AROAHTTPFUNCTION:atlas-invite-revoker-prod-http'
const request = { orgId: DEMO_ORG_ID, username: first.username }
const oktaEvent = (fields: Record<string, unknown> = {}) => ({
  version: '0',
  id: 'eb-1',
  'detail-type': 'SystemLog',
  source: 'aws.partner/okta.com/example/leavers',
  detail: {
    uuid: 'okta-uuid-1',
    eventType: 'user.lifecycle.deactivate',
    outcome: { result: 'SUCCESS' },
    target: [{ type: 'User', alternateId: first.username }],
    ...fields,
  },
})

interface Row {
  readonly name: string
  readonly body: string
  readonly senderId?: string
  readonly requestedBy?: unknown
  /** What the record comes to. */
  readonly ends: 'revoked' | 'failed' | `ignored: ${string}`
  /** TRUSTED_HANDOVER_SENDER for this row (default: the bare role id). */
  readonly trust?: string
  /** For a revoke: who the audit says asked. */
  readonly requester?: Record<string, unknown>
  /** What the message says of itself, logged beside the requester, never as it. */
  readonly claimed?: Record<string, unknown> | string
  /** For a revoke: the hand-over's delivery id, which makes its repeats one request. */
  readonly deliveryId?: string
  /** For a revoke: the events skipped beside it, by reason (each also counted as Ignored). */
  readonly skippedToo?: readonly string[]
}

const ROWS: readonly Row[] = [
  { name: 'a body that is not JSON', body: '{', ends: 'failed' },
  { name: 'a JSON array', body: '[]', ends: 'failed' },
  { name: 'a JSON string', body: '"x"', ends: 'failed' },
  { name: 'JSON null', body: 'null', ends: 'failed' },
  { name: 'a revoke request', body: JSON.stringify(request), ends: 'revoked' },
  {
    name: 'a revoke request claiming a requester',
    body: JSON.stringify({ ...request, requestedBy: { trigger: 'webhook', webhookId: 'forged' } }),
    ends: 'revoked',
    requester: { trigger: 'queue', senderId: 'AIDAEXAMPLE' },
    claimed: { trigger: 'webhook', webhookId: 'forged' },
  },
  { name: 'an invalid revoke request', body: JSON.stringify({ orgId: 'x' }), ends: 'failed' },
  {
    name: 'a hand-over from our HTTP function',
    body: handOverBody({ ...request, dryRun: false }),
    senderId: `${TRUSTED}:atlas-invite-revoker-prod-http`,
    requestedBy: JSON.stringify({ trigger: 'okta', oktaEventId: 'u-1', requestId: 'r-1' }),
    ends: 'revoked',
    requester: {
      trigger: 'okta',
      oktaEventId: 'u-1',
      requestId: 'r-1',
      handedOverBy: `${TRUSTED}:atlas-invite-revoker-prod-http`,
    },
  },
  {
    name: 'a hand-over carrying its delivery id',
    body: handOverBody({ ...request, dryRun: false }, 'okta-uuid-9'),
    senderId: TRUSTED_SESSION,
    requestedBy: JSON.stringify({ trigger: 'okta', oktaEventId: 'okta-uuid-9' }),
    ends: 'revoked',
    requester: { trigger: 'okta', oktaEventId: 'okta-uuid-9', handedOverBy: TRUSTED_SESSION },
    deliveryId: 'okta-uuid-9',
    trust: TRUSTED_SESSION,
  },
  {
    // Not read as a hand-over: its envelope is taken as a request, which names no one.
    name: 'a hand-over of another version',
    body: JSON.stringify({
      kind: 'atlas-invite-revoker/revoke-request',
      version: 2,
      request: { ...request, dryRun: false },
      deliveryId: 'okta-uuid-9',
    }),
    senderId: TRUSTED_SESSION,
    requestedBy: JSON.stringify({ trigger: 'okta', oktaEventId: 'okta-uuid-9' }),
    ends: 'failed',
    trust: TRUSTED_SESSION,
  },
  {
    name: 'a hand-over from anyone else',
    body: handOverBody({ ...request, dryRun: false }),
    senderId: 'AIDASOMEONEELSE',
    requestedBy: JSON.stringify({ trigger: 'okta', oktaEventId: 'u-1' }),
    ends: 'revoked',
    requester: { trigger: 'queue', senderId: 'AIDASOMEONEELSE' },
    claimed: { trigger: 'okta', oktaEventId: 'u-1' },
  },
  {
    name: 'a hand-over from another session of the trusted role (the queue function, say)',
    body: handOverBody({ ...request, dryRun: false }),
    senderId: `${TRUSTED_SESSION.split(':')[0]}:atlas-invite-revoker-prod-queue`,
    requestedBy: JSON.stringify({ trigger: 'webhook', webhookId: 'msg_1' }),
    ends: 'revoked',
    requester: {
      trigger: 'queue',
      senderId: `${TRUSTED_SESSION.split(':')[0]}:atlas-invite-revoker-prod-queue`,
    },
    claimed: { trigger: 'webhook', webhookId: 'msg_1' },
    trust: TRUSTED_SESSION,
  },
  {
    name: 'a hand-over from the trusted session claiming a trigger it never hands over',
    body: handOverBody({ ...request, dryRun: false }),
    senderId: TRUSTED_SESSION,
    requestedBy: JSON.stringify({ trigger: 'iam', iamCaller: 'arn:aws:iam::1:user/SecurityAdmin' }),
    ends: 'revoked',
    requester: { trigger: 'queue', senderId: TRUSTED_SESSION },
    claimed: { trigger: 'iam', iamCaller: 'arn:aws:iam::1:user/SecurityAdmin' },
    trust: TRUSTED_SESSION,
  },
  {
    name: 'a hand-over with a malformed requester',
    body: handOverBody({ ...request, dryRun: false }),
    senderId: TRUSTED,
    requestedBy: 'not json',
    ends: 'revoked',
    requester: { trigger: 'queue', senderId: TRUSTED },
    claimed: 'not json',
  },
  {
    name: 'a hand-over of an invalid request',
    body: JSON.stringify({ kind: 'atlas-invite-revoker/revoke-request', version: 1, request: {} }),
    senderId: TRUSTED,
    ends: 'failed',
  },
  { name: 'an SNS notification of a request', body: snsNotification(request), ends: 'revoked' },
  {
    name: 'an SNS notification whose Message is not JSON',
    body: JSON.stringify({ Type: 'Notification', Message: '{' }),
    ends: 'failed',
  },
  {
    // Hand-overs are read off the queue's own body only: wrapped, the envelope is no request.
    name: 'an SNS notification of a hand-over',
    body: snsNotification(JSON.parse(handOverBody({ ...request, dryRun: false }, 'okta-uuid-9'))),
    senderId: TRUSTED_SESSION,
    requestedBy: JSON.stringify({ trigger: 'okta', oktaEventId: 'okta-uuid-9' }),
    ends: 'failed',
    trust: TRUSTED_SESSION,
  },
  {
    // Not read as SNS: the notification itself is taken as a request, which names no one.
    name: 'an SNS notification whose Message is no string',
    body: JSON.stringify({ Type: 'Notification', Message: request }),
    ends: 'failed',
  },
  {
    name: 'an EventBridge event from another source',
    body: JSON.stringify({
      id: 'eb-2',
      'detail-type': 'Offboarding',
      source: 'hr.workday',
      detail: { eventType: 'employee.terminated', ...request },
    }),
    ends: 'revoked',
    // Any sender could write an EventBridge envelope: its source and id are claims.
    requester: { trigger: 'queue', senderId: 'AIDAEXAMPLE' },
    claimed: { via: 'eventbridge', eventBridgeId: 'eb-2', source: 'hr.workday' },
  },
  {
    name: 'an EventBridge event from another source whose detail claims a requester',
    body: JSON.stringify({
      id: 'eb-3',
      'detail-type': 'Offboarding',
      source: 'hr.workday',
      detail: { ...request, requestedBy: { trigger: 'webhook', webhookId: 'forged' } },
    }),
    ends: 'revoked',
    requester: { trigger: 'queue', senderId: 'AIDAEXAMPLE' },
    claimed: {
      via: 'eventbridge',
      eventBridgeId: 'eb-3',
      source: 'hr.workday',
      requestedBy: { trigger: 'webhook', webhookId: 'forged' },
    },
  },
  {
    name: 'an EventBridge event whose detail is no object',
    body: JSON.stringify({ 'detail-type': 'Offboarding', source: 'hr.workday', detail: 'x' }),
    ends: 'failed',
  },
  {
    name: 'an EventBridge event from another source that is no request',
    body: JSON.stringify({ 'detail-type': 'Offboarding', source: 'hr.workday', detail: {} }),
    ends: 'failed',
  },
  {
    name: "an Okta leaver's event",
    body: JSON.stringify(oktaEvent()),
    ends: 'revoked',
    requester: { trigger: 'queue', senderId: 'AIDAEXAMPLE' },
    claimed: { via: 'eventbridge', oktaEventId: 'okta-uuid-1' },
  },
  {
    name: 'an SNS notification of an Okta event',
    body: snsNotification(oktaEvent()),
    ends: 'revoked',
    claimed: { via: 'eventbridge', oktaEventId: 'okta-uuid-1' },
  },
  {
    name: 'an Okta event that is no leaver’s',
    body: JSON.stringify(oktaEvent({ eventType: 'user.session.start' })),
    ends: 'ignored: not_a_leaver_event',
  },
  {
    name: 'an Okta leaver event that failed',
    body: JSON.stringify(oktaEvent({ outcome: { result: 'FAILURE' } })),
    ends: 'ignored: outcome_not_success',
  },
  {
    name: 'an Okta leaver event whose login is no email',
    body: JSON.stringify(oktaEvent({ target: [{ type: 'User', alternateId: 'jdoe' }] })),
    ends: 'ignored: login_not_email',
  },
  {
    name: 'an Okta leaver event whose User targets are an email and a non-email login',
    body: JSON.stringify(
      oktaEvent({
        target: [
          { type: 'User', alternateId: first.username },
          { type: 'User', alternateId: 'jdoe' },
        ],
      }),
    ),
    ends: 'revoked',
    requester: { trigger: 'queue', senderId: 'AIDAEXAMPLE' },
    claimed: { via: 'eventbridge', oktaEventId: 'okta-uuid-1' },
    skippedToo: ['login_not_email'],
  },
  {
    name: 'an Okta leaver event with no User target',
    body: JSON.stringify(oktaEvent({ target: [{ type: 'AppInstance', alternateId: 'x' }] })),
    ends: 'ignored: no_user_target',
  },
]

describe('readQueueMessage, branch by branch', () => {
  for (const row of ROWS) {
    it(`${row.name} → ${row.ends}`, () => {
      const facts = {
        senderId: row.senderId ?? 'AIDAEXAMPLE',
        requestedByAttribute: row.requestedBy as string | undefined,
        trustedSender: row.trust ?? TRUSTED,
      }
      const read = () => readQueueMessage(row.body, facts)
      if (row.ends === 'failed') {
        // Either the parser refuses it, or the request it yields fails validation later.
        let message: ReturnType<typeof readQueueMessage> | undefined
        try {
          message = read()
        } catch (error) {
          expect((error as Error).name).toBe('ValidationError')
          return
        }
        expect(message.requests.length).toBeGreaterThan(0)
        return
      }
      const message = read()
      if (row.ends === 'revoked') {
        expect(message.requests.length).toBeGreaterThan(0)
        if (row.requester) expect(message.requestedBy).toEqual(row.requester)
        if (typeof row.claimed === 'string') expect(message.claimedBy).toBe(row.claimed)
        else if (row.claimed) expect(message.claimedBy).toMatchObject(row.claimed)
        else expect(message.claimedBy).toBeUndefined()
        if (row.deliveryId !== undefined) expect(message.deliveryId).toBe(row.deliveryId)
        expect(message.skipped.map((event) => event.reason)).toEqual(row.skippedToo ?? [])
      } else {
        expect(message.requests).toEqual([])
        expect(message.skipped.map((event) => event.reason)).toEqual([row.ends.slice(9)])
      }
    })
  }
})

describe('the queue function, branch by branch', () => {
  let fixture: FunctionFixture
  beforeAll(async () => {
    fixture = await startFunctionFixture()
  })
  afterAll(() => fixture.stop())

  for (const row of ROWS) {
    it(`${row.name} → ${row.ends}`, async () => {
      fixture.simulator.state.invite({
        orgId: DEMO_ORG_ID,
        username: first.username,
        roles: ['ORG_MEMBER'],
      })
      const emitted: { name: string; dimensions: Record<string, string> }[] = []
      const metrics: MetricSink = {
        emit: (name, _unit, _value, dimensions = {}) => {
          emitted.push({ name, dimensions: { ...dimensions } })
        },
      }
      const handler = createQueueHandler(
        {
          ...fixture.env,
          TRUSTED_HANDOVER_SENDER: row.trust ?? TRUSTED,
          ALLOWED_ORG_IDS: DEMO_ORG_ID,
        },
        { dispatcher: fixture.dispatcher(), metrics },
      )
      const event: SQSEvent = sqsEvent([row.body])
      const record = event.Records[0] as SQSEvent['Records'][number]
      if (row.senderId) record.attributes.SenderId = row.senderId
      if (typeof row.requestedBy === 'string')
        record.messageAttributes.requestedBy = { dataType: 'String', stringValue: row.requestedBy }
      let response: SQSBatchResponse
      try {
        response = (await handler(event, lambdaContext(8_000, 'queue'))) as SQSBatchResponse
      } catch {
        response = { batchItemFailures: [{ itemIdentifier: record.messageId }] }
      }
      const pending = fixture.simulator.state.pendingInvitations(DEMO_ORG_ID, first.username)
      if (row.ends === 'failed') {
        expect(response.batchItemFailures).toHaveLength(1)
        return
      }
      expect(response.batchItemFailures).toEqual([])
      if (row.ends === 'revoked') {
        expect(pending).toEqual([])
        expect(emitted.find((metric) => metric.name === 'Revocations')?.dimensions.outcome).toBe(
          'revoked',
        )
        for (const reason of row.skippedToo ?? [])
          expect(emitted).toContainEqual({
            name: 'Ignored',
            dimensions: { trigger: 'queue', reason },
          })
      } else {
        expect(pending).not.toEqual([])
        expect(emitted).toContainEqual({
          name: 'Ignored',
          dimensions: { trigger: 'queue', reason: row.ends.slice(9) },
        })
      }
      for (const invitation of pending) fixture.simulator.state.revoke(DEMO_ORG_ID, invitation.id)
    })
  }
})
