/**
 * The fault matrix: every failure we know of, through both handlers, against the simulator and
 * the local Secrets Manager. For each: the HTTP status or what happens to the SQS record, the
 * Atlas requests it took, the time against the Lambda deadline, and whether anything was lost
 * (acknowledged while the invitation is still pending). Prints the matrix when done.
 */
import type { APIGatewayProxyResult, SQSBatchResponse } from 'aws-lambda'
import { afterAll, describe, expect, it } from 'vitest'
import { createHttpHandler, MAX_BODY_BYTES } from '../../lib/lambda/http-handler.ts'
import { createQueueHandler } from '../../lib/lambda/queue-handler.ts'
import { BatchFailedError } from '../../lib/queue/batch-failure-policy.ts'
import { DEMO_INVITATIONS, DEMO_ORG_ID } from '../../lib/simulator/demo-seed.ts'
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
  /** Runs after one warm-up revocation, right before the measured call. */
  readonly warm?: (fixture: FunctionFixture, clock: Clock) => void | Promise<void>
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
  { name: 'duplicate delivery', twice: true, http: 200, sqs: 'acked' },
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
  })
  await scenario.cold?.(fixture, clock)
  return { fixture, clock }
}

async function runHttp(scenario: Scenario): Promise<Row> {
  const { fixture, clock } = await startScenario(scenario)
  try {
    const handler = createHttpHandler(fixture.env, { dispatcher: fixture.dispatcher() })
    const call = async (invitationId: string, pad = '') => {
      const body = JSON.stringify({ orgId: DEMO_ORG_ID, invitationId, ...(pad ? { pad } : {}) })
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
      await scenario.warm(fixture, clock)
    }
    const before = fixture.simulator.counters().requests
    const started = Date.now()
    let result = await call(target.id, scenario.oversized ? 'x'.repeat(MAX_BODY_BYTES) : '')
    if (scenario.twice) result = await call(target.id)
    const elapsedMs = Date.now() - started
    const pending = fixture.simulator.state.pendingInvitation(DEMO_ORG_ID, target.id) !== undefined
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
    const handler = createQueueHandler(fixture.env, { dispatcher: fixture.dispatcher() })
    const deliver = async (ids: string[], messageId?: string) => {
      const event = sqsEvent(
        ids.map((invitationId) => ({
          body: JSON.stringify({ orgId: DEMO_ORG_ID, invitationId }),
          ...(messageId ? { messageId } : {}),
        })),
      )
      try {
        const response = (await handler(
          event,
          lambdaContext(scenario.remainingMs ?? 8_000, 'queue'),
        )) as SQSBatchResponse
        return response.batchItemFailures.length === 0 ? 'acked' : 'item failure'
      } catch (error) {
        if (error instanceof BatchFailedError) return 'batch retried'
        throw error
      }
    }
    if (scenario.warm) {
      expect(await deliver([warmUp.id])).toBe('acked')
      await scenario.warm(fixture, clock)
    }
    const before = fixture.simulator.counters().requests
    const started = Date.now()
    const ids = scenario.name.includes('mid-batch') ? [target.id, second.id] : [target.id]
    let result = await deliver(ids, 'message-1')
    if (scenario.twice) result = await deliver(ids, 'message-1')
    const elapsedMs = Date.now() - started
    const pending = ids.some(
      (id) => fixture.simulator.state.pendingInvitation(DEMO_ORG_ID, id) !== undefined,
    )
    return {
      scenario: scenario.name,
      trigger: 'SQS',
      result,
      attempts: fixture.simulator.counters().requests - before,
      elapsedMs,
      deadlineMs: scenario.remainingMs ?? 8_000,
      lost: result === 'acked' && pending,
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
