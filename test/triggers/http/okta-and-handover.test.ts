/**
 * The HTTP function's hand-overs to the revoke queue: Okta Event Hooks (verification, the
 * Authorization check, leavers queued at once) and signed webhooks that Atlas could not finish.
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Logger } from '@aws-lambda-powertools/logger'
import { SQSClient } from '@aws-sdk/client-sqs'
import type { APIGatewayProxyResult } from 'aws-lambda'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DEMO_INVITATIONS, DEMO_ORG_ID } from '../../../dev/simulator/demo-seed.ts'
import type { HandOver } from '../../../lib/triggers/handover.ts'
import { createHttpHandler } from '../../../lib/triggers/http/http-handler.ts'
import { arrival } from '../../../lib/triggers/http/okta-route.ts'
import {
  EnqueueFailedError,
  type RevokeQueue,
  sqsRevokeQueue,
} from '../../../lib/triggers/http/revoke-queue.ts'
import { handOverDeadline } from '../../../lib/triggers/http/webhook-route.ts'
import { type FunctionFixture, startFunctionFixture } from '../../support/function-fixture.ts'
import { registerSecret } from '../../support/known-secrets.ts'
import { httpApiEvent, lambdaContext } from '../../support/lambda-events.ts'

const [first] = DEMO_INVITATIONS
const OKTA_SECRET_ID = 'atlas-invite-revoker/okta-event-hook'
const OKTA_SECRET = 'Basic b2t0YS1ldmVudC1ob29rOnMzY3JldC12YWx1ZQ=='
const QUEUE_URL =
  'https://sqs.us-east-1.amazonaws.com/123456789012/atlas-invite-revoker-test-revoke'
const hookDelivery = readFileSync(
  new URL('../../../dev/local-stack/okta/event-hook-deactivate.json', import.meta.url),
  'utf8',
)
registerSecret(OKTA_SECRET)

let fixture: FunctionFixture
let sent: HandOver[]
let queueDown: boolean
/** The deadline each send was given, and when it was called. */
let sends: { deadline: number | undefined; at: number }[]
const queue: RevokeQueue = {
  async send(requests, options) {
    sends.push({ deadline: options?.deadline, at: Date.now() })
    if (queueDown)
      throw new EnqueueFailedError('the revoke queue refused the requests (Throttled)', requests)
    sent.push(...requests)
  },
}

beforeEach(async () => {
  fixture = await startFunctionFixture()
  fixture.secretsManager.putSecret(OKTA_SECRET_ID, OKTA_SECRET)
  sent = []
  sends = []
  queueDown = false
})
afterEach(() => fixture.stop())

function handler(env: Record<string, string> = {}, logger?: Logger) {
  return createHttpHandler(
    { ...fixture.env, OKTA_SECRET_ID, REVOKE_QUEUE_URL: QUEUE_URL, ...env },
    { dispatcher: fixture.dispatcher(), revokeQueue: queue, ...(logger ? { logger } : {}) },
  )
}

async function okta(
  method: 'GET' | 'POST',
  headers: Record<string, string>,
  body?: string,
  env: Record<string, string> = {},
) {
  const result = (await handler(env)(
    httpApiEvent({ method, path: '/okta/events', headers, ...(body ? { body } : {}) }),
    lambdaContext(3_000),
  )) as APIGatewayProxyResult
  return { status: result.statusCode, body: result.body }
}

describe('Okta Event Hooks: GET|POST /okta/events', () => {
  it('answers the one-time verification with the challenge, for the configured Authorization only', async () => {
    const verified = await okta('GET', {
      authorization: OKTA_SECRET,
      'x-okta-verification-challenge': 'c2a5f8e0-verify',
    })
    expect(verified).toEqual({
      status: 200,
      body: JSON.stringify({ verification: 'c2a5f8e0-verify' }),
    })
    for (const authorization of [undefined, 'Basic d3Jvbmc=', `${OKTA_SECRET} `.repeat(2)]) {
      const refused = await okta('GET', {
        ...(authorization ? { authorization } : {}),
        'x-okta-verification-challenge': 'c2a5f8e0-verify',
      })
      expect(refused.status).toBe(401)
      expect(refused.body).not.toContain('c2a5f8e0-verify')
    }
  })

  it('queues every leaver of a delivery at once, answers an empty 200, and calls no Atlas', async () => {
    const answer = await okta('POST', { authorization: OKTA_SECRET }, hookDelivery)
    expect(answer).toEqual({ status: 200, body: '' })
    expect(sent).toEqual([
      {
        request: { username: 'john.doe@example.com', dryRun: false },
        requestedBy: {
          trigger: 'okta',
          oktaEventId: 'ab62c0bc-2837-11eb-9823-9fb8f750c5a9',
          requestId: expect.any(String),
        },
        deliveryId: 'ab62c0bc-2837-11eb-9823-9fb8f750c5a9',
      },
    ])
    expect(fixture.simulator.counters().requests).toBe(0)
  })

  it('acknowledges events that are not a leaver’s without queueing anything', async () => {
    const delivery = JSON.parse(hookDelivery)
    delivery.data.events = delivery.data.events.slice(1)
    expect(await okta('POST', { authorization: OKTA_SECRET }, JSON.stringify(delivery))).toEqual({
      status: 200,
      body: '',
    })
    expect(sent).toEqual([])
  })

  it('takes suspension and deletion as leaving too', async () => {
    const delivery = JSON.parse(hookDelivery)
    const [deactivate] = delivery.data.events
    delivery.data.events = ['user.lifecycle.suspend', 'user.lifecycle.delete.initiated'].map(
      (eventType, index) => ({
        ...deactivate,
        eventType,
        uuid: `uuid-${index}`,
        target: [{ ...deactivate.target[0], alternateId: `leaver${index}@example.com` }],
      }),
    )
    await okta('POST', { authorization: OKTA_SECRET }, JSON.stringify(delivery))
    expect(sent.map(({ request }) => ('username' in request ? request.username : ''))).toEqual([
      'leaver0@example.com',
      'leaver1@example.com',
    ])
  })

  it('refuses a wrong Authorization, takes a body that is no delivery (200, skipped), and says 503 when the queue refuses', async () => {
    expect((await okta('POST', { authorization: 'nope' }, hookDelivery)).status).toBe(401)
    // Okta retries no 4xx: an authenticated delivery is answered 200, its skip counted.
    expect((await okta('POST', { authorization: OKTA_SECRET }, '{"data":{}}')).status).toBe(200)
    queueDown = true
    expect((await okta('POST', { authorization: OKTA_SECRET }, hookDelivery)).status).toBe(503)
    expect(sent).toEqual([])
  })

  it('gives the queue until 2.5 s after the delivery arrived, or less when Lambda has less', async () => {
    const post = async (remainingMs: number) => {
      const started = Date.now()
      const result = (await handler()(
        httpApiEvent({
          method: 'POST',
          path: '/okta/events',
          headers: { authorization: OKTA_SECRET },
          body: hookDelivery,
        }),
        lambdaContext(remainingMs),
      )) as APIGatewayProxyResult
      expect(result.statusCode).toBe(200)
      const send = sends.at(-1)
      return { started, deadline: send?.deadline ?? Number.NaN, at: send?.at ?? Number.NaN }
    }
    const roomy = await post(30_000)
    // 2.5 s from the route's first step, which is between the test's start and the send.
    expect(roomy.deadline).toBeGreaterThanOrEqual(roomy.started + 2_500)
    expect(roomy.deadline).toBeLessThanOrEqual(roomy.at + 2_500)
    // Lambda's 1.8 s, less the usual 1 s margin, comes first.
    const tight = await post(1_800)
    expect(tight.deadline).toBeGreaterThanOrEqual(tight.started + 800)
    expect(tight.deadline).toBeLessThanOrEqual(tight.at + 800)
  })

  it('answers 503 inside Okta’s 3 s when SQS hangs, and logs the leavers not queued', async () => {
    const hang = createServer((incoming) => incoming.resume())
    await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve))
    const { port } = hang.address() as AddressInfo
    // A client whose own timeouts (10 s) would outlast Okta: only the route's deadline bounds it.
    const sqs = new SQSClient({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
      maxAttempts: 1,
      requestHandler: { requestTimeout: 10_000 },
    })
    const logger = new Logger({ serviceName: 'okta', logLevel: 'DEBUG' })
    const error = vi.spyOn(logger, 'error')
    try {
      const hanging = createHttpHandler(
        { ...fixture.env, OKTA_SECRET_ID, REVOKE_QUEUE_URL: QUEUE_URL },
        {
          dispatcher: fixture.dispatcher(),
          revokeQueue: sqsRevokeQueue(`http://127.0.0.1:${port}/123456789012/revoke`, sqs),
          logger,
        },
      )
      const started = Date.now()
      const result = (await hanging(
        httpApiEvent({
          method: 'POST',
          path: '/okta/events',
          headers: { authorization: OKTA_SECRET },
          body: hookDelivery,
        }),
        lambdaContext(30_000),
      )) as APIGatewayProxyResult
      const took = Date.now() - started
      expect(result.statusCode).toBe(503)
      expect(result.headers?.['retry-after']).toBeDefined()
      // Within the 2.5 s budget, give or take a loaded machine; never the client's 10 s.
      expect(took).toBeLessThan(4_500)
      expect(took).toBeGreaterThanOrEqual(1_500)
      expect(error).toHaveBeenCalledWith(
        'okta leavers not handed to the revoke queue',
        expect.objectContaining({
          notQueued: [
            {
              username: 'john.doe@example.com',
              oktaEventId: 'ab62c0bc-2837-11eb-9823-9fb8f750c5a9',
            },
          ],
        }),
      )
    } finally {
      sqs.destroy()
      hang.closeAllConnections()
      await new Promise<void>((resolve) => hang.close(() => resolve()))
    }
  })

  it('is off (404) without OKTA_SECRET_ID', async () => {
    const off = await okta('POST', { authorization: OKTA_SECRET }, hookDelivery, {
      OKTA_SECRET_ID: '',
    })
    expect(off.status).toBe(404)
  })
})

describe('signed webhooks Atlas cannot finish now', () => {
  /** One warm container for the test. */
  let container: ReturnType<typeof handler> | undefined
  beforeEach(() => {
    container = undefined
  })
  async function post(payload: unknown, logger?: Logger) {
    container ??= handler({}, logger)
    const body = JSON.stringify(payload)
    const result = (await container(
      httpApiEvent({
        method: 'POST',
        path: '/revocations',
        body,
        headers: fixture.sign(body, { id: 'msg_handover' }),
      }),
      lambdaContext(3_000),
    )) as APIGatewayProxyResult
    return { status: result.statusCode, body: JSON.parse(result.body) as Record<string, unknown> }
  }

  it('are handed to the revoke queue and answered 202 queued, once per webhook-id', async () => {
    fixture.simulator.faults.configure({ errorRate: 1, errorStatus: 503 })
    const request = { orgId: DEMO_ORG_ID, invitationId: first.id }
    const answer = await post(request)
    expect(answer).toMatchObject({ status: 202, body: { outcome: 'queued' } })
    expect(sent).toEqual([
      {
        request: { ...request, dryRun: false },
        requestedBy: {
          trigger: 'webhook',
          webhookId: 'msg_handover',
          requestId: expect.any(String),
        },
        deliveryId: 'msg_handover',
      },
    ])
    // The sender's retry of the same delivery gets the same answer; nothing is queued twice.
    expect(await post(request)).toMatchObject({ status: 202, body: { outcome: 'queued' } })
    expect(sent).toHaveLength(1)
  })

  it('answer 503 as before when the queue refuses too', async () => {
    fixture.simulator.faults.configure({ errorRate: 1, errorStatus: 503 })
    queueDown = true
    expect(await post({ orgId: DEMO_ORG_ID, invitationId: first.id })).toMatchObject({
      status: 503,
      body: { outcome: 'upstream_error' },
    })
  })

  it('are not handed over when Atlas refused for good, or when it was only a dry run', async () => {
    expect(
      await post({ orgId: 'b0123456789abcdef012345b', invitationId: 'b0000000000000000000000b' }),
    ).toMatchObject({ status: 502, body: { outcome: 'forbidden' } })
    fixture.simulator.faults.configure({ errorRate: 1, errorStatus: 503 })
    expect(
      await post({ username: first.username, orgId: DEMO_ORG_ID, dryRun: true }),
    ).toMatchObject({ status: 503 })
    expect(sent).toEqual([])
  })

  it('log one audit line per revocation: who asked, what, outcome, Atlas status, when', async () => {
    const logger = new Logger({ serviceName: 'audit', logLevel: 'DEBUG' })
    const info = vi.spyOn(logger, 'info')
    await post({ orgId: DEMO_ORG_ID, username: first.username }, logger)
    const audit = info.mock.calls.filter(([message]) => message === 'audit: revocation')
    expect(audit).toHaveLength(1)
    expect(audit[0]?.[1]).toMatchObject({
      audit: 'revocation',
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      requestedBy: { trigger: 'webhook', webhookId: 'msg_handover' },
      orgId: DEMO_ORG_ID,
      invitationId: first.id,
      username: first.username,
      outcome: 'revoked',
      atlasStatus: 204,
    })
  })
})

describe("the webhook hand-over's deadline", () => {
  it("uses what the revocation left, less the answer's 200 ms, and never less than 250 ms", () => {
    expect(handOverDeadline(1_000, 0)).toBe(800)
    expect(handOverDeadline(300, 0)).toBe(250)
    expect(handOverDeadline(0, 0)).toBe(250)
  })
})

describe("the Okta route's clock", () => {
  it("starts at API Gateway's arrival when plausible, else now", () => {
    expect(arrival(9_000, 10_000)).toBe(9_000)
    expect(arrival(undefined, 10_000)).toBe(10_000)
    // In the future, or older than Okta's whole wait: a clock that is off, not a slow start.
    expect(arrival(10_500, 10_000)).toBe(10_000)
    expect(arrival(6_000, 10_000)).toBe(10_000)
  })
})
