/**
 * Records whose body is an Amazon EventBridge event (a custom event, or Okta's System Log event
 * routed by a rule from its partner event source) through the queue handler, against the
 * simulator; shapes from AWS's and Okta's published examples (dev/local-stack/okta/).
 */
import { readFileSync } from 'node:fs'
import { Logger } from '@aws-lambda-powertools/logger'
import type { SQSBatchResponse } from 'aws-lambda'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { DEMO_INVITATIONS, DEMO_ORG_ID } from '../../../dev/simulator/demo-seed.ts'
import { createQueueHandler } from '../../../lib/triggers/queue/queue-handler.ts'
import { type FunctionFixture, startFunctionFixture } from '../../support/function-fixture.ts'
import { lambdaContext, sqsEvent } from '../../support/lambda-events.ts'

const [first] = DEMO_INVITATIONS
const oktaEvent = JSON.parse(
  readFileSync(
    new URL('../../../dev/local-stack/okta/eventbridge-okta-deactivate.json', import.meta.url),
    'utf8',
  ),
) as { detail: Record<string, unknown> } & Record<string, unknown>

let fixture: FunctionFixture
beforeEach(async () => {
  fixture = await startFunctionFixture()
})
afterEach(() => fixture.stop())

async function deliver(bodies: unknown[], logger?: Logger) {
  const handler = createQueueHandler(
    { ...fixture.env, ALLOWED_ORG_IDS: DEMO_ORG_ID },
    { dispatcher: fixture.dispatcher(), ...(logger ? { logger } : {}) },
  )
  return (await handler(
    sqsEvent(bodies.map((body) => JSON.stringify(body))),
    lambdaContext(8_000, 'queue'),
  )) as SQSBatchResponse
}

it('revokes the revoke request a custom EventBridge event carries in detail', async () => {
  const custom = {
    version: '0',
    id: '7d1c1b6e-4b2c-4f0e-9b3a-1a2b3c4d5e6f',
    'detail-type': 'Offboarding',
    source: 'hr.workday',
    account: '123456789012',
    time: '2026-11-26T10:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: { orgId: DEMO_ORG_ID, invitationId: first.id },
  }
  expect(await deliver([custom])).toEqual({ batchItemFailures: [] })
  expect(fixture.simulator.state.pendingInvitation(DEMO_ORG_ID, first.id)).toBeUndefined()
})

it('revokes each User target of an Okta deactivation routed from the partner event source', async () => {
  fixture.simulator.state.invite({
    orgId: DEMO_ORG_ID,
    username: 'john.doe@example.com',
    roles: ['ORG_MEMBER'],
  })
  const logger = new Logger({ serviceName: 'eventbridge', logLevel: 'DEBUG' })
  const info = vi.spyOn(logger, 'info')
  expect(await deliver([oktaEvent], logger)).toEqual({ batchItemFailures: [] })
  expect(fixture.simulator.state.pendingInvitations(DEMO_ORG_ID, 'john.doe@example.com')).toEqual(
    [],
  )
  const audit = info.mock.calls.find(([message]) => message === 'audit: revocation')?.[1]
  expect(audit).toMatchObject({
    // Who sent it is what SQS says; what the event says of itself is a claim.
    requestedBy: { trigger: 'queue', senderId: 'AIDAEXAMPLE' },
    claimedBy: {
      via: 'eventbridge',
      eventBridgeId: '4ab6d852-09e9-1036-fc04-2e22004b3c3f',
      oktaEventId: 'ab62c0bc-2837-11eb-9823-9fb8f750c5a9',
    },
    username: 'john.doe@example.com',
    outcome: 'revoked',
  })
})

it('acks Okta events that are not a leaver’s, without calling Atlas', async () => {
  const login = { ...oktaEvent, detail: { ...oktaEvent.detail, eventType: 'user.session.start' } }
  expect(await deliver([login])).toEqual({ batchItemFailures: [] })
  expect(fixture.simulator.counters().requests).toBe(0)
})

it('fails a record whose detail (from a source other than Okta) is no revoke request, towards the DLQ', async () => {
  const broken = { ...oktaEvent, source: 'hr.workday', detail: { orgId: 'acme' } }
  const response = await deliver([broken])
  expect(response.batchItemFailures).toHaveLength(1)
  expect(fixture.simulator.counters().requests).toBe(0)
})
