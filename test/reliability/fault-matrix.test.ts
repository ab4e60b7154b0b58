/**
 * The fault matrix: every failure we know of, through both handlers, against the simulator and
 * the local Secrets Manager. For each: the HTTP status or what happens to the SQS record, the
 * Atlas requests it took, the time against the Lambda deadline, and whether anything was lost
 * (acknowledged while the invitation is still pending). Prints the matrix when done.
 */
import type { APIGatewayProxyResult, SQSBatchResponse, SQSEvent } from 'aws-lambda'
import { afterAll, describe, expect, it } from 'vitest'
import type { AtlasSimulatorOptions } from '../../dev/simulator/atlas-simulator.ts'
import { DEMO_INVITATIONS, DEMO_MEMBER_ORG_ID, DEMO_ORG_ID } from '../../dev/simulator/demo-seed.ts'
import { createHttpHandler, MAX_BODY_BYTES } from '../../lib/triggers/http/http-handler.ts'
import { BatchFailedError } from '../../lib/triggers/queue/batch-failure-policy.ts'
import { createQueueHandler } from '../../lib/triggers/queue/queue-handler.ts'
import {
  ATLAS_SECRET_ID,
  type FunctionFixture,
  startFunctionFixture,
} from '../support/function-fixture.ts'
import { httpApiEvent, lambdaContext, sqsEvent } from '../support/lambda-events.ts'

const [target, second, warmUp] = DEMO_INVITATIONS
type SqsResult = 'acked' | 'item failure' | 'batch retried'

interface Scenario {
  readonly name: string
  /** Runs before the handler's first call (cold). */
  readonly cold?: (fixture: FunctionFixture, clock: Clock) => void | Promise<void>
  /** Runs after one warm-up revocation, right before the measured call; may call the handler. */
  readonly warm?: (
    fixture: FunctionFixture,
    clock: Clock,
    revoke: (invitationId: string) => Promise<unknown>,
  ) => void | Promise<void>
  /** Extra function settings, e.g. ATLAS_API. */
  readonly env?: Readonly<Record<string, string>>
  /** The measured request; default: the target invitation by id. */
  readonly request?: Readonly<Record<string, string>>
  /** SQS only: a FIFO batch of these records instead; `fails` are the ones that must fail. */
  readonly fifo?: readonly {
    readonly invitationId: string
    readonly group: string
    readonly orgId?: string
    readonly fails?: true
  }[]
  /** Simulator settings for this scenario. */
  readonly simulator?: AtlasSimulatorOptions
  /** What must hold afterwards besides "nothing lost" (e.g. nobody else was revoked). */
  readonly check?: (fixture: FunctionFixture) => void
  readonly http?: number
  readonly sqs?: SqsResult
  /** Send the measured request twice (duplicate delivery). */
  readonly twice?: boolean
  readonly oversized?: boolean
  readonly remainingMs?: number
}

interface Clock {
  advance(ms: number): void
}

const SCENARIOS: Scenario[] = [
  {
    name: 'Atlas 500 on every attempt',
    warm: (f) => f.simulator.faults.configure({ errorRate: 1, errorStatus: 500 }),
    http: 503,
    sqs: 'batch retried',
  },
  {
    name: 'Atlas 502 on every attempt',
    warm: (f) => f.simulator.faults.configure({ errorRate: 1, errorStatus: 502 }),
    http: 503,
    sqs: 'batch retried',
  },
  {
    name: 'Atlas 503 on every attempt',
    warm: (f) => f.simulator.faults.configure({ errorRate: 1, errorStatus: 503 }),
    http: 503,
    sqs: 'batch retried',
  },
  {
    name: 'Atlas 503 once',
    warm: (f) => f.simulator.faults.enqueue({ kind: 'status', status: 503 }),
    http: 200,
    sqs: 'acked',
  },
  {
    name: '429 with Retry-After: 1, then OK',
    warm: (f) => f.simulator.faults.enqueue({ kind: 'status', status: 429, retryAfterSeconds: 1 }),
    http: 200,
    sqs: 'acked',
  },
  {
    name: '429 with Retry-After past the deadline',
    warm: (f) =>
      f.simulator.faults.enqueue({ kind: 'status', status: 429, retryAfterSeconds: 120 }),
    http: 503,
    sqs: 'batch retried',
  },
  {
    name: 'connection reset mid-request',
    warm: (f) => f.simulator.faults.enqueue({ kind: 'reset' }),
    http: 200,
    sqs: 'acked',
  },
  {
    name: 'Atlas hangs past the timeout once',
    warm: (f) => f.simulator.faults.enqueue({ kind: 'hang' }),
    http: 200,
    sqs: 'acked',
  },
  {
    name: 'Atlas hangs on every attempt',
    warm: (f) => f.simulator.faults.configure({ hangRate: 1 }),
    http: 503,
    sqs: 'batch retried',
    remainingMs: 3_000,
  },
  {
    name: 'nonce expires mid-batch (stale=true)',
    warm: (_f, clock) => clock.advance(10 * 60_000),
    http: 200,
    sqs: 'acked',
  },
  {
    name: 'key rotated: old key 401, new secret value',
    warm: (f) => f.rotateAtlasKey(),
    http: 200,
    sqs: 'acked',
  },
  {
    name: 'Secrets Manager throttled once',
    cold: (f) => f.secretsManager.failNext('throttle'),
    http: 200,
    sqs: 'acked',
  },
  {
    name: 'Secrets Manager unavailable',
    cold: (f) => f.secretsManager.failNext('unavailable', 'unavailable', 'unavailable'),
    http: 503,
    sqs: 'batch retried',
  },
  {
    name: 'Atlas secret missing',
    cold: (f) => f.secretsManager.deleteSecret(ATLAS_SECRET_ID),
    http: 500,
    sqs: 'batch retried',
  },
  {
    name: 'Atlas secret JSON malformed',
    cold: (f) => f.secretsManager.putSecret(ATLAS_SECRET_ID, '{"publicKey":'),
    http: 500,
    sqs: 'batch retried',
  },
  {
    name: 'malformed WWW-Authenticate (no nonce)',
    cold: (f) =>
      f.simulator.faults.enqueue({
        kind: 'challenge',
        header: 'Digest realm="MMS Public API", algorithm=MD5',
      }),
    http: 502,
    sqs: 'batch retried',
  },
  { name: 'body over 16 KiB', oversized: true, http: 413 },
  // By id, the second delivery finds nothing pending and nothing that shows it was: not_found,
  // final (acked) but not a success. The ledger of revocations is what will tell it was ours.
  { name: 'duplicate delivery', twice: true, http: 404, sqs: 'acked' },
  // 1. Users mode by invitation id: the pending user's id is not the invitation id.
  { name: 'users mode, by invitation id', env: { ATLAS_API: 'users' }, http: 200, sqs: 'acked' },
  {
    name: 'users mode, by invitation id, after the sunset (410)',
    env: { ATLAS_API: 'users' },
    warm: (f) => {
      f.simulator.behave({ invitationsRemoved: 'gone' })
    },
    http: 502,
    sqs: 'item failure',
  },
  // 2. A 404 settles only with evidence.
  {
    name: 'organization does not exist (404 naming it)',
    warm: (f) => {
      f.simulator.state.removeOrg(DEMO_ORG_ID)
    },
    http: 502,
    sqs: 'item failure',
  },
  {
    name: 'invitation route removed (HTML 404)',
    warm: (f) => {
      f.simulator.behave({ invitationsRemoved: 'html' })
    },
    http: 503,
    sqs: 'batch retried',
  },
  {
    name: '404 naming nothing while still listed as pending',
    warm: (f) => {
      f.simulator.behave({ notFoundNamesId: false })
      f.simulator.faults.enqueue({ kind: 'status', status: 404, when: { method: 'DELETE' } })
    },
    http: 503,
    sqs: 'batch retried',
  },
  {
    name: '404 naming nothing, no longer listed',
    warm: (f) => {
      f.simulator.behave({ notFoundNamesId: false })
    },
    twice: true,
    http: 404,
    sqs: 'acked',
  },
  {
    name: 'list answered with a 200 HTML page',
    request: { username: target.username },
    warm: (f) =>
      f.simulator.faults.enqueue({
        kind: 'answer',
        status: 200,
        contentType: 'text/html',
        body: '<html>maintenance</html>',
        when: { method: 'GET' },
      }),
    http: 503,
    sqs: 'batch retried',
  },
  // 3. Lists are checked against the request.
  {
    name: 'list ignores its username filter',
    request: { username: target.username },
    warm: (f) => {
      f.simulator.behave({ listsIgnoreFilters: true })
    },
    http: 200,
    sqs: 'acked',
    check: (f) => expect(f.simulator.state.pendingInvitation(DEMO_ORG_ID, second.id)).toBeDefined(),
  },
  // 5. Digest: a 401 repeating the nonce we answered must not reset the count.
  {
    name: 'Apache-style nonce repeated in a 401, then the next count accepted',
    simulator: { nonceWindowMs: 60_000 },
    warm: async (f, _clock, revoke) => {
      f.simulator.faults.enqueue({ kind: 'repeatNonce' })
      await revoke(second.id)
    },
    http: 200,
    sqs: 'acked',
  },
  // 6. FIFO: a failed record fails the rest of its own message group only.
  {
    name: 'FIFO: one group fails, the other goes on',
    fifo: [
      {
        invitationId: 'b0000000000000000000000b',
        orgId: DEMO_MEMBER_ORG_ID,
        group: 'a',
        fails: true,
      },
      { invitationId: target.id, group: 'b' },
      { invitationId: second.id, group: 'a', fails: true },
    ],
    sqs: 'item failure',
  },
  {
    name: 'FIFO: Atlas down for every group',
    warm: (f) => f.simulator.faults.configure({ errorRate: 1, errorStatus: 503 }),
    fifo: [
      { invitationId: target.id, group: 'a' },
      { invitationId: second.id, group: 'a' },
      { invitationId: warmUp.id, group: 'b' },
    ],
    sqs: 'batch retried',
    remainingMs: 4_000,
  },
]

interface Row {
  scenario: string
  trigger: 'HTTP' | 'SQS'
  result: string
  attempts: number
  elapsedMs: number
  deadlineMs: number
  lost: boolean
}
const rows: Row[] = []

async function startScenario(scenario: Scenario) {
  let offset = 0
  const clock: Clock = {
    advance: (ms) => {
      offset += ms
    },
  }
  const fixture = await startFunctionFixture({
    nonceLifetimeMs: 5 * 60_000,
    now: () => Date.now() + offset,
    ...scenario.simulator,
  })
  await scenario.cold?.(fixture, clock)
  return { fixture, clock }
}

async function runHttp(scenario: Scenario): Promise<Row> {
  const { fixture, clock } = await startScenario(scenario)
  try {
    const handler = createHttpHandler(
      { ...fixture.env, ...scenario.env },
      { dispatcher: fixture.dispatcher() },
    )
    const call = async (
      invitationId: string,
      pad = '',
      request: Record<string, string> = { invitationId },
    ) => {
      const body = JSON.stringify({ orgId: DEMO_ORG_ID, ...request, ...(pad ? { pad } : {}) })
      const event = httpApiEvent({
        method: 'POST',
        path: '/revocations',
        body,
        headers: fixture.sign(body),
      })
      return (await handler(
        event,
        lambdaContext(scenario.remainingMs ?? 8_000),
      )) as APIGatewayProxyResult
    }
    if (scenario.warm) {
      expect((await call(warmUp.id)).statusCode).toBe(200)
      await scenario.warm(fixture, clock, (id) => call(id))
    }
    const before = fixture.simulator.counters().requests
    const started = Date.now()
    const measured = () =>
      call(target.id, scenario.oversized ? 'x'.repeat(MAX_BODY_BYTES) : '', scenario.request)
    let result = await measured()
    if (scenario.twice) result = await measured()
    const elapsedMs = Date.now() - started
    const pending = fixture.simulator.state.pendingInvitation(DEMO_ORG_ID, target.id) !== undefined
    scenario.check?.(fixture)
    return {
      scenario: scenario.name,
      trigger: 'HTTP',
      result: `${result.statusCode}${result.headers?.['retry-after'] ? ` (Retry-After ${result.headers['retry-after']})` : ''}`,
      attempts: fixture.simulator.counters().requests - before,
      elapsedMs,
      deadlineMs: scenario.remainingMs ?? 8_000,
      lost: result.statusCode === 200 && pending,
    }
  } finally {
    await fixture.stop()
  }
}

async function runSqs(scenario: Scenario): Promise<Row> {
  const { fixture, clock } = await startScenario(scenario)
  try {
    const handler = createQueueHandler(
      { ...fixture.env, ...scenario.env },
      { dispatcher: fixture.dispatcher() },
    )
    const deliver = async (event: SQSEvent) => {
      try {
        const response = (await handler(
          event,
          lambdaContext(scenario.remainingMs ?? 8_000, 'queue'),
        )) as SQSBatchResponse
        return response
      } catch (error) {
        if (error instanceof BatchFailedError) return 'batch retried' as const
        throw error
      }
    }
    const verdict = (response: SQSBatchResponse | 'batch retried'): SqsResult =>
      response === 'batch retried'
        ? response
        : response.batchItemFailures.length === 0
          ? 'acked'
          : 'item failure'
    const messages = (ids: string[], messageId?: string) =>
      sqsEvent(
        ids.map((invitationId) => ({
          body: JSON.stringify({ orgId: DEMO_ORG_ID, invitationId }),
          ...(messageId ? { messageId } : {}),
        })),
      )
    if (scenario.warm) {
      expect(verdict(await deliver(messages([warmUp.id])))).toBe('acked')
      await scenario.warm(fixture, clock, (id) => deliver(messages([id])))
    }
    const before = fixture.simulator.counters().requests
    const started = Date.now()
    const ids = scenario.name.includes('mid-batch') ? [target.id, second.id] : [target.id]
    const event = scenario.fifo
      ? sqsEvent(
          scenario.fifo.map((record, index) => ({
            body: JSON.stringify({
              orgId: record.orgId ?? DEMO_ORG_ID,
              invitationId: record.invitationId,
            }),
            messageId: `fifo-${index}`,
            groupId: record.group,
          })),
          { fifo: true },
        )
      : scenario.request
        ? sqsEvent([
            {
              body: JSON.stringify({ orgId: DEMO_ORG_ID, ...scenario.request }),
              messageId: 'message-1',
            },
          ])
        : messages(ids, 'message-1')
    let response = await deliver(event)
    if (scenario.twice) response = await deliver(event)
    const elapsedMs = Date.now() - started
    const result = verdict(response)
    let lost: boolean
    if (scenario.fifo) {
      const failed = new Set(
        response === 'batch retried'
          ? scenario.fifo.map((_, index) => `fifo-${index}`)
          : response.batchItemFailures.map((failure) => failure.itemIdentifier),
      )
      if (result !== 'batch retried') {
        expect([...failed].sort()).toEqual(
          scenario.fifo.flatMap((record, index) => (record.fails ? [`fifo-${index}`] : [])),
        )
      }
      lost = scenario.fifo.some(
        (record, index) =>
          !failed.has(`fifo-${index}`) &&
          fixture.simulator.state.pendingInvitation(
            record.orgId ?? DEMO_ORG_ID,
            record.invitationId,
          ) !== undefined,
      )
    } else {
      const pending = ids.some(
        (id) => fixture.simulator.state.pendingInvitation(DEMO_ORG_ID, id) !== undefined,
      )
      lost = result === 'acked' && pending
    }
    scenario.check?.(fixture)
    return {
      scenario: scenario.name,
      trigger: 'SQS',
      result,
      attempts: fixture.simulator.counters().requests - before,
      elapsedMs,
      deadlineMs: scenario.remainingMs ?? 8_000,
      lost,
    }
  } finally {
    await fixture.stop()
  }
}

describe('fault matrix', () => {
  for (const scenario of SCENARIOS) {
    if (scenario.http !== undefined) {
      it(`HTTP: ${scenario.name} → ${scenario.http}`, async () => {
        const row = await runHttp(scenario)
        rows.push(row)
        expect(row.result.split(' ')[0]).toBe(String(scenario.http))
        expect(row.elapsedMs).toBeLessThan(row.deadlineMs)
        expect(row.lost).toBe(false)
      })
    }
    if (scenario.sqs !== undefined) {
      it(`SQS: ${scenario.name} → ${scenario.sqs}`, async () => {
        const row = await runSqs(scenario)
        rows.push(row)
        expect(row.result).toBe(scenario.sqs)
        expect(row.elapsedMs).toBeLessThan(row.deadlineMs)
        expect(row.lost).toBe(false)
      })
    }
  }

  it('never retries beyond the bound: at most 4 attempts per Atlas call', () => {
    for (const row of rows.filter(
      (r) => r.scenario.includes('every attempt') && !r.scenario.includes('hangs'),
    )) {
      expect(row.attempts, `${row.trigger} ${row.scenario}`).toBe(4)
    }
  })
})

afterAll(() => {
  const lines = [
    '| scenario | trigger | result | Atlas requests | elapsed / deadline | lost |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${r.trigger} | ${r.result} | ${r.attempts} | ${r.elapsedMs} / ${r.deadlineMs} ms | ${r.lost ? 'LOST' : 'no'} |`,
    ),
  ]
  console.log(`\nFault matrix\n${lines.join('\n')}\n`)
})
