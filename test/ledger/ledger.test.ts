/**
 * Issue #19's ledger, on a real DynamoDB protocol peer (dynalite on loopback) through the AWS
 * SDK: every trigger leaves an item before its answer, a failed write fails the request, an id
 * revoked before is already_gone, and a repeat delivered to another container runs once.
 */

import { readFileSync } from 'node:fs'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb'
import type { APIGatewayProxyResult, SQSBatchResponse } from 'aws-lambda'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runRevokeCommand } from '../../cli/revoke-command.ts'
import { DEMO_API_KEY, DEMO_INVITATIONS, DEMO_ORG_ID } from '../../dev/simulator/demo-seed.ts'
import { Ledger } from '../../lib/ledger/ledger.ts'
import { handOverBody, REQUESTED_BY_ATTRIBUTE } from '../../lib/triggers/handover.ts'
import { createHttpHandler } from '../../lib/triggers/http/http-handler.ts'
import { createQueueHandler } from '../../lib/triggers/queue/queue-handler.ts'
import { dynamoDbRepeats, RepeatInProgressError } from '../../lib/triggers/repeats.ts'
import { type FunctionFixture, startFunctionFixture } from '../support/function-fixture.ts'
import { httpApiEvent, lambdaContext, snsNotification, sqsEvent } from '../support/lambda-events.ts'
import { startLocalLedger, TEST_TABLES } from '../support/local-aws.ts'
import { captureLogLines } from '../support/observed.ts'

const [first, second, third] = DEMO_INVITATIONS
const OKTA_LEAVERS = ['john.doe@example.com', 'jane.roe@example.com'] as const
const HTTP_FUNCTION_SENDER = 'AROAHTTPFUNCTION:atlas-invite-revoker-dev-http'
const oktaSample = JSON.parse(
  readFileSync(
    new URL('../../dev/local-stack/okta/eventbridge-okta-deactivate.json', import.meta.url),
    'utf8',
  ),
) as { detail: Record<string, unknown> } & Record<string, unknown>

/** Okta's sample EventBridge deactivation (one uuid), naming `usernames` as its User targets. */
function oktaEventNaming(usernames: readonly string[]): typeof oktaSample {
  return {
    ...oktaSample,
    detail: {
      ...oktaSample.detail,
      target: usernames.map((alternateId, index) => ({
        id: `00u${index}`,
        type: 'User',
        alternateId,
        displayName: alternateId,
        detailEntry: null,
      })),
    },
  }
}
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

/** The operator CLI with the demo key, recording in the test ledger; its exit code. */
function cli(argv: string[], stdout: (line: string) => void = () => {}) {
  return runRevokeCommand({
    argv,
    env: {
      ATLAS_BASE_URL: fixture.env.ATLAS_BASE_URL,
      ATLAS_PUBLIC_KEY: DEMO_API_KEY.publicKey,
      ATLAS_PRIVATE_KEY: DEMO_API_KEY.privateKey,
      LEDGER_TABLE: TEST_TABLES.ledger,
    },
    readStdin: async () => '',
    stdout,
    stderr: () => {},
    dispatcher: fixture.dispatcher(),
  })
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
    const code = await cli(['--user', invited.username, '--org', DEMO_ORG_ID])
    expect(code).toBe(0)
    expect(await recorded(`user#${invited.username}`)).toMatchObject([
      { trigger: 'cli', outcome: 'revoked' },
    ])
  })
})

describe('one id leads from an answer, or an audit line, to its receipt', () => {
  /** The `audit: request` lines written while `run` runs. */
  async function requestLines(run: () => Promise<unknown>) {
    const captured = captureLogLines()
    try {
      await run()
    } finally {
      captured.stop()
    }
    return captured.lines().filter((line) => line.audit === 'request')
  }

  it("a webhook: the answer's requestId is the ledger's, and a later revoked_before names it", async () => {
    let answer: Awaited<ReturnType<typeof post>> | undefined
    const lines = await requestLines(async () => {
      answer = await post({ orgId: DEMO_ORG_ID, invitationId: first.id })
    })
    const requestId = answer?.body.requestId
    expect(requestId).toEqual(expect.any(String))
    expect(await recorded(`invitation#${DEMO_ORG_ID}#${first.id}`)).toMatchObject([{ requestId }])
    expect(lines).toMatchObject([{ ledgerRequestId: requestId, requestedBy: { requestId } }])
    const again = await post({ orgId: DEMO_ORG_ID, invitationId: first.id })
    expect(again.body).toMatchObject({
      outcome: 'already_gone',
      evidence: { was: 'revoked_before', revokedBy: requestId },
    })
  })

  it('the queue and the CLI: their audit line, or printed line, names the ledger item', async () => {
    const queue = createQueueHandler(env(), { dispatcher: fixture.dispatcher() })
    const lines = await requestLines(() =>
      queue(
        sqsEvent([JSON.stringify({ orgId: DEMO_ORG_ID, invitationId: second.id })]),
        lambdaContext(8_000, 'queue'),
      ),
    )
    const [item] = await recorded(`invitation#${DEMO_ORG_ID}#${second.id}`)
    expect(item?.requestId).toEqual(expect.any(String))
    expect(lines).toMatchObject([{ ledgerRequestId: item?.requestId }])

    const printed: string[] = []
    const code = await cli(
      ['--org', DEMO_ORG_ID, '--invite', (third as { id: string }).id],
      (line) => printed.push(line),
    )
    expect(code).toBe(0)
    const [cliItem] = await recorded(`invitation#${DEMO_ORG_ID}#${third?.id}`)
    expect(printed.map((line) => JSON.parse(line))).toMatchObject([
      { outcome: 'revoked', ledgerRequestId: cliItem?.requestId },
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

  it('says so under the id the request line named, so no audit line points at nothing', async () => {
    const broken = { ...env(), LEDGER_TABLE: 'no-such-table' }
    const webhook = createHttpHandler(broken, { dispatcher: fixture.dispatcher() })
    const captured = captureLogLines()
    let answer: Awaited<ReturnType<typeof post>> | undefined
    try {
      answer = await post({ orgId: DEMO_ORG_ID, invitationId: first.id }, 'msg_b', webhook)
    } finally {
      captured.stop()
    }
    const requestId = answer?.body.requestId
    const lines = captured.lines()
    expect(lines.filter((line) => line.audit === 'request')).toMatchObject([
      { ledgerRequestId: requestId },
    ])
    expect(lines.filter((line) => line.message === 'ledger: request not recorded')).toMatchObject([
      {
        level: 'ERROR',
        ledgerRequestId: requestId,
        requestedBy: { webhookId: 'msg_b' },
        error: { name: 'LedgerUnavailableError' },
      },
    ])
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

  it('an Okta event EventBridge delivered twice, in two SQS messages, to two containers', async () => {
    for (const username of OKTA_LEAVERS)
      fixture.simulator.state.invite({ orgId: DEMO_ORG_ID, username, roles: ['ORG_MEMBER'] })
    const event = oktaEventNaming(OKTA_LEAVERS)
    const containerA = createQueueHandler(env(), { dispatcher: fixture.dispatcher() })
    const containerB = createQueueHandler(env(), { dispatcher: fixture.dispatcher() })
    // Two copies: two SQS message ids; the second came through an SNS topic, under a new envelope.
    const a = await containerA(sqsEvent([JSON.stringify(event)]), lambdaContext(8_000, 'queue'))
    expect(a).toEqual({ batchItemFailures: [] })
    expect(fixture.simulator.counters().deletes).toBe(OKTA_LEAVERS.length)
    fixture.simulator.resetCounters()
    const b = await containerB(sqsEvent([snsNotification(event)]), lambdaContext(8_000, 'queue'))
    // Acked as a repeat: nothing asked of Atlas, nothing new in the ledger.
    expect(b).toEqual({ batchItemFailures: [] })
    expect(fixture.simulator.counters().requests).toBe(0)
    for (const username of OKTA_LEAVERS) {
      const items = await recorded(`user#${username}`)
      expect(items).toHaveLength(1)
      expect(items[0]).toMatchObject({ outcome: 'revoked' })
    }
  })

  it('an Okta event copy under the same uuid that says something else is no repeat', async () => {
    const [leaver, other] = OKTA_LEAVERS
    for (const username of OKTA_LEAVERS)
      fixture.simulator.state.invite({ orgId: DEMO_ORG_ID, username, roles: ['ORG_MEMBER'] })
    const containerA = createQueueHandler(env(), { dispatcher: fixture.dispatcher() })
    const containerB = createQueueHandler(env(), { dispatcher: fixture.dispatcher() })
    expect(await acked(containerA, oktaEventNaming([leaver]))).toBe(true)
    expect(await acked(containerB, oktaEventNaming([other]))).toBe(true)
    expect(fixture.simulator.state.pendingInvitations(DEMO_ORG_ID, other)).toEqual([])
    expect(await recorded(`user#${other}`)).toHaveLength(1)
  })

  it('an Okta event with no uuid is keyed by its SQS message: each copy runs', async () => {
    const [leaver] = OKTA_LEAVERS
    fixture.simulator.state.invite({ orgId: DEMO_ORG_ID, username: leaver, roles: ['ORG_MEMBER'] })
    const { uuid: _none, ...detail } = oktaEventNaming([leaver]).detail
    const event = { ...oktaEventNaming([leaver]), detail }
    const containerA = createQueueHandler(env(), { dispatcher: fixture.dispatcher() })
    const containerB = createQueueHandler(env(), { dispatcher: fixture.dispatcher() })
    expect(await acked(containerA, event)).toBe(true)
    fixture.simulator.resetCounters()
    expect(await acked(containerB, event)).toBe(true)
    // The second copy ran: it looked, found nothing left, and said so in the ledger.
    expect(fixture.simulator.counters().requests).toBeGreaterThan(0)
    expect(fixture.simulator.counters().deletes).toBe(0)
    expect((await recorded(`user#${leaver}`)).map((item) => item.outcome)).toEqual(
      expect.arrayContaining(['revoked', 'already_gone']),
    )
  })

  it('a hand-over with the same deliveryId, in two SQS messages, to two containers', async () => {
    const handedOver = (messageId: string) => {
      const event = sqsEvent([
        {
          body: handOverBody({ username: second.username, dryRun: false }, 'okta-uuid-hook'),
          messageId,
        },
      ])
      for (const record of event.Records) {
        record.attributes.SenderId = HTTP_FUNCTION_SENDER
        record.messageAttributes = {
          [REQUESTED_BY_ATTRIBUTE]: {
            dataType: 'String',
            stringValue: JSON.stringify({ trigger: 'okta', oktaEventId: 'okta-uuid-hook' }),
          },
        }
      }
      return event
    }
    const trusted = { ...env(), TRUSTED_HANDOVER_SENDER: HTTP_FUNCTION_SENDER }
    const containerA = createQueueHandler(trusted, { dispatcher: fixture.dispatcher() })
    const containerB = createQueueHandler(trusted, { dispatcher: fixture.dispatcher() })
    expect(await containerA(handedOver('m-1'), lambdaContext(8_000, 'queue'))).toEqual({
      batchItemFailures: [],
    })
    expect(fixture.simulator.counters().deletes).toBe(1)
    fixture.simulator.resetCounters()
    expect(await containerB(handedOver('m-2'), lambdaContext(8_000, 'queue'))).toEqual({
      batchItemFailures: [],
    })
    expect(fixture.simulator.counters().requests).toBe(0)
    const items = await recorded(`user#${second.username}`)
    expect(items).toHaveLength(1)
    expect(items[0]).toMatchObject({ outcome: 'revoked' })
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
