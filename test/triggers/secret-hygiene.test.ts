/**
 * Runs the handlers' scenarios, success and failure alike, while capturing everything written
 * to stdout, stderr and the console, and checks that no secret ever shows: not the Atlas
 * private key, not the webhook secret (nor its key bytes), not a signature.
 */
import { Logger } from '@aws-lambda-powertools/logger'
import type { APIGatewayProxyResult } from 'aws-lambda'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  DEMO_API_KEY,
  DEMO_HIDDEN_ORG_ID,
  DEMO_INVITATIONS,
  DEMO_MEMBER_ORG_ID,
  DEMO_ORG_ID,
} from '../../dev/simulator/demo-seed.ts'
import { createHttpHandler } from '../../lib/triggers/http/http-handler.ts'
import { signWebhook } from '../../lib/triggers/http/webhook-signature.ts'
import { createQueueHandler } from '../../lib/triggers/queue/queue-handler.ts'
import {
  ATLAS_SECRET_ID,
  type FunctionFixture,
  startFunctionFixture,
  WEBHOOK_SECRET_ID,
} from '../support/function-fixture.ts'
import {
  httpApiEvent,
  lambdaContext,
  restEvent,
  snsNotification,
  sqsEvent,
} from '../support/lambda-events.ts'

const [first, second, third] = DEMO_INVITATIONS
let fixture: FunctionFixture
const written: string[] = []
const responses: string[] = []
const signatures: string[] = []

beforeAll(async () => {
  fixture = await startFunctionFixture()
  const capture = (chunk: unknown) => {
    written.push(String(chunk))
    return true
  }
  vi.spyOn(process.stdout, 'write').mockImplementation(capture)
  vi.spyOn(process.stderr, 'write').mockImplementation(capture)
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      written.push(args.map(String).join(' '))
    })
  }
})
afterAll(async () => {
  vi.restoreAllMocks()
  await fixture.stop()
})

const logger = () => new Logger({ serviceName: 'hygiene', logLevel: 'DEBUG' })

async function post(body: string, headers: Record<string, string>) {
  signatures.push(headers['webhook-signature'] ?? '')
  const handler = createHttpHandler(fixture.env, {
    dispatcher: fixture.dispatcher(),
    logger: logger(),
  })
  const result = (await handler(
    httpApiEvent({ method: 'POST', path: '/revocations', body, headers }),
    lambdaContext(5_000),
  )) as APIGatewayProxyResult
  responses.push(JSON.stringify(result))
}

describe('secret hygiene across the handler scenarios', () => {
  it('runs the scenarios', async () => {
    const signed = (payload: unknown, at = new Date()) => {
      const body = JSON.stringify(payload)
      return [body, fixture.sign(body, { at })] as const
    }
    await post(...signed({ orgId: DEMO_ORG_ID, invitationId: first.id }))
    await post(...signed({ orgId: DEMO_ORG_ID, username: second.username }))
    await post(...signed({ orgId: DEMO_MEMBER_ORG_ID, invitationId: 'b0000000000000000000000b' }))
    await post(...signed({ orgId: DEMO_HIDDEN_ORG_ID, invitationId: 'c0000000000000000000000c' }))
    await post(...signed({ orgId: 'bad', invitationId: first.id }))
    await post(
      ...signed({ orgId: DEMO_ORG_ID, invitationId: third.id }, new Date(Date.now() - 3_600_000)),
    )
    const body = JSON.stringify({ orgId: DEMO_ORG_ID, invitationId: third.id })
    await post(
      body,
      signWebhook(
        `whsec_${Buffer.from('not the secret at all, 32 bytes!').toString('base64')}`,
        'msg_bad',
        new Date(),
        body,
      ),
    )
    await post(`${body} `, fixture.sign(body))

    // Atlas rejects the key (wrong private key in the secret), then the secret itself is broken.
    fixture.secretsManager.putSecret(
      ATLAS_SECRET_ID,
      JSON.stringify({ ...DEMO_API_KEY, privateKey: `${DEMO_API_KEY.privateKey}-wrong` }),
    )
    await post(...signed({ orgId: DEMO_ORG_ID, invitationId: third.id }))
    fixture.secretsManager.putSecret(
      ATLAS_SECRET_ID,
      `{"publicKey":"demoownr","privateKey":"${DEMO_API_KEY.privateKey}"`,
    )
    await post(...signed({ orgId: DEMO_ORG_ID, invitationId: third.id }))
    fixture.secretsManager.putSecret(WEBHOOK_SECRET_ID, `not-a-whsec ${fixture.webhookSecret}`)
    await post(...signed({ orgId: DEMO_ORG_ID, invitationId: third.id }))
    fixture.secretsManager.putSecret(ATLAS_SECRET_ID, JSON.stringify(DEMO_API_KEY))
    fixture.secretsManager.putSecret(WEBHOOK_SECRET_ID, fixture.webhookSecret)

    const queue = createQueueHandler(fixture.env, {
      dispatcher: fixture.dispatcher(),
      logger: logger(),
    })
    const batch = sqsEvent([
      JSON.stringify({ orgId: DEMO_ORG_ID, invitationId: third.id }),
      snsNotification({ orgId: DEMO_ORG_ID, invitationId: first.id }),
      JSON.stringify({ orgId: DEMO_MEMBER_ORG_ID, invitationId: 'b0000000000000000000000b' }),
      'garbage',
    ])
    responses.push(JSON.stringify(await queue(batch, lambdaContext(5_000, 'queue'))))
    fixture.simulator.faults.configure({ errorRate: 1, errorStatus: 503 })
    await queue(
      sqsEvent([JSON.stringify({ orgId: DEMO_ORG_ID, invitationId: second.id })]),
      lambdaContext(2_000, 'queue'),
    ).catch((error: Error) => responses.push(`${error.name}: ${error.message}`))
    fixture.simulator.faults.configure({})
  })

  it('logged the scenarios (the capture is not empty)', () => {
    const logs = written.join('\n')
    expect(logs).toContain('revocation settled')
    expect(logs).toContain('revocation not settled')
    expect(logs).toContain('request refused')
    expect(logs).toContain('record not acked')
    expect(responses.length).toBeGreaterThan(10)
  })

  it('never wrote or answered the Atlas private key, the webhook secret or a signature', () => {
    const webhookKeyBase64 = fixture.webhookSecret.slice('whsec_'.length)
    const webhookKeyHex = Buffer.from(webhookKeyBase64, 'base64').toString('hex')
    const everything = [...written, ...responses].join('\n')
    for (const secret of [
      DEMO_API_KEY.privateKey,
      fixture.webhookSecret,
      webhookKeyBase64,
      webhookKeyHex,
      ...signatures.flatMap((header) => header.split(' ').map((part) => part.split(',')[1] ?? '')),
    ]) {
      expect(secret.length).toBeGreaterThan(8)
      expect(everything).not.toContain(secret)
    }
    expect(everything).not.toMatch(/Digest username=/)
  })
})

describe('a REST event with IAM context', () => {
  it('does not log the caller credentials beyond the ARN', async () => {
    const before = written.length
    const handler = createHttpHandler(fixture.env, {
      dispatcher: fixture.dispatcher(),
      logger: logger(),
    })
    await handler(
      restEvent({
        method: 'DELETE',
        path: `/orgs/${DEMO_ORG_ID}/invites/${second.id}`,
        iamCaller: 'arn:aws:iam::123456789012:role/automation',
      }),
      lambdaContext(),
    )
    const logs = written.slice(before).join('\n')
    expect(logs).toContain('arn:aws:iam::123456789012:role/automation')
    expect(logs).not.toContain('ASIAEXAMPLE')
  })
})
