/**
 * Every refused request leaves one WARN line (`request refused`: request id, route, reason,
 * source IP; never the body or a secret) and one `Refused` count by reason, and reaches no
 * Atlas; a replay answered from memory is no refusal.
 */
import { randomBytes } from 'node:crypto'
import type { APIGatewayProxyResult } from 'aws-lambda'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  DEMO_INVITATIONS,
  DEMO_MEMBER_ORG_ID,
  DEMO_ORG_ID,
} from '../../../dev/simulator/demo-seed.ts'
import { createHttpHandler, MAX_BODY_BYTES } from '../../../lib/triggers/http/http-handler.ts'
import { REFUSAL_REASONS } from '../../../lib/triggers/http/refusals.ts'
import type { RevokeQueue } from '../../../lib/triggers/http/revoke-queue.ts'
import { signWebhook } from '../../../lib/triggers/http/webhook-signature.ts'
import {
  type FunctionFixture,
  startFunctionFixture,
  WEBHOOK_SECRET_ID,
} from '../../support/function-fixture.ts'
import { knownSecrets, registerSecret } from '../../support/known-secrets.ts'
import {
  type HttpCall,
  httpApiEvent,
  lambdaContext,
  restEvent,
} from '../../support/lambda-events.ts'
import { captureLogLines, type LogLine, recordingMetrics } from '../../support/observed.ts'

const [first, second] = DEMO_INVITATIONS
const OKTA_SECRET_ID = 'atlas-invite-revoker/okta-event-hook'
const OKTA_SECRET = `Basic ${randomBytes(24).toString('base64')}`
const QUEUE_URL =
  'https://sqs.us-east-1.amazonaws.com/123456789012/atlas-invite-revoker-test-revoke'
const SOURCE_IP = '198.51.100.10'
/** In every body sent: a refusal line must never carry it. */
const MARKER = 'body-marker-5f0c2e'
registerSecret(OKTA_SECRET)

const queue: RevokeQueue = { send: async () => {} }
let fixture: FunctionFixture
let capture: ReturnType<typeof captureLogLines>

beforeEach(async () => {
  fixture = await startFunctionFixture()
  fixture.secretsManager.putSecret(OKTA_SECRET_ID, OKTA_SECRET)
  capture = captureLogLines()
})
afterEach(async () => {
  capture.stop()
  await fixture.stop()
})

function handler(metrics = recordingMetrics(), env: Record<string, string> = {}) {
  return createHttpHandler(
    { ...fixture.env, OKTA_SECRET_ID, REVOKE_QUEUE_URL: QUEUE_URL, ...env },
    { dispatcher: fixture.dispatcher(), revokeQueue: queue, metrics },
  )
}

interface Sent {
  readonly status: number
  readonly body: Record<string, unknown>
  readonly refusals: LogLine[]
  readonly warnings: LogLine[]
  readonly refused: string[]
}

async function send(
  call: HttpCall,
  options: { shape?: 'rest' | 'httpApi'; env?: Record<string, string> } = {},
): Promise<Sent> {
  const metrics = recordingMetrics()
  const before = capture.lines().length
  const event = options.shape === 'rest' ? restEvent(call) : httpApiEvent(call)
  const result = (await handler(metrics, options.env)(
    event,
    lambdaContext(5_000),
  )) as APIGatewayProxyResult
  const lines = capture.lines().slice(before)
  return {
    status: result.statusCode,
    body: JSON.parse(result.body || '{}') as Record<string, unknown>,
    refusals: lines.filter((line) => line.message === 'request refused'),
    warnings: lines.filter((line) => line.level === 'WARN'),
    refused: metrics.emitted
      .filter((metric) => metric.name === 'Refused')
      .map((metric) => {
        expect(metric).toMatchObject({ unit: 'Count', value: 1 })
        return metric.dimensions.reason ?? ''
      }),
  }
}

function webhook(body: string, headers = fixture.sign(body)): HttpCall {
  return {
    method: 'POST',
    path: '/revocations',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  }
}

const revokeFirst = JSON.stringify({ orgId: DEMO_ORG_ID, invitationId: first.id, note: MARKER })

/** One WARN line naming the request, route, reason and source IP; one count; no Atlas call. */
function expectRefused(sent: Sent, reason: string, route: string, status: number): void {
  expect(sent.status).toBe(status)
  expect(sent.warnings).toHaveLength(1)
  expect(sent.refusals).toHaveLength(1)
  expect(sent.refusals[0]).toMatchObject({
    level: 'WARN',
    requestId: sent.body.requestId,
    route,
    reason,
    sourceIp: SOURCE_IP,
    status,
  })
  expect(sent.refused).toEqual([reason])
  const line = sent.refusals[0]?.raw ?? ''
  expect(line).not.toContain(MARKER)
  for (const secret of [...knownSecrets, fixture.webhookSecret, OKTA_SECRET])
    expect(line).not.toContain(secret)
  expect(fixture.simulator.counters().requests).toBe(0)
}

describe('a refused webhook: logged once and counted by reason', () => {
  it('missing_signature: a webhook-* header is missing', async () => {
    const { 'webhook-signature': _signature, ...headers } = fixture.sign(revokeFirst)
    expectRefused(
      await send(webhook(revokeFirst, headers)),
      'missing_signature',
      'POST /revocations',
      401,
    )
  })

  it('bad_signature: made with another key, and without the signature in the line', async () => {
    const other = `whsec_${randomBytes(32).toString('base64')}`
    registerSecret(other)
    const headers = signWebhook(other, 'msg_other', new Date(), revokeFirst)
    const sent = await send(webhook(revokeFirst, headers))
    expectRefused(sent, 'bad_signature', 'POST /revocations', 401)
    const signature = headers['webhook-signature']?.slice(3) ?? ''
    expect(sent.refusals[0]?.raw).not.toContain(signature)
    expect(sent.refusals[0]).toMatchObject({
      detail: 'no matching v1 signature',
      webhookId: 'msg_other',
    })
  })

  it('bad_signature: signed with a secret rotated out', async () => {
    const headers = fixture.sign(revokeFirst)
    const next = `whsec_${randomBytes(32).toString('base64')}`
    registerSecret(next)
    fixture.secretsManager.putSecret(WEBHOOK_SECRET_ID, next)
    expectRefused(
      await send(webhook(revokeFirst, headers)),
      'bad_signature',
      'POST /revocations',
      401,
    )
  })

  it('stale_timestamp: older than five minutes, or in the future', async () => {
    for (const offset of [-6 * 60_000, 6 * 60_000]) {
      const headers = fixture.sign(revokeFirst, { at: new Date(Date.now() + offset) })
      expectRefused(
        await send(webhook(revokeFirst, headers)),
        'stale_timestamp',
        'POST /revocations',
        401,
      )
    }
  })

  it('replay_mismatch: a remembered webhook-id with another body; a true replay is none', async () => {
    const metrics = recordingMetrics()
    const id = 'msg_replayed'
    // One container: the first delivery, its replay (answered from memory), another body.
    const shared = handler(metrics)
    const deliver = async (body: string) =>
      (await shared(
        httpApiEvent(webhook(body, fixture.sign(body, { id }))),
        lambdaContext(5_000),
      )) as APIGatewayProxyResult
    expect((await deliver(revokeFirst)).statusCode).toBe(200)
    const before = capture.lines().length
    expect((await deliver(revokeFirst)).statusCode).toBe(200)
    expect(metrics.emitted.filter((metric) => metric.name === 'Refused')).toEqual([])
    const other = JSON.stringify({ orgId: DEMO_ORG_ID, invitationId: second.id, note: MARKER })
    const conflict = await deliver(other)
    expect(conflict.statusCode).toBe(409)
    const lines = capture.lines().slice(before)
    const refusals = lines.filter((line) => line.message === 'request refused')
    expect(refusals).toHaveLength(1)
    expect(refusals[0]).toMatchObject({
      reason: 'replay_mismatch',
      route: 'POST /revocations',
      requestId: JSON.parse(conflict.body).requestId,
      sourceIp: SOURCE_IP,
      webhookId: id,
    })
    expect(refusals[0]?.raw).not.toContain(MARKER)
    expect(metrics.emitted.filter((metric) => metric.name === 'Refused')).toEqual([
      { name: 'Refused', unit: 'Count', value: 1, dimensions: { reason: 'replay_mismatch' } },
    ])
    // Only the first delivery reached Atlas.
    expect(fixture.simulator.counters().deletes).toBe(1)
    expect(fixture.simulator.state.pendingInvitation(DEMO_ORG_ID, second.id)).toBeDefined()
  })

  it('invalid_request: a body that is not JSON', async () => {
    const raw = `{"orgId":"${MARKER}`
    const sent = await send(webhook(raw))
    expectRefused(sent, 'invalid_request', 'POST /revocations', 400)
    expect(sent.refusals[0]).toMatchObject({ field: 'body' })
  })

  it('invalid_request: a field breaking a rule, and a near miss of a field', async () => {
    for (const [payload, field] of [
      [{ orgId: DEMO_ORG_ID, username: MARKER }, 'username'],
      [{ orgId: DEMO_ORG_ID, userName: `${MARKER}@example.com` }, 'username'],
    ] as const) {
      const sent = await send(webhook(JSON.stringify(payload)))
      expectRefused(sent, 'invalid_request', 'POST /revocations', 400)
      expect(sent.refusals[0]).toMatchObject({ field })
    }
  })

  it('invalid_request: a lookalike field is named as sent beside the field expected, cut short', async () => {
    const long = `isDryRun${'x'.repeat(200)}`
    for (const [payload, unknownField] of [
      [{ orgId: DEMO_ORG_ID, userName: `${MARKER}@example.com` }, 'userName'],
      [{ username: `${MARKER}@example.com`, isDryRun: true }, 'isDryRun'],
      [{ username: `${MARKER}@example.com`, [long]: true }, long.slice(0, 64)],
    ] as const) {
      const sent = await send(webhook(JSON.stringify(payload)))
      expectRefused(sent, 'invalid_request', 'POST /revocations', 400)
      expect(sent.body).toMatchObject({ unknownField })
      expect(sent.refusals[0]).toMatchObject({ unknownField })
    }
  })

  it('payload_too_large: a body over the limit, before its signature is read', async () => {
    const body = JSON.stringify({ orgId: DEMO_ORG_ID, note: MARKER.repeat(MAX_BODY_BYTES) })
    expectRefused(await send(webhook(body, {})), 'payload_too_large', 'POST /revocations', 413)
  })

  it('org_not_allowed: an organization outside ALLOWED_ORG_IDS', async () => {
    const body = JSON.stringify({ orgId: DEMO_MEMBER_ORG_ID, invitationId: first.id, note: MARKER })
    const sent = await send(webhook(body), { env: { ALLOWED_ORG_IDS: DEMO_ORG_ID } })
    expectRefused(sent, 'org_not_allowed', 'POST /revocations', 403)
    expect(sent.refusals[0]).toMatchObject({ orgId: DEMO_MEMBER_ORG_ID })
  })

  it('reads the source IP of a REST API (payload 1.0) event too', async () => {
    const { 'webhook-id': _id, ...headers } = fixture.sign(revokeFirst)
    expectRefused(
      await send(webhook(revokeFirst, headers), { shape: 'rest' }),
      'missing_signature',
      'POST /revocations',
      401,
    )
  })

  it('counts nothing for a webhook that is served', async () => {
    const sent = await send(webhook(revokeFirst))
    expect(sent.status).toBe(200)
    expect(sent.refusals).toEqual([])
    expect(sent.refused).toEqual([])
  })
})

describe('a refused DELETE or Okta delivery: logged once and counted by reason', () => {
  it('iam_required: the DELETE route without an IAM caller', async () => {
    expectRefused(
      await send({ method: 'DELETE', path: `/orgs/${DEMO_ORG_ID}/invites/${first.id}` }),
      'iam_required',
      'DELETE /orgs/{orgId}/invites/{invitationId}',
      403,
    )
  })

  it('invalid_request: a DELETE whose path ids are no ids', async () => {
    const sent = await send({
      method: 'DELETE',
      path: `/orgs/${DEMO_ORG_ID}/invites/%E0%A4%A`,
      iamCaller: 'arn:aws:sts::123456789012:assumed-role/offboarding-automation/session',
    })
    expectRefused(sent, 'invalid_request', 'DELETE /orgs/{orgId}/invites/{invitationId}', 400)
    expect(sent.refusals[0]).toMatchObject({ field: 'invitationId' })
  })

  it('okta_unauthorized: a missing or wrong Authorization, and never the value offered', async () => {
    const wrong = `Basic ${MARKER}`
    for (const authorization of [undefined, wrong, `${OKTA_SECRET}x`]) {
      for (const method of ['GET', 'POST'] as const) {
        const sent = await send({
          method,
          path: '/okta/events',
          headers: {
            ...(authorization ? { authorization } : {}),
            'x-okta-verification-challenge': 'challenge',
          },
          ...(method === 'POST' ? { body: JSON.stringify({ note: MARKER }) } : {}),
        })
        expectRefused(sent, 'okta_unauthorized', `${method} /okta/events`, 401)
      }
    }
  })

  it('invalid_request: an authorized verification GET without its challenge', async () => {
    const sent = await send({
      method: 'GET',
      path: '/okta/events',
      headers: { authorization: OKTA_SECRET },
    })
    expectRefused(sent, 'invalid_request', 'GET /okta/events', 400)
  })

  it('emits only reasons of the stable list', () => {
    expect(REFUSAL_REASONS).toEqual([
      'missing_signature',
      'bad_signature',
      'stale_timestamp',
      'replay_mismatch',
      'invalid_request',
      'payload_too_large',
      'iam_required',
      'okta_unauthorized',
      'org_not_allowed',
    ])
  })
})
