import { createHmac } from 'node:crypto'
import type { APIGatewayProxyResult } from 'aws-lambda'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  DEMO_HIDDEN_ORG_ID,
  DEMO_INVITATIONS,
  DEMO_MEMBER_ORG_ID,
  DEMO_ORG_ID,
} from '../../../dev/simulator/demo-seed.ts'
import { createHttpHandler, MAX_BODY_BYTES } from '../../../lib/triggers/http/http-handler.ts'
import { signWebhook } from '../../../lib/triggers/http/webhook-signature.ts'
import {
  ATLAS_SECRET_ID,
  type FunctionFixture,
  startFunctionFixture,
  WEBHOOK_SECRET_ID,
} from '../../support/function-fixture.ts'
import {
  type HttpCall,
  httpApiEvent,
  lambdaContext,
  restEvent,
} from '../../support/lambda-events.ts'
import { captureLogLines } from '../../support/observed.ts'

const [first, second, third] = DEMO_INVITATIONS
let fixture: FunctionFixture

beforeEach(async () => {
  fixture = await startFunctionFixture()
})
afterEach(() => fixture.stop())

function handlerWith(env: Record<string, string> = {}) {
  return createHttpHandler({ ...fixture.env, ...env }, { dispatcher: fixture.dispatcher() })
}

type Shape = 'rest' | 'httpApi' | 'functionUrl'
async function call(
  request: HttpCall,
  shape: Shape = 'httpApi',
  env: Record<string, string> = {},
  remainingMs = 10_000,
) {
  const event = shape === 'rest' ? restEvent(request) : httpApiEvent(request, shape)
  const result = (await handlerWith(env)(
    event,
    lambdaContext(remainingMs),
  )) as APIGatewayProxyResult
  return { ...result, json: JSON.parse(result.body) as Record<string, unknown> }
}

function webhook(
  payload: unknown,
  options: { headers?: Record<string, string>; raw?: string } = {},
): HttpCall {
  const body = options.raw ?? JSON.stringify(payload)
  return {
    method: 'POST',
    path: '/revocations',
    body,
    headers: { 'content-type': 'application/json', ...fixture.sign(body), ...options.headers },
  }
}

const revokeFirst = { orgId: DEMO_ORG_ID, invitationId: first.id }

describe('POST /revocations (signed webhook)', () => {
  it.each<Shape>(['rest', 'httpApi', 'functionUrl'])(
    'revokes through a %s event',
    async (shape) => {
      const response = await call({ ...webhook(revokeFirst), base64: shape === 'httpApi' }, shape)
      expect(response.statusCode).toBe(200)
      expect(response.headers).toMatchObject({ 'content-type': 'application/json' })
      expect(response.json).toEqual({
        outcome: 'revoked',
        orgId: DEMO_ORG_ID,
        invitationId: first.id,
        evidence: { kind: 'removed', status: 204, relisted: false },
        requestId: expect.stringContaining(shape),
      })
      expect(fixture.simulator.state.pendingInvitation(DEMO_ORG_ID, first.id)).toBeUndefined()
    },
  )

  it('answers 404 not_found for an invitation id that is no longer pending (nothing shows it was)', async () => {
    await call(webhook(revokeFirst))
    const again = await call(webhook(revokeFirst))
    expect(again.statusCode).toBe(404)
    expect(again.json).toMatchObject({
      outcome: 'not_found',
      detail: expect.stringContaining('revoke by email'),
    })
  })

  it('revokes every pending invitation of a username, and calls none pending already_gone', async () => {
    fixture.simulator.state.invite({
      orgId: DEMO_ORG_ID,
      username: second.username,
      roles: ['ORG_MEMBER'],
      id: 'ddddddddddddddddddddddd1',
    })
    const response = await call(webhook({ orgId: DEMO_ORG_ID, username: second.username }))
    expect(response.statusCode).toBe(200)
    expect(response.json).toMatchObject({
      outcome: 'revoked',
      orgId: DEMO_ORG_ID,
      username: second.username,
      invitations: [
        { invitationId: second.id, outcome: 'revoked' },
        { invitationId: 'ddddddddddddddddddddddd1', outcome: 'revoked' },
      ],
    })
    expect(fixture.simulator.state.pendingInvitations(DEMO_ORG_ID, second.username)).toEqual([])
    // The whole list is read and matched here: Atlas's filter may compare case-sensitively.
    expect(
      fixture.simulator.requests().some((request) => request.target.includes('username=')),
    ).toBe(false)

    const none = await call(webhook({ orgId: DEMO_ORG_ID, username: 'nobody@example.com' }))
    expect(none.statusCode).toBe(200)
    expect(none.json).toMatchObject({
      outcome: 'already_gone',
      username: 'nobody@example.com',
      invitations: [],
    })
  })

  describe('signatures', () => {
    const refused = async (request: HttpCall, reason: string) => {
      const response = await call(request)
      expect(response.statusCode).toBe(401)
      expect(response.json).toMatchObject({ error: 'invalid_signature', message: reason })
      expect(fixture.simulator.counters().requests).toBe(0)
    }

    it('refuses a signature made with another key', async () => {
      const body = JSON.stringify(revokeFirst)
      const other = `whsec_${Buffer.from('another secret entirely, 32 bytes').toString('base64')}`
      await refused(
        {
          method: 'POST',
          path: '/revocations',
          body,
          headers: signWebhook(other, 'msg_x', new Date(), body),
        },
        'no matching v1 signature',
      )
    })

    it('refuses a tampered body', async () => {
      const signed = webhook(revokeFirst)
      await refused(
        { ...signed, body: JSON.stringify({ ...revokeFirst, invitationId: second.id }) },
        'no matching v1 signature',
      )
    })

    it('refuses a timestamp older than five minutes, and one from the future', async () => {
      const body = JSON.stringify(revokeFirst)
      await refused(
        {
          method: 'POST',
          path: '/revocations',
          body,
          headers: fixture.sign(body, { at: new Date(Date.now() - 6 * 60_000) }),
        },
        'webhook-timestamp is too old',
      )
      await refused(
        {
          method: 'POST',
          path: '/revocations',
          body,
          headers: fixture.sign(body, { at: new Date(Date.now() + 6 * 60_000) }),
        },
        'webhook-timestamp is in the future',
      )
    })

    it('refuses a request missing any of the three headers', async () => {
      for (const missing of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
        const signed = webhook(revokeFirst)
        const headers = Object.fromEntries(
          Object.entries(signed.headers ?? {}).filter(([name]) => name !== missing),
        )
        await refused(
          { ...signed, headers },
          'webhook-id, webhook-timestamp and webhook-signature headers are required',
        )
      }
    })

    it('accepts any one valid signature among several (secret rotation)', async () => {
      const signed = webhook(revokeFirst)
      const valid = signed.headers?.['webhook-signature'] ?? ''
      const headers = {
        ...signed.headers,
        'webhook-signature': `v1,aW52YWxpZA== ${valid} v2,ignored`,
      }
      expect((await call({ ...signed, headers })).statusCode).toBe(200)
    })

    it('verifies the raw bytes of a base64 body, never a string made from them', async () => {
      const body = Buffer.concat([
        Buffer.from(JSON.stringify(revokeFirst).slice(0, -1)),
        Buffer.from(',"note":"\xff"}', 'latin1'),
      ])
      // Signed the way a sender signs bytes, independently of our helper.
      const timestamp = String(Math.floor(Date.now() / 1000))
      const key = Buffer.from(fixture.webhookSecret.slice('whsec_'.length), 'base64')
      const signature = createHmac('sha256', key)
        .update(Buffer.concat([Buffer.from(`msg_raw.${timestamp}.`), body]))
        .digest('base64')
      const headers = {
        'content-type': 'application/json',
        'webhook-id': 'msg_raw',
        'webhook-timestamp': timestamp,
        'webhook-signature': `v1,${signature}`,
      }
      const event = httpApiEvent({ method: 'POST', path: '/revocations', headers })
      const result = (await handlerWith()(
        { ...event, body: body.toString('base64'), isBase64Encoded: true },
        lambdaContext(),
      )) as APIGatewayProxyResult
      expect(result.statusCode).toBe(200)
      expect(fixture.simulator.state.pendingInvitation(DEMO_ORG_ID, first.id)).toBeUndefined()
    })

    it('answers a replayed webhook-id with the first answer and no second Atlas call', async () => {
      const handler = handlerWith()
      const signed = webhook(revokeFirst)
      const send = async () =>
        (await handler(httpApiEvent(signed), lambdaContext())) as APIGatewayProxyResult
      const [a, b] = await Promise.all([send(), send()])
      const c = await send()
      expect(a.statusCode).toBe(200)
      expect(b.body).toBe(a.body)
      expect(c.body).toBe(a.body)
      expect(JSON.parse(c.body)).toMatchObject({ outcome: 'revoked' })
      expect(fixture.simulator.counters().deletes).toBe(1)
    })

    it('runs a retry of an unsettled webhook again (same webhook-id, Atlas back)', async () => {
      const handler = handlerWith()
      const signed = webhook(revokeFirst)
      const send = async () =>
        (await handler(httpApiEvent(signed), lambdaContext(3_000))) as APIGatewayProxyResult
      fixture.simulator.faults.configure({ errorRate: 1, errorStatus: 503 })
      expect((await send()).statusCode).toBe(503)
      fixture.simulator.faults.clear()
      expect(JSON.parse((await send()).body)).toMatchObject({ outcome: 'revoked' })
    })

    it('refuses a webhook secret shorter than 24 bytes as configuration, calling no Atlas', async () => {
      fixture.secretsManager.putSecret(
        WEBHOOK_SECRET_ID,
        `whsec_${Buffer.from('sixteen bytes!!!').toString('base64')}`,
      )
      const response = await call(webhook(revokeFirst))
      expect(response.statusCode).toBe(500)
      expect(fixture.simulator.counters().requests).toBe(0)
    })

    it('reads header names case-insensitively', async () => {
      const signed = webhook(revokeFirst)
      const headers = Object.fromEntries(
        Object.entries(signed.headers ?? {}).map(([name, value]) => [name.toUpperCase(), value]),
      )
      expect((await call({ ...signed, headers }, 'rest')).statusCode).toBe(200)
    })
  })

  describe('bad input: 400 naming the field, and no Atlas call', () => {
    it.each([
      ['not JSON', undefined, '{"orgId":', 'invalid_json', 'body'],
      ['not an object', ['x'], undefined, 'invalid_request', 'body'],
      [
        'a bad orgId',
        { orgId: 'acme', invitationId: first.id },
        undefined,
        'invalid_request',
        'orgId',
      ],
      [
        'a bad invitationId',
        { orgId: DEMO_ORG_ID, invitationId: '../users/1' },
        undefined,
        'invalid_request',
        'invitationId',
      ],
      [
        'neither id nor username',
        { orgId: DEMO_ORG_ID },
        undefined,
        'invalid_request',
        'invitationId',
      ],
      [
        'both id and username',
        { orgId: DEMO_ORG_ID, invitationId: first.id, username: 'a@b.c' },
        undefined,
        'invalid_request',
        'username',
      ],
      [
        'a username that is no email',
        { orgId: DEMO_ORG_ID, username: 'bob' },
        undefined,
        'invalid_request',
        'username',
      ],
    ])('%s', async (_name, payload, raw, error, field) => {
      const response = await call(webhook(payload, raw === undefined ? {} : { raw }))
      expect(response.statusCode).toBe(400)
      expect(response.json).toMatchObject({ error, field })
      expect(String(response.json.message)).toContain(field === 'body' ? '' : field)
      expect(fixture.simulator.counters().requests).toBe(0)
    })

    it(`refuses bodies over ${MAX_BODY_BYTES} bytes with 413 before checking the signature`, async () => {
      const big = webhook({ ...revokeFirst, padding: 'x'.repeat(MAX_BODY_BYTES) })
      const response = await call({ ...big, headers: {} })
      expect(response.statusCode).toBe(413)
      expect(fixture.simulator.counters().requests).toBe(0)
    })
  })

  it('refuses organizations outside ALLOWED_ORG_IDS with 403 before any Atlas call', async () => {
    const response = await call(
      webhook({ orgId: DEMO_MEMBER_ORG_ID, invitationId: first.id }),
      'httpApi',
      { ALLOWED_ORG_IDS: `${DEMO_ORG_ID}, ${DEMO_HIDDEN_ORG_ID}` },
    )
    expect(response.statusCode).toBe(403)
    expect(response.json).toMatchObject({ error: 'org_not_allowed', orgId: DEMO_MEMBER_ORG_ID })
    expect(fixture.simulator.counters().requests).toBe(0)
    expect(
      (await call(webhook(revokeFirst), 'httpApi', { ALLOWED_ORG_IDS: DEMO_ORG_ID })).statusCode,
    ).toBe(200)
  })
})

describe('Atlas outcomes over HTTP', () => {
  it('answers 502 with the Atlas errorCode when Atlas refuses our key or role', async () => {
    const forbidden = await call(
      webhook({ orgId: DEMO_MEMBER_ORG_ID, invitationId: 'b0000000000000000000000b' }),
    )
    expect(forbidden.statusCode).toBe(502)
    expect(forbidden.json).toMatchObject({ outcome: 'forbidden', errorCode: 'USER_UNAUTHORIZED' })

    const unauthorized = await call(
      webhook({ orgId: DEMO_HIDDEN_ORG_ID, invitationId: 'c0000000000000000000000c' }),
    )
    expect(unauthorized.statusCode).toBe(502)
    expect(unauthorized.json).toMatchObject({
      outcome: 'unauthorized',
      errorCode: 'UNEXPECTED_ERROR',
    })
  })

  it('answers 503 with Atlas’s Retry-After when throttled past the deadline', async () => {
    fixture.simulator.faults.enqueue({ kind: 'status', status: 429, retryAfterSeconds: 40 })
    const response = await call(webhook(revokeFirst))
    expect(response.statusCode).toBe(503)
    expect(response.headers).toMatchObject({ 'retry-after': '40' })
    expect(response.json).toMatchObject({ outcome: 'throttled' })
  })

  it('answers 503 with a default Retry-After when Atlas stays down, within the Lambda deadline', async () => {
    fixture.simulator.faults.configure({ errorRate: 1, errorStatus: 503 })
    const started = Date.now()
    const response = await call(webhook(revokeFirst), 'httpApi', {}, 3_000)
    expect(response.statusCode).toBe(503)
    expect(response.headers).toMatchObject({ 'retry-after': '30' })
    expect(response.json).toMatchObject({ outcome: 'upstream_error' })
    expect(Date.now() - started).toBeLessThan(3_000)
  })

  it('re-reads a rotated Atlas key once after a 401', async () => {
    const handler = handlerWith()
    const body = JSON.stringify(revokeFirst)
    await handler(
      httpApiEvent({ method: 'POST', path: '/revocations', body, headers: fixture.sign(body) }),
      lambdaContext(),
    )
    fixture.rotateAtlasKey()
    const callsBefore = fixture.secretsManager.calls()
    const next = JSON.stringify({ orgId: DEMO_ORG_ID, invitationId: second.id })
    const result = (await handler(
      httpApiEvent({
        method: 'POST',
        path: '/revocations',
        body: next,
        headers: fixture.sign(next),
      }),
      lambdaContext(),
    )) as APIGatewayProxyResult
    expect(result.statusCode).toBe(200)
    expect(JSON.parse(result.body).outcome).toBe('revoked')
    expect(fixture.secretsManager.calls() - callsBefore).toBe(1)
  })

  it('answers 503 when Secrets Manager is unavailable', async () => {
    fixture.secretsManager.failNext('unavailable', 'unavailable', 'unavailable')
    const response = await call(webhook(revokeFirst))
    expect(response.statusCode).toBe(503)
    expect(response.json).toMatchObject({ error: 'unavailable' })
  })

  it('answers 500 with no internals when something unexpected breaks', async () => {
    fixture.secretsManager.putSecret(ATLAS_SECRET_ID, '{"publicKey":"demoownr"')
    const event = httpApiEvent(webhook(revokeFirst))
    const result = (await handlerWith({})(event, lambdaContext())) as APIGatewayProxyResult
    expect(result.statusCode).toBe(500)
    // The same request id as every other answer: API Gateway's, which its access log shows.
    expect(JSON.parse(result.body)).toEqual({
      error: 'internal_error',
      message: 'the request could not be completed',
      requestId: event.requestContext.requestId,
    })
  })

  it('answers 500 for a broken configuration, the same on every invocation', async () => {
    const handler = createHttpHandler({ ATLAS_BASE_URL: 'http://example.com' })
    for (let i = 0; i < 2; i++) {
      const result = (await handler(
        httpApiEvent(webhook(revokeFirst)),
        lambdaContext(),
      )) as APIGatewayProxyResult
      expect(result.statusCode).toBe(500)
      expect(result.body).not.toContain('ATLAS')
    }
  })
})

describe('DELETE /orgs/{orgId}/invites/{invitationId} (IAM)', () => {
  const path = `/orgs/${DEMO_ORG_ID}/invites/${third.id}`
  const caller = 'arn:aws:sts::123456789012:assumed-role/offboarding-automation/session'

  it.each<Shape>(['rest', 'httpApi', 'functionUrl'])(
    'revokes for an IAM caller (%s)',
    async (shape) => {
      const response = await call({ method: 'DELETE', path, iamCaller: caller }, shape)
      expect(response.statusCode).toBe(200)
      expect(response.json).toMatchObject({
        outcome: expect.stringMatching(/revoked|already_gone/),
        orgId: DEMO_ORG_ID,
        invitationId: third.id,
      })
    },
  )

  it('refuses a request without IAM authorizer context, unless local development allows it', async () => {
    const refused = await call({ method: 'DELETE', path })
    expect(refused.statusCode).toBe(403)
    expect(refused.json).toMatchObject({ error: 'iam_required' })
    expect(fixture.simulator.counters().requests).toBe(0)
    const local = await call({ method: 'DELETE', path }, 'httpApi', {
      LOCAL_DEV_ALLOW_UNAUTHENTICATED_DELETE: 'true',
      IS_OFFLINE: 'true',
    })
    expect(local.statusCode).toBe(200)
  })

  it('treats the local-development switch as a configuration error inside real Lambda', async () => {
    const answer = await call({ method: 'DELETE', path }, 'httpApi', {
      LOCAL_DEV_ALLOW_UNAUTHENTICATED_DELETE: 'true',
      AWS_LAMBDA_FUNCTION_NAME: 'atlas-invite-revoker-prod-http',
    })
    expect(answer.statusCode).toBe(500)
    expect(answer.json).toMatchObject({ error: 'internal_error' })
    expect(fixture.simulator.counters().requests).toBe(0)
    expect(fixture.simulator.state.pendingInvitation(DEMO_ORG_ID, third.id)).toBeDefined()
  })

  it('validates the path ids', async () => {
    const response = await call({
      method: 'DELETE',
      path: `/orgs/${DEMO_ORG_ID}/invites/%E0%A4%A`,
      iamCaller: caller,
    })
    expect(response.statusCode).toBe(400)
    expect(response.json).toMatchObject({ field: 'invitationId' })
  })
})

describe('request ids', () => {
  it('gives each request its own id under serverless-offline’s placeholder, in answer and audit', async () => {
    const capture = captureLogLines()
    try {
      const handler = handlerWith()
      const ids: string[] = []
      for (const invitationId of [first.id, second.id]) {
        const event = httpApiEvent(webhook({ orgId: DEMO_ORG_ID, invitationId }))
        event.requestContext.requestId = 'offlineContext_resourceId'
        const lambda = lambdaContext()
        const result = (await handler(event, lambda)) as APIGatewayProxyResult
        expect(JSON.parse(result.body).requestId).toBe(lambda.awsRequestId)
        ids.push(lambda.awsRequestId)
      }
      const audited = capture
        .lines()
        .filter((line) => line.message === 'audit: revocation')
        .map((line) => (line.requestedBy as { requestId: string }).requestId)
      expect(audited).toEqual(ids)
      expect(new Set(audited).size).toBe(2)
    } finally {
      capture.stop()
    }
  })

  it('makes a fresh id when neither the event nor Lambda has one', async () => {
    const event = httpApiEvent(webhook(revokeFirst))
    event.requestContext.requestId = ''
    const result = (await handlerWith()(event, {
      ...lambdaContext(),
      awsRequestId: '',
    })) as APIGatewayProxyResult
    expect(JSON.parse(result.body).requestId).toMatch(/^[0-9a-f-]{36}$/)
  })
})

describe('routing', () => {
  it('answers 404 for unknown paths and 405 with Allow for a wrong method', async () => {
    expect((await call({ method: 'GET', path: '/' })).statusCode).toBe(404)
    const wrong = await call({ method: 'GET', path: '/revocations' })
    expect(wrong.statusCode).toBe(405)
    expect(wrong.headers).toMatchObject({ allow: 'POST' })
    expect(
      (await call({ method: 'POST', path: `/orgs/${DEMO_ORG_ID}/invites/${first.id}` })).headers,
    ).toMatchObject({ allow: 'DELETE' })
  })

  it('tolerates a stage prefix in the path', async () => {
    expect(
      (await call({ ...webhook(revokeFirst), path: '/prod/revocations' }, 'rest')).statusCode,
    ).toBe(200)
  })
})
