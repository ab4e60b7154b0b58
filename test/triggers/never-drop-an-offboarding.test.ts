/**
 * Issue #18, one `describe` per numbered item: every message about a leaver ends settled,
 * failed (retried, then the DLQ) or ignored with a logged reason and a metric. The HTTP function
 * hands over to a real SQS protocol peer on loopback (local-aws-sqs, standard and FIFO queues);
 * what it queued is received as Lambda's event source would deliver it and run through the
 * queue function, against the Atlas simulator.
 */
import type { Server } from 'node:http'
import { Logger } from '@aws-lambda-powertools/logger'
import {
  CreateQueueCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs'
import type { APIGatewayProxyResult, SQSBatchResponse, SQSEvent } from 'aws-lambda'
import { createSqsServer } from 'local-aws-sqs'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { lambdaSqsEvent } from '../../dev/local-stack/sqs-event-source.ts'
import { DEMO_INVITATIONS, DEMO_ORG_ID } from '../../dev/simulator/demo-seed.ts'
import type { MetricSink } from '../../lib/audit/revocation-metrics.ts'
import { createHttpHandler } from '../../lib/triggers/http/http-handler.ts'
import { createQueueHandler } from '../../lib/triggers/queue/queue-handler.ts'
import { freePort } from '../support/free-port.ts'
import { type FunctionFixture, startFunctionFixture } from '../support/function-fixture.ts'
import { registerSecret } from '../support/known-secrets.ts'
import { httpApiEvent, lambdaContext, sqsEvent } from '../support/lambda-events.ts'

const [first, second] = DEMO_INVITATIONS
const ACCOUNT = '123456789012'
/** local-aws-sqs's SenderId for every message (one local principal). */
const LOCAL_SENDER = 'ABCDEFGHI1JKLMNOPQ23R'
const OKTA_SECRET_ID = 'atlas-invite-revoker/okta-event-hook'
const OKTA_SECRET = 'Basic b2t0YS1ldmVudC1ob29rOnMzY3JldC12YWx1ZQ=='
const OKTA_NEXT = 'Basic bmV4dC1va3RhLWhvb2s6YW5vdGhlci1zZWNyZXQ='
registerSecret(OKTA_SECRET)
registerSecret(OKTA_NEXT)

let server: Server
let sqs: SQSClient
let base: string
let queues: { standard: string; fifo: string }
let created = 0
let fixture: FunctionFixture

beforeAll(async () => {
  const port = await freePort()
  server = await createSqsServer({ port, hostname: '127.0.0.1' })
  base = `http://127.0.0.1:${port}/${ACCOUNT}`
  Object.assign(process.env, { AWS_ENDPOINT_URL_SQS: `http://127.0.0.1:${port}` })
  sqs = new SQSClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  })
})
afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL_SQS
  sqs.destroy()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})
beforeEach(async () => {
  fixture = await startFunctionFixture()
  fixture.secretsManager.putSecret(OKTA_SECRET_ID, OKTA_SECRET)
  // A pair of fresh queues per test: nothing left over from another.
  created += 1
  await sqs.send(new CreateQueueCommand({ QueueName: `revoke-${created}` }))
  await sqs.send(
    new CreateQueueCommand({
      QueueName: `revoke-${created}.fifo`,
      Attributes: { FifoQueue: 'true' },
    }),
  )
  queues = { standard: `${base}/revoke-${created}`, fifo: `${base}/revoke-${created}.fifo` }
})
afterEach(() => fixture.stop())

/** A metric sink that keeps what it was told. */
function recording() {
  const emitted: { name: string; value: number; dimensions: Record<string, string> }[] = []
  const sink: MetricSink = {
    emit: (name, _unit, value, dimensions = {}) => {
      emitted.push({ name, value, dimensions: { ...dimensions } })
    },
  }
  return { sink, emitted }
}

function httpHandler(env: Record<string, string> = {}, metrics?: MetricSink, logger?: Logger) {
  return createHttpHandler(
    { ...fixture.env, OKTA_SECRET_ID, REVOKE_QUEUE_URL: queues.standard, ...env },
    {
      dispatcher: fixture.dispatcher(),
      ...(metrics ? { metrics } : {}),
      ...(logger ? { logger } : {}),
    },
  )
}

function queueHandler(env: Record<string, string> = {}, metrics?: MetricSink, logger?: Logger) {
  return createQueueHandler(
    { ...fixture.env, TRUSTED_HANDOVER_SENDER: LOCAL_SENDER, ...env },
    {
      dispatcher: fixture.dispatcher(),
      ...(metrics ? { metrics } : {}),
      ...(logger ? { logger } : {}),
    },
  )
}

async function postWebhook(
  payload: unknown,
  env: Record<string, string> = {},
  remainingMs = 4_000,
) {
  const body = JSON.stringify(payload)
  const result = (await httpHandler(env)(
    httpApiEvent({ method: 'POST', path: '/revocations', body, headers: fixture.sign(body) }),
    lambdaContext(remainingMs),
  )) as APIGatewayProxyResult
  return { status: result.statusCode, body: JSON.parse(result.body) as Record<string, unknown> }
}

async function postOkta(
  body: string,
  authorization = OKTA_SECRET,
  env: Record<string, string> = {},
  metrics?: MetricSink,
) {
  const result = (await httpHandler(env, metrics)(
    httpApiEvent({ method: 'POST', path: '/okta/events', headers: { authorization }, body }),
    lambdaContext(3_000),
  )) as APIGatewayProxyResult
  return { status: result.statusCode, body: result.body }
}

/** Everything on a queue, as received with all attributes. */
async function drain(url: string): Promise<Message[]> {
  const messages: Message[] = []
  for (;;) {
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        // local-aws-sqs answers the older AttributeNames only; AWS takes both.
        AttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    )
    if (!received.Messages?.length) return messages
    messages.push(...received.Messages)
  }
}

const queueArn = (url: string) => `arn:aws:sqs:us-east-1:${ACCOUNT}:${url.split('/').at(-1)}`
const asEvent = (messages: Message[], url = queues.standard): SQSEvent =>
  lambdaSqsEvent(messages, queueArn(url), 'us-east-1')

async function runQueue(event: SQSEvent, env: Record<string, string> = {}, metrics?: MetricSink) {
  return (await queueHandler(env, metrics)(
    event,
    lambdaContext(8_000, 'queue'),
  )) as SQSBatchResponse
}

const pending = (invitationId: string) =>
  fixture.simulator.state.pendingInvitation(DEMO_ORG_ID, invitationId) !== undefined
/** Atlas refuses every request for a while: the webhook is handed over. */
const atlasDown = () => fixture.simulator.faults.configure({ errorRate: 1, errorStatus: 503 })
const atlasUp = () => fixture.simulator.faults.configure({})

function oktaEvent(fields: {
  uuid: string
  login?: unknown
  eventType?: string
  result?: string
  targetType?: string
}) {
  return {
    uuid: fields.uuid,
    eventType: fields.eventType ?? 'user.lifecycle.deactivate',
    outcome: { result: fields.result ?? 'SUCCESS', reason: null },
    published: '2026-12-06T10:00:00.000Z',
    target: [
      {
        id: `00u${fields.uuid.slice(0, 8)}`,
        type: fields.targetType ?? 'User',
        alternateId: fields.login ?? 'leaver@example.com',
        displayName: 'Leaver',
      },
    ],
  }
}

const delivery = (events: unknown[]) =>
  JSON.stringify({ eventType: 'com.okta.event_hook', data: { events } })

describe('1. EventBridge: only Okta events are read as Okta', () => {
  it("an HR event whose detail carries eventType and a revoke request is revoked, not acked as Okta's", async () => {
    const hr = {
      version: '0',
      id: 'ab2a0f55-0b2d-4f7e-8c3a-2f0c4b5e6d7f',
      'detail-type': 'Offboarding',
      source: 'hr.workday',
      time: '2026-12-06T10:00:00Z',
      detail: { eventType: 'employee.terminated', orgId: DEMO_ORG_ID, invitationId: first.id },
    }
    expect(await runQueue(sqsEvent([JSON.stringify(hr)]))).toEqual({ batchItemFailures: [] })
    expect(pending(first.id)).toBe(false)
  })

  it('an event from another source that is no revoke request fails into the DLQ, with its reason', async () => {
    const unknown = {
      id: 'e1',
      'detail-type': 'Offboarding',
      source: 'hr.workday',
      detail: { eventType: 'employee.terminated', employeeId: '123' },
    }
    const response = await runQueue(sqsEvent([JSON.stringify(unknown)]))
    expect(response.batchItemFailures).toHaveLength(1)
  })
})

describe('2. the hand-over queues the request it parsed, never the raw body', () => {
  const shapes: Record<string, Record<string, unknown>> = {
    'an EventBridge-looking body': { 'detail-type': 'x', detail: { note: 'not a request' } },
    'an SNS-looking body': { Type: 'Notification', Message: '{"note":"not a request"}' },
    'a body claiming a requester': {
      requestedBy: { trigger: 'iam', iamCaller: 'arn:aws:iam::1:user/x' },
    },
  }
  for (const [name, extra] of Object.entries(shapes)) {
    it(`${name}: queued, then revoked by the queue function`, async () => {
      atlasDown()
      const answer = await postWebhook({ orgId: DEMO_ORG_ID, invitationId: second.id, ...extra })
      expect(answer).toMatchObject({ status: 202, body: { outcome: 'queued' } })
      atlasUp()
      const messages = await drain(queues.standard)
      expect(messages).toHaveLength(1)
      expect(await runQueue(asEvent(messages))).toEqual({ batchItemFailures: [] })
      expect(pending(second.id)).toBe(false)
    })
  }
})

describe('3. Okta retries once and never a 4xx: an authenticated delivery is answered 200', () => {
  it('a delivery over 256 KiB: every leaver queued, each once', async () => {
    const events = Array.from({ length: 1200 }, (_, i) =>
      oktaEvent({ uuid: `uuid-${i}`, login: `leaver${i % 150}@example.com` }),
    )
    const body = delivery(events)
    expect(body.length).toBeGreaterThan(256 * 1024)
    expect(await postOkta(body)).toMatchObject({ status: 200 })
    const messages = await drain(queues.standard)
    expect(messages).toHaveLength(150)
  })

  it('during a rotation both Okta secrets are accepted', async () => {
    fixture.secretsManager.putSecret(OKTA_SECRET_ID, `${OKTA_SECRET}\n${OKTA_NEXT}`)
    for (const authorization of [OKTA_SECRET, OKTA_NEXT])
      expect(
        await postOkta(delivery([oktaEvent({ uuid: authorization.slice(-6) })]), authorization),
      ).toMatchObject({ status: 200 })
    expect(await drain(queues.standard)).toHaveLength(2)
    expect(await postOkta(delivery([]), 'Basic d3Jvbmc6d3Jvbmc=')).toMatchObject({ status: 401 })
  })

  it('skips failed outcomes and logins that are not emails, each counted and logged', async () => {
    const metrics = recording()
    const logger = new Logger({ serviceName: 'okta' })
    const warn = vi.spyOn(logger, 'warn')
    const result = (await createHttpHandler(
      { ...fixture.env, OKTA_SECRET_ID, REVOKE_QUEUE_URL: queues.standard },
      { dispatcher: fixture.dispatcher(), metrics: metrics.sink, logger },
    )(
      httpApiEvent({
        method: 'POST',
        path: '/okta/events',
        headers: { authorization: OKTA_SECRET },
        body: delivery([
          oktaEvent({ uuid: 'ok-1', login: 'stays@example.com' }),
          oktaEvent({ uuid: 'failed-1', result: 'FAILURE', login: 'not-left@example.com' }),
          oktaEvent({ uuid: 'login-1', login: 'jdoe' }),
        ]),
      }),
      lambdaContext(3_000),
    )) as APIGatewayProxyResult
    expect(result.statusCode).toBe(200)
    // The line names each event, why, and whom, for an offboarding by hand.
    expect(warn).toHaveBeenCalledWith('okta events skipped', {
      skipped: [
        expect.objectContaining({
          reason: 'outcome_not_success',
          oktaEventId: 'failed-1',
          users: ['not-left@example.com'],
        }),
        expect.objectContaining({
          reason: 'login_not_email',
          oktaEventId: 'login-1',
          users: ['jdoe'],
        }),
      ],
    })
    const bodies = (await drain(queues.standard)).map((message) => message.Body ?? '')
    expect(bodies).toHaveLength(1)
    expect(bodies[0]).toContain('stays@example.com')
    const skipped = metrics.emitted.filter((metric) => metric.name === 'LeaverSkipped')
    expect(skipped.reduce((sum, metric) => sum + metric.value, 0)).toBe(2)
  })

  it('an authenticated delivery that is not an event hook delivery is still a 200, counted', async () => {
    const metrics = recording()
    for (const body of ['not json', '{"data":{}}', '[]'])
      expect(await postOkta(body, OKTA_SECRET, {}, metrics.sink), body).toMatchObject({
        status: 200,
      })
    expect(metrics.emitted.filter((metric) => metric.name === 'LeaverSkipped')).toHaveLength(3)
  })
})

describe('4. a FIFO revoke queue', () => {
  it('takes hand-overs with a group and a deduplication id, and a duplicate once', async () => {
    const fifo = { REVOKE_QUEUE_URL: queues.fifo }
    const body = delivery([oktaEvent({ uuid: 'fifo-1', login: 'fifo@example.com' })])
    expect(await postOkta(body, OKTA_SECRET, fifo)).toMatchObject({ status: 200 })
    expect(await postOkta(body, OKTA_SECRET, fifo)).toMatchObject({ status: 200 })
    atlasDown()
    expect(await postWebhook({ orgId: DEMO_ORG_ID, invitationId: first.id }, fifo)).toMatchObject({
      status: 202,
    })
    atlasUp()
    const messages = await drain(queues.fifo)
    expect(messages).toHaveLength(2)
    for (const message of messages) {
      expect(message.Attributes?.MessageGroupId).toBeTruthy()
      expect(message.Attributes?.MessageDeduplicationId).toBeTruthy()
    }
    expect(
      await runQueue(asEvent(messages, queues.fifo), { ALLOWED_ORG_IDS: DEMO_ORG_ID }),
    ).toEqual({ batchItemFailures: [] })
    expect(pending(first.id)).toBe(false)
  })

  it('gives each person a valid group of their own, however long or un-ASCII the email', async () => {
    const fifo = { REVOKE_QUEUE_URL: queues.fifo }
    const logins = [`${'a'.repeat(125)}@example.com`, 'jörg@example.com', 'ok@example.com']
    const body = delivery(logins.map((login, i) => oktaEvent({ uuid: `long-${i}`, login })))
    expect(await postOkta(body, OKTA_SECRET, fifo)).toMatchObject({ status: 200 })
    const messages = await drain(queues.fifo)
    expect(messages).toHaveLength(3)
    const groups = messages.map((message) => message.Attributes?.MessageGroupId ?? '')
    expect(new Set(groups).size).toBe(3)
    for (const group of groups) expect(group).toMatch(/^[\x21-\x7e]{1,128}$/)
  })

  it('keeps two deliveries of the same leaver apart, and one delivery sent twice together', async () => {
    const fifo = { REVOKE_QUEUE_URL: queues.fifo }
    const once = delivery([oktaEvent({ uuid: 'delivery-1', login: 'twice@example.com' })])
    const again = delivery([oktaEvent({ uuid: 'delivery-2', login: 'twice@example.com' })])
    for (const body of [once, once, again])
      expect(await postOkta(body, OKTA_SECRET, fifo)).toMatchObject({ status: 200 })
    const messages = await drain(queues.fifo)
    expect(messages.map((message) => JSON.parse(message.Body ?? '{}').deliveryId).sort()).toEqual([
      'delivery-1',
      'delivery-2',
    ])
  })
})

describe('4b. a revoke queue that refuses', () => {
  it('answers Okta 503 and names every leaver not queued, counted for the alarm', async () => {
    const closed = `http://127.0.0.1:${await freePort()}/${ACCOUNT}/revoke-gone`
    const logger = new Logger({ serviceName: 'okta' })
    const error = vi.spyOn(logger, 'error')
    const metrics = recording()
    const handler = createHttpHandler(
      { ...fixture.env, OKTA_SECRET_ID, REVOKE_QUEUE_URL: closed },
      { dispatcher: fixture.dispatcher(), metrics: metrics.sink, logger },
    )
    const body = delivery([
      oktaEvent({ uuid: 'lost-1', login: 'one@example.com' }),
      oktaEvent({ uuid: 'lost-2', login: 'two@example.com' }),
    ])
    const result = (await handler(
      httpApiEvent({
        method: 'POST',
        path: '/okta/events',
        headers: { authorization: OKTA_SECRET },
        body,
      }),
      lambdaContext(3_000),
    )) as APIGatewayProxyResult
    expect(result.statusCode).toBe(503)
    const line = error.mock.calls.find(
      ([message]) => message === 'okta leavers not handed to the revoke queue',
    )?.[1] as { notQueued: unknown[] }
    expect(line.notQueued).toEqual([
      { username: 'one@example.com', oktaEventId: 'lost-1' },
      { username: 'two@example.com', oktaEventId: 'lost-2' },
    ])
    expect(metrics.emitted).toContainEqual({ name: 'LeaverNotQueued', value: 2, dimensions: {} })
  })
})

describe('5. the audit trail: who asked is what AWS says, never what the body claims', () => {
  it("logs SQS's SenderId as the requester and the body's claim as claimedBy", async () => {
    const logger = new Logger({ serviceName: 'audit' })
    const info = vi.spyOn(logger, 'info')
    const body = {
      orgId: DEMO_ORG_ID,
      invitationId: first.id,
      requestedBy: { trigger: 'webhook', webhookId: 'msg_forged' },
    }
    const handler = createQueueHandler(
      { ...fixture.env, TRUSTED_HANDOVER_SENDER: 'AROATRUSTED' },
      { dispatcher: fixture.dispatcher(), logger },
    )
    await handler(sqsEvent([JSON.stringify(body)]), lambdaContext(8_000, 'queue'))
    const audit = info.mock.calls.find(([message]) => message === 'audit: revocation')?.[1] as {
      requestedBy: Record<string, unknown>
      claimedBy: unknown
    }
    expect(audit.requestedBy).toMatchObject({ trigger: 'queue', senderId: 'AIDAEXAMPLE' })
    expect(audit.requestedBy).not.toHaveProperty('webhookId')
    expect(audit.claimedBy).toEqual({ trigger: 'webhook', webhookId: 'msg_forged' })
  })

  it('keeps the original requester of a hand-over, sent by our own HTTP function', async () => {
    atlasDown()
    await postWebhook({ orgId: DEMO_ORG_ID, invitationId: first.id }, {})
    atlasUp()
    const messages = await drain(queues.standard)
    const logger = new Logger({ serviceName: 'audit' })
    const info = vi.spyOn(logger, 'info')
    const handler = createQueueHandler(
      { ...fixture.env, TRUSTED_HANDOVER_SENDER: LOCAL_SENDER },
      { dispatcher: fixture.dispatcher(), logger },
    )
    await handler(asEvent(messages), lambdaContext(8_000, 'queue'))
    const audit = info.mock.calls.find(([message]) => message === 'audit: revocation')?.[1] as {
      requestedBy: Record<string, unknown>
    }
    expect(audit.requestedBy).toMatchObject({
      trigger: 'webhook',
      webhookId: expect.stringMatching(/^msg_/),
      handedOverBy: LOCAL_SENDER,
    })
  })
})

describe('6. bounded fan-out', () => {
  it('a delivery naming one leaver a thousand times queues one message', async () => {
    const events = Array.from({ length: 1000 }, (_, i) =>
      oktaEvent({
        uuid: `dup-${i}`,
        login: i % 2 === 0 ? 'Same@Example.com' : 'same@example.com ',
      }),
    )
    expect(await postOkta(delivery(events))).toMatchObject({ status: 200 })
    expect(await drain(queues.standard)).toHaveLength(1)
  })

  it('a person whose search would cover more scopes than the cap is refused, saying how to narrow it', async () => {
    // The organization and its projects, exactly the cap (1,000 scopes): searched, not refused.
    fixture.simulator.configureRateLimit({ ratePerSecond: 100_000, burst: 100_000 })
    const seeded = fixture.simulator.state.projects(DEMO_ORG_ID).length
    const project = (i: number) => ({
      id: `f${i.toString(16).padStart(23, '0')}`,
      orgId: DEMO_ORG_ID,
      name: `p${i}`,
    })
    for (let i = 0; i < 1000 - 1 - seeded; i++) fixture.simulator.state.addProject(project(i))
    // A thousand lists take a few seconds on a loaded machine: time enough that the answer is
    // the search's, not the deadline's (which would hand the rest to the queue, 202).
    const atCap = await postWebhook(
      { orgId: DEMO_ORG_ID, username: 'nobody@example.com' },
      { INCLUDE_PROJECT_INVITATIONS: 'true' },
      15_000,
    )
    expect(atCap, JSON.stringify(atCap)).toMatchObject({
      status: 200,
      body: { outcome: 'already_gone' },
    })
    // One more is over it.
    fixture.simulator.state.addProject(project(5000))
    const answer = await postWebhook(
      { orgId: DEMO_ORG_ID, username: 'nobody@example.com' },
      { INCLUDE_PROJECT_INVITATIONS: 'true' },
      15_000,
    )
    expect(answer, JSON.stringify(answer)).toMatchObject({
      status: 502,
      body: { outcome: 'invalid', detail: expect.stringMatching(/scopes/) },
    })
  }, 40_000)
})
