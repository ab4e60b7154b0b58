import type { SQSBatchResponse } from 'aws-lambda'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  DEMO_INVITATIONS,
  DEMO_MEMBER_ORG_ID,
  DEMO_ORG_ID,
} from '../../../dev/simulator/demo-seed.ts'
import { BatchFailedError } from '../../../lib/triggers/queue/batch-failure-policy.ts'
import { createQueueHandler } from '../../../lib/triggers/queue/queue-handler.ts'
import { type FunctionFixture, startFunctionFixture } from '../../support/function-fixture.ts'
import {
  lambdaContext,
  type QueueMessage,
  snsNotification,
  sqsEvent,
} from '../../support/lambda-events.ts'

const [first, second, third] = DEMO_INVITATIONS
let fixture: FunctionFixture

beforeEach(async () => {
  fixture = await startFunctionFixture()
})
afterEach(() => fixture.stop())

const revoke = (invitationId: string, orgId = DEMO_ORG_ID) =>
  JSON.stringify({ orgId, invitationId })
const forbidden = JSON.stringify({
  orgId: DEMO_MEMBER_ORG_ID,
  invitationId: 'b0000000000000000000000b',
})

function handlerWith(env: Record<string, string> = {}) {
  return createQueueHandler({ ...fixture.env, ...env }, { dispatcher: fixture.dispatcher() })
}

async function deliver(
  messages: (QueueMessage | string)[],
  options: { fifo?: boolean; env?: Record<string, string>; remainingMs?: number } = {},
) {
  const event = sqsEvent(messages, options)
  const response = (await handlerWith(options.env)(
    event,
    lambdaContext(options.remainingMs ?? 10_000, 'queue'),
  )) as SQSBatchResponse
  const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier))
  return {
    event,
    response,
    failedIndexes: event.Records.flatMap((record, index) =>
      failed.has(record.messageId) ? [index] : [],
    ),
  }
}

describe('queue handler', () => {
  it('acks every revoked record', async () => {
    const { response } = await deliver([revoke(first.id), revoke(second.id), revoke(third.id)])
    expect(response).toEqual({ batchItemFailures: [] })
    expect(fixture.simulator.state.pendingInvitations(DEMO_ORG_ID)).toEqual([])
  })

  it('acks revoked and already gone; fails malformed, invalid, refused and unsettled records alone', async () => {
    fixture.simulator.state.accept(second.id)
    const { failedIndexes, response } = await deliver([
      revoke(first.id),
      'not json',
      JSON.stringify({ orgId: 'acme', invitationId: third.id }),
      revoke(second.id),
      forbidden,
      JSON.stringify({ orgId: DEMO_ORG_ID }),
    ])
    expect(failedIndexes).toEqual([1, 2, 4, 5])
    expect(response.batchItemFailures).toHaveLength(4)
    expect(fixture.simulator.state.pendingInvitation(DEMO_ORG_ID, first.id)).toBeUndefined()
  })

  it('reads requests wrapped in an SNS notification, by id or by username', async () => {
    const { response } = await deliver([
      snsNotification({ orgId: DEMO_ORG_ID, invitationId: first.id }),
      snsNotification({ orgId: DEMO_ORG_ID, username: second.username }),
    ])
    expect(response.batchItemFailures).toEqual([])
    expect(
      fixture.simulator.state.pendingInvitations(DEMO_ORG_ID).map((invitation) => invitation.id),
    ).toEqual([third.id])
  })

  it('treats a duplicate delivery as already gone and acks it', async () => {
    const message = { body: revoke(first.id), messageId: 'same-message' }
    expect((await deliver([message])).response.batchItemFailures).toEqual([])
    expect((await deliver([message])).response.batchItemFailures).toEqual([])
    expect(fixture.simulator.counters().byStatus).toMatchObject({ '204': 1, '404': 1 })
  })

  it('on a FIFO queue stops at the first failure and fails it and every later record', async () => {
    const { failedIndexes } = await deliver(
      [revoke(first.id), forbidden, revoke(second.id), revoke(third.id)],
      { fifo: true },
    )
    expect(failedIndexes).toEqual([1, 2, 3])
    expect(fixture.simulator.state.pendingInvitation(DEMO_ORG_ID, first.id)).toBeUndefined()
    // The later records were not tried: they come back in order next time.
    expect(fixture.simulator.state.pendingInvitation(DEMO_ORG_ID, second.id)).toBeDefined()
    expect(fixture.simulator.state.pendingInvitation(DEMO_ORG_ID, third.id)).toBeDefined()
  })

  it('on a FIFO queue fails only the rest of the failed record’s own message group', async () => {
    const { failedIndexes } = await deliver(
      [
        { body: revoke(first.id), groupId: 'leaver-a' },
        { body: forbidden, groupId: 'leaver-b' },
        { body: revoke(second.id), groupId: 'leaver-a' },
        { body: revoke(third.id), groupId: 'leaver-b' },
      ],
      { fifo: true },
    )
    expect(failedIndexes).toEqual([1, 3])
    expect(fixture.simulator.state.pendingInvitation(DEMO_ORG_ID, second.id)).toBeUndefined()
    expect(fixture.simulator.state.pendingInvitation(DEMO_ORG_ID, third.id)).toBeDefined()
  })

  it('on a FIFO queue throws when every record that ran failed for reasons outside the messages', async () => {
    fixture.simulator.faults.configure({ errorRate: 1, errorStatus: 503 })
    await expect(
      deliver(
        [
          { body: revoke(first.id), groupId: 'leaver-a' },
          { body: revoke(second.id), groupId: 'leaver-a' },
          { body: revoke(third.id), groupId: 'leaver-b' },
        ],
        { fifo: true, remainingMs: 4_000 },
      ),
    ).rejects.toThrow(BatchFailedError)
  })

  it('refuses organizations outside ALLOWED_ORG_IDS as a record failure, without calling Atlas', async () => {
    const { failedIndexes } = await deliver([revoke(first.id)], {
      env: { ALLOWED_ORG_IDS: DEMO_MEMBER_ORG_ID },
    })
    expect(failedIndexes).toEqual([0])
    expect(fixture.simulator.counters().requests).toBe(0)
  })

  it('throws when every record fails for reasons outside the messages, so Lambda backs off', async () => {
    fixture.simulator.faults.configure({ errorRate: 1, errorStatus: 503 })
    await expect(
      deliver([revoke(first.id), revoke(second.id)], { remainingMs: 4_000 }),
    ).rejects.toThrow(BatchFailedError)
    // Still not revoked: SQS keeps the messages.
    expect(fixture.simulator.state.pendingInvitation(DEMO_ORG_ID, first.id)).toBeDefined()
  })

  it('returns the failures instead when a message itself is at fault', async () => {
    fixture.simulator.faults.configure({ errorRate: 1, errorStatus: 503 })
    const { failedIndexes } = await deliver([revoke(first.id), 'garbage'], { remainingMs: 4_000 })
    expect(failedIndexes).toEqual([0, 1])
  })

  it('runs at most QUEUE_CONCURRENCY revocations at once', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `e${String(i).padStart(23, '0')}`)
    for (const id of ids)
      fixture.simulator.state.invite({
        id,
        orgId: DEMO_ORG_ID,
        username: `${id}@example.com`,
        roles: ['ORG_MEMBER'],
      })
    fixture.simulator.faults.configure({ latencyMs: 40 })
    const { response } = await deliver(
      ids.map((id) => revoke(id)),
      { env: { QUEUE_CONCURRENCY: '3' } },
    )
    expect(response.batchItemFailures).toEqual([])
    expect(fixture.simulator.counters().maxInFlight).toBe(3)
  })

  it('finishes inside the Lambda deadline while Atlas hangs, and keeps the records', async () => {
    fixture.simulator.faults.configure({ hangRate: 1 })
    const started = Date.now()
    await expect(
      deliver([revoke(first.id), revoke(second.id), revoke(third.id)], { remainingMs: 2_500 }),
    ).rejects.toThrow(BatchFailedError)
    expect(Date.now() - started).toBeLessThan(2_500)
  })

  it('reads the Atlas key once across warm invocations', async () => {
    const handler = handlerWith()
    for (const invitation of DEMO_INVITATIONS) {
      await handler(sqsEvent([revoke(invitation.id)]), lambdaContext(10_000, 'queue'))
    }
    expect(fixture.secretsManager.calls()).toBe(1)
    // Three revocations on a warm process: one challenge, then one request each.
    expect(fixture.simulator.counters()).toMatchObject({ requests: 4, challenges: 1 })
  })
})
