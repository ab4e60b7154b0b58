/**
 * Issue #19's ledger, on a real DynamoDB protocol peer (dynalite on loopback) through the AWS
 * SDK: every trigger leaves an item before its answer, a failed write fails the request, an id
 * revoked before is already_gone, and a repeat delivered to another container runs once.
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb'
import type { APIGatewayProxyResult, SQSBatchResponse } from 'aws-lambda'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runRevokeCommand } from '../../cli/revoke-command.ts'
import { DEMO_API_KEY, DEMO_INVITATIONS, DEMO_ORG_ID } from '../../dev/simulator/demo-seed.ts'
import { Ledger } from '../../lib/ledger/ledger.ts'
import { createHttpHandler } from '../../lib/triggers/http/http-handler.ts'
import { createQueueHandler } from '../../lib/triggers/queue/queue-handler.ts'
import { dynamoDbRepeats, RepeatInProgressError } from '../../lib/triggers/repeats.ts'
import { type FunctionFixture, startFunctionFixture } from '../support/function-fixture.ts'
import { httpApiEvent, lambdaContext, sqsEvent } from '../support/lambda-events.ts'
import { startLocalLedger, TEST_TABLES } from '../support/local-aws.ts'

const [first, second, third] = DEMO_INVITATIONS
let fixture: FunctionFixture
let local: Awaited<ReturnType<typeof startLocalLedger>>
let doc: DynamoDBDocumentClient

beforeEach(async () => {
  fixture = await startFunctionFixture()
  local = await startLocalLedger()
  doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: local.url }))
})
afterEach(async () => {
  doc.destroy()
  await local.stop()
  await fixture.stop()
})

const env = () => ({ ...fixture.env, ...local.functionEnv, ALLOWED_ORG_IDS: DEMO_ORG_ID })

async function post(
  payload: unknown,
  id?: string,
  handler = createHttpHandler(env(), { dispatcher: fixture.dispatcher() }),
) {
  const body = JSON.stringify(payload)
  const result = (await handler(
    httpApiEvent({
      method: 'POST',
      path: '/revocations',
      body,
      headers: fixture.sign(body, id ? { id } : {}),
    }),
    lambdaContext(8_000),
  )) as APIGatewayProxyResult
  return { status: result.statusCode, body: JSON.parse(result.body) as Record<string, unknown> }
}

/** Whether the queue function acks a message carrying `payload` (a thrown batch acks nothing). */
async function acked(queue: ReturnType<typeof createQueueHandler>, payload: unknown) {
  try {
    const response = (await queue(
      sqsEvent([JSON.stringify(payload)]),
      lambdaContext(8_000, 'queue'),
    )) as SQSBatchResponse
    return response.batchItemFailures.length === 0
  } catch {
    return false
  }
}

/** Every request item the ledger holds about `subject`. */
async function recorded(subject: string) {
  const answer = await doc.send(
    new QueryCommand({
      TableName: TEST_TABLES.ledger,
      IndexName: 'GSI1',
      KeyConditionExpression: 'gsi1pk = :subject',
      ExpressionAttributeValues: { ':subject': subject },
    }),
  )
  return (answer.Items ?? []) as Record<string, unknown>[]
}

describe('every trigger leaves a ledger item before its answer', () => {
  it('a webhook: who asked, when, what, the outcome and its evidence; nothing else', async () => {
    const answer = await post({ orgId: DEMO_ORG_ID, username: first.username }, 'msg_ledger_1')
    expect(answer.status).toBe(200)
    const [item] = await recorded(`user#${first.username}`)
    expect(item).toMatchObject({
      trigger: 'webhook',
      requestedBy: { trigger: 'webhook', webhookId: 'msg_ledger_1' },
      request: { orgIds: [DEMO_ORG_ID], username: first.username, includeProjects: false },
      dryRun: false,
      outcome: 'revoked',
      evidence: { kind: 'all_parts', scopes: 1 },
      searched: [{ orgId: DEMO_ORG_ID, found: 1 }],
      revocations: [
        {
          orgId: DEMO_ORG_ID,
          invitationId: first.id,
          outcome: 'revoked',
          atlasStatus: 204,
          evidence: { kind: 'removed' },
        },
      ],
      receivedAt: expect.stringMatching(/^\d{4}-/),
      settledAt: expect.stringMatching(/^\d{4}-/),
      expiresAt: expect.any(Number),
    })
    // Ids, usernames, outcomes and times: no explanation text, no Atlas detail, no secret.
    expect(JSON.stringify(item)).not.toMatch(/detail|privateKey|whsec_/)
    const days = ((item?.expiresAt as number) - Date.now() / 1000) / 86_400
    expect(Math.round(days)).toBe(400)
  })

  it('the queue, the IAM route and the CLI', async () => {
    const queue = createQueueHandler(env(), { dispatcher: fixture.dispatcher() })
    const response = (await queue(
      sqsEvent([JSON.stringify({ orgId: DEMO_ORG_ID, invitationId: second.id })]),
      lambdaContext(8_000, 'queue'),
    )) as SQSBatchResponse
    expect(response.batchItemFailures).toEqual([])
    expect(await recorded(`invitation#${DEMO_ORG_ID}#${second.id}`)).toMatchObject([
      { trigger: 'queue', outcome: 'revoked', requestedBy: { senderId: 'AIDAEXAMPLE' } },
    ])

    const http = createHttpHandler(env(), { dispatcher: fixture.dispatcher() })
    const iam = (await http(
      httpApiEvent({
        method: 'DELETE',
        path: `/orgs/${DEMO_ORG_ID}/invites/${third.id}`,
        iamCaller: 'arn:aws:iam::123456789012:role/automation',
      }),
      lambdaContext(8_000),
    )) as APIGatewayProxyResult
    expect(iam.statusCode).toBe(200)
    expect(await recorded(`invitation#${DEMO_ORG_ID}#${third.id}`)).toMatchObject([
      { trigger: 'iam', outcome: 'revoked' },
    ])

    const invited = fixture.simulator.state.invite({
      orgId: DEMO_ORG_ID,
      username: 'cli-leaver@example.com',
      roles: ['ORG_MEMBER'],
    })
    const code = await runRevokeCommand({
      argv: ['--user', invited.username, '--org', DEMO_ORG_ID],
      env: {
        ATLAS_BASE_URL: fixture.env.ATLAS_BASE_URL,
        ATLAS_PUBLIC_KEY: DEMO_API_KEY.publicKey,
        ATLAS_PRIVATE_KEY: DEMO_API_KEY.privateKey,
        LEDGER_TABLE: TEST_TABLES.ledger,
      },
      readStdin: async () => '',
      stdout: () => {},
      stderr: () => {},
      dispatcher: fixture.dispatcher(),
    })
    expect(code).toBe(0)
    expect(await recorded(`user#${invited.username}`)).toMatchObject([
      { trigger: 'cli', outcome: 'revoked' },
    ])
  })
})

describe("a sender's own claims", () => {
  it('are kept as bounded text, so no claim can fail the write of work already done', async () => {
    const queue = createQueueHandler(env(), { dispatcher: fixture.dispatcher() })
    // A number DynamoDB's marshaller refuses, and a claim far too large to keep whole.
    const claim = `{"hrEmployeeNumber":12345678901234567890,"note":"${'x'.repeat(10_000)}"}`
    const body = `{"orgId":"${DEMO_ORG_ID}","invitationId":"${second.id}","requestedBy":${claim}}`
    const response = (await queue(
      sqsEvent([body]),
      lambdaContext(8_000, 'queue'),
    )) as SQSBatchResponse
    expect(response.batchItemFailures).toEqual([])
    const [item] = await recorded(`invitation#${DEMO_ORG_ID}#${second.id}`)
    const kept = String(item?.claimedBy)
    expect(kept.startsWith('{"hrEmployeeNumber":')).toBe(true)
    expect(kept.length).toBeLessThanOrEqual(512)
  })
})

describe('a ledger that cannot be written', () => {
  it('fails the request after the work: a webhook is retried (503), a queue record comes back', async () => {
    const broken = { ...env(), LEDGER_TABLE: 'no-such-table' }
    const webhook = createHttpHandler(broken, { dispatcher: fixture.dispatcher() })
    expect(
      await post({ orgId: DEMO_ORG_ID, username: first.username }, 'msg_a', webhook),
    ).toMatchObject({ status: 503 })
    const queue = createQueueHandler(broken, { dispatcher: fixture.dispatcher() })
    expect(await acked(queue, { orgId: DEMO_ORG_ID, username: second.username })).toBe(false)
    // Atlas did the work; the retry, with the ledger writable, finds it done and records it.
    expect(await post({ orgId: DEMO_ORG_ID, username: first.username }, 'msg_a')).toMatchObject({
      status: 200,
      body: { outcome: 'already_gone' },
    })
    expect(await recorded(`user#${first.username}`)).toMatchObject([{ outcome: 'already_gone' }])
  })

  it('with DynamoDB unreachable, nothing runs: 503 and a record that comes back', async () => {
    await local.stop()
    const answer = await post({ orgId: DEMO_ORG_ID, username: first.username }, 'msg_b')
    expect(answer).toMatchObject({ status: 503 })
    expect(JSON.stringify(answer.body)).not.toMatch(/whsec_|privateKey/)
    const queue = createQueueHandler(env(), { dispatcher: fixture.dispatcher() })
    expect(await acked(queue, { orgId: DEMO_ORG_ID, username: second.username })).toBe(false)
    expect(fixture.simulator.state.pendingInvitations(DEMO_ORG_ID).map((i) => i.username)).toEqual(
      expect.arrayContaining([first.username, second.username]),
    )
    local = await startLocalLedger()
  })
})

describe('what the ledger proves later', () => {
  it('an id this tool revoked before is already_gone, with the request that did it', async () => {
    expect((await post({ orgId: DEMO_ORG_ID, invitationId: first.id })).status).toBe(200)
    const again = await post({ orgId: DEMO_ORG_ID, invitationId: first.id })
    expect(again).toMatchObject({
      status: 200,
      body: { outcome: 'already_gone', evidence: { kind: 'absent', was: 'revoked_before' } },
    })
    const ledger = new Ledger(TEST_TABLES.ledger)
    expect(await ledger.revokedBefore(DEMO_ORG_ID, first.id)).toMatchObject({
      requestId: expect.any(String),
    })
  })
})

describe('a repeat reaching another container runs once', () => {
  it('a webhook id: the second container answers the first answer, with no Atlas call', async () => {
    const containerA = createHttpHandler(env(), { dispatcher: fixture.dispatcher() })
    const containerB = createHttpHandler(env(), { dispatcher: fixture.dispatcher() })
    const payload = { orgId: DEMO_ORG_ID, invitationId: first.id }
    const a = await post(payload, 'msg_twice', containerA)
    fixture.simulator.resetCounters()
    const b = await post(payload, 'msg_twice', containerB)
    expect(b).toEqual({ ...a, body: { ...a.body } })
    expect(fixture.simulator.counters().requests).toBe(0)
  })

  it('an SQS message delivered to two containers', async () => {
    const event = sqsEvent([JSON.stringify({ orgId: DEMO_ORG_ID, username: second.username })])
    const containerA = createQueueHandler(env(), { dispatcher: fixture.dispatcher() })
    const containerB = createQueueHandler(env(), { dispatcher: fixture.dispatcher() })
    expect(await containerA(event, lambdaContext(8_000, 'queue'))).toEqual({
      batchItemFailures: [],
    })
    fixture.simulator.resetCounters()
    expect(await containerB(event, lambdaContext(8_000, 'queue'))).toEqual({
      batchItemFailures: [],
    })
    expect(fixture.simulator.counters().requests).toBe(0)
    expect(await recorded(`user#${second.username}`)).toHaveLength(1)
  })

  it('a first delivery whose container died holds the key only for the time it had', async () => {
    const containerA = dynamoDbRepeats(TEST_TABLES.idempotency, 86_400)
    const containerB = dynamoDbRepeats(TEST_TABLES.idempotency, 86_400)
    // A starts and never finishes (a timeout, an out-of-memory kill): 1 s was all it had left.
    const never = () => new Promise<string>(() => {})
    void containerA.once(
      'webhook:msg_dead',
      'digest',
      never,
      () => true,
      () => 1_000,
    )
    await new Promise((resolve) => setTimeout(resolve, 300))
    const again = () =>
      containerB.once(
        'webhook:msg_dead',
        'digest',
        async () => 'B',
        () => true,
        () => 8_000,
      )
    await expect(again()).rejects.toBeInstanceOf(RepeatInProgressError)
    // After A's time is up, the retry runs, rather than being told "in progress" for a day.
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    expect(await again()).toEqual({ result: 'B', repeated: false })
  })

  it('the repeat is remembered in DynamoDB, with the first answer, not in a container', async () => {
    await post({ orgId: DEMO_ORG_ID, invitationId: third.id }, 'msg_stored')
    const stored = await doc.send(new ScanCommand({ TableName: TEST_TABLES.idempotency }))
    expect(stored.Items).toEqual([
      expect.objectContaining({ status: 'COMPLETED', expiration: expect.any(Number) }),
    ])
  })
})
