/**
 * Safe by default: while ALLOWED_ORG_IDS is unset the deployed functions act in no
 * organization (the HTTP function answers 503 naming it, queue records stay on the queue, the
 * sweep fails before it reads the ledger, nothing reaches Atlas) and each container says why
 * once, in an ERROR line at INIT. `*` is the explicit "every organization the key can see";
 * `*` next to ids is a configuration error.
 */
import { readFileSync } from 'node:fs'
import type { APIGatewayProxyResult, SQSBatchResponse } from 'aws-lambda'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  DEMO_INVITATIONS,
  DEMO_MEMBER_ORG_ID,
  DEMO_ORG_ID,
  DEMO_SECOND_ORG_ID,
} from '../../dev/simulator/demo-seed.ts'
import { hasEarlyConnection } from '../../lib/atlas/http/early-connection.ts'
import type { Ledger } from '../../lib/ledger/ledger.ts'
import { startHeadStart } from '../../lib/triggers/cold-start-head-start.ts'
import type { HandOver } from '../../lib/triggers/handover.ts'
import { createHttpHandler } from '../../lib/triggers/http/http-handler.ts'
import { createQueueHandler } from '../../lib/triggers/queue/queue-handler.ts'
import { createSweepHandler } from '../../lib/triggers/sweep/sweep-handler.ts'
import {
  type FunctionFixture,
  startFunctionFixture,
  withoutOrgScope,
} from '../support/function-fixture.ts'
import { registerSecret } from '../support/known-secrets.ts'
import { type HttpCall, httpApiEvent, lambdaContext, sqsEvent } from '../support/lambda-events.ts'
import { captureLogLines } from '../support/observed.ts'

const [first, second] = DEMO_INVITATIONS
const OKTA_SECRET_ID = 'atlas-invite-revoker/okta-event-hook'
const OKTA_SECRET = 'Basic b3JnLXNjb3BlLXRlc3Q6b2t0YS1zZWNyZXQ='
const QUEUE_URL =
  'https://sqs.us-east-1.amazonaws.com/123456789012/atlas-invite-revoker-test-revoke'
const INIT_ERROR = 'ALLOWED_ORG_IDS is not set: this function acts in no organization'
const caller = 'arn:aws:sts::123456789012:assumed-role/offboarding-automation/session'
registerSecret(OKTA_SECRET)

let fixture: FunctionFixture
let capture: ReturnType<typeof captureLogLines>
let queued: HandOver[]

beforeEach(async () => {
  fixture = await startFunctionFixture()
  fixture.secretsManager.putSecret(OKTA_SECRET_ID, OKTA_SECRET)
  capture = captureLogLines()
  queued = []
})
afterEach(async () => {
  capture.stop()
  await fixture.stop()
})

const unscoped = () => withoutOrgScope(fixture.env)
const initErrors = () => capture.lines().filter((line) => line.message === INIT_ERROR)

function httpHandler(env: Record<string, string>) {
  return createHttpHandler(
    { ...env, OKTA_SECRET_ID, REVOKE_QUEUE_URL: QUEUE_URL },
    {
      dispatcher: fixture.dispatcher(),
      revokeQueue: {
        send: async (handOvers) => {
          queued.push(...handOvers)
        },
      },
    },
  )
}

async function call(handler: ReturnType<typeof httpHandler>, request: HttpCall) {
  const result = (await handler(
    httpApiEvent(request),
    lambdaContext(5_000),
  )) as APIGatewayProxyResult
  return { status: result.statusCode, body: result.body ? JSON.parse(result.body) : {} }
}

function webhook(payload: unknown): HttpCall {
  const body = JSON.stringify(payload)
  return { method: 'POST', path: '/revocations', body, headers: fixture.sign(body) }
}

/** A ledger that must not be read: every use is noted. */
function untouchedLedger(): { ledger: Ledger; touched: string[] } {
  const touched: string[] = []
  const ledger = new Proxy(
    {},
    {
      get: (_target, name) => {
        touched.push(String(name))
        return async () => undefined
      },
    },
  ) as Ledger
  return { ledger, touched }
}

describe('ALLOWED_ORG_IDS unset: the functions act in no organization', () => {
  it('HTTP: answers a signed webhook and an IAM DELETE 503 naming ALLOWED_ORG_IDS, with no Atlas request', async () => {
    const http = httpHandler(unscoped())
    for (const request of [
      webhook({ orgId: DEMO_ORG_ID, invitationId: first.id }),
      webhook({ username: first.username }),
      { method: 'DELETE', path: `/orgs/${DEMO_ORG_ID}/invites/${second.id}`, iamCaller: caller },
    ]) {
      const answer = await call(http, request)
      expect(answer).toMatchObject({
        status: 503,
        body: {
          error: 'not_configured',
          setting: 'ALLOWED_ORG_IDS',
          message: expect.stringContaining('ALLOWED_ORG_IDS is not set'),
        },
      })
      expect(answer.body.message).toContain('*')
    }
    expect(fixture.simulator.counters().requests).toBe(0)
    expect(fixture.simulator.state.pendingInvitation(DEMO_ORG_ID, first.id)).toBeDefined()
    expect(fixture.simulator.state.pendingInvitation(DEMO_ORG_ID, second.id)).toBeDefined()
    // Said once, at INIT, as an ERROR naming what to set.
    expect(initErrors()).toHaveLength(1)
    expect(initErrors()[0]).toMatchObject({
      level: 'ERROR',
      setting: 'ALLOWED_ORG_IDS',
      consequence: expect.stringContaining('503'),
      fix: expect.stringContaining('*'),
    })
  })

  it('HTTP: still refuses an unsigned webhook 401, telling a stranger nothing of the setting', async () => {
    const answer = await call(httpHandler(unscoped()), {
      ...webhook({ orgId: DEMO_ORG_ID, invitationId: first.id }),
      headers: {},
    })
    expect(answer.status).toBe(401)
    expect(JSON.stringify(answer.body)).not.toContain('ALLOWED_ORG_IDS')
  })

  it('HTTP: Okta’s verification works, and leavers wait on the revoke queue (it acts nowhere)', async () => {
    const http = httpHandler(unscoped())
    const verified = await call(http, {
      method: 'GET',
      path: '/okta/events',
      headers: { authorization: OKTA_SECRET, 'x-okta-verification-challenge': 'challenge-1' },
    })
    expect(verified).toEqual({ status: 200, body: { verification: 'challenge-1' } })
    const delivery = readFileSync(
      new URL('../../dev/local-stack/okta/event-hook-deactivate.json', import.meta.url),
      'utf8',
    )
    const posted = await call(http, {
      method: 'POST',
      path: '/okta/events',
      headers: { authorization: OKTA_SECRET },
      body: delivery,
    })
    expect(posted.status).toBe(200)
    expect(queued).toHaveLength(1)
    expect(
      capture
        .lines()
        .some((line) => line.level === 'WARN' && /queued while ALLOWED_ORG_IDS/.test(line.message)),
    ).toBe(true)
    expect(fixture.simulator.counters().requests).toBe(0)
  })

  it('queue: acks no record, reads none, and calls no Atlas; said once at INIT', async () => {
    const queue = createQueueHandler(unscoped(), { dispatcher: fixture.dispatcher() })
    const records = sqsEvent([
      JSON.stringify({ orgId: DEMO_ORG_ID, invitationId: first.id }),
      JSON.stringify({ username: second.username }),
      'not even JSON',
    ])
    for (let run = 0; run < 2; run++) {
      // Every record failed for a reason outside the messages: the batch fails whole, so
      // Lambda backs off and SQS keeps every record (then the DLQ, never an ack).
      await expect(queue(records, lambdaContext(5_000, 'queue'))).rejects.toThrow(
        'all 3 records failed for reasons outside the messages',
      )
    }
    const notAcked = capture.lines().filter((line) => line.message === 'record not acked')
    expect(notAcked).toHaveLength(6)
    for (const line of notAcked)
      expect(line).toMatchObject({
        cause: 'environment',
        error: { message: expect.stringContaining('ALLOWED_ORG_IDS is not set') },
      })
    expect(fixture.simulator.counters().requests).toBe(0)
    expect(initErrors()).toHaveLength(1)
    expect(initErrors()[0]?.consequence).toContain('stay on the queue')
  })

  it('sweep: fails loudly before it reads the ledger, and calls no Atlas; said once at INIT', async () => {
    const { ledger, touched } = untouchedLedger()
    const sweep = createSweepHandler(
      { ...unscoped(), LEDGER_TABLE: 'ledger' },
      { dispatcher: fixture.dispatcher(), tables: { ledger, repeats: undefined } },
    )
    for (let run = 0; run < 2; run++)
      await expect(sweep({}, lambdaContext(60_000, 'sweep'))).rejects.toThrow(
        'ALLOWED_ORG_IDS is not set, so this deployment acts in no organization',
      )
    expect(touched).toEqual([])
    expect(fixture.simulator.counters().requests).toBe(0)
    expect(initErrors()).toHaveLength(1)
  })

  it('says so when each function is made, before its first event (at INIT)', () => {
    httpHandler(unscoped())
    createQueueHandler(unscoped(), { dispatcher: fixture.dispatcher() })
    createSweepHandler(
      { ...unscoped(), LEDGER_TABLE: 'ledger' },
      {
        dispatcher: fixture.dispatcher(),
        tables: { ledger: untouchedLedger().ledger, repeats: undefined },
      },
    )
    expect(initErrors().map((line) => line.consequence)).toEqual([
      expect.stringContaining('503'),
      expect.stringContaining('stay on the queue'),
      expect.stringContaining('re-checks no one'),
    ])
    expect(fixture.simulator.counters().requests).toBe(0)
  })

  it('INIT head start: opens no connection to Atlas and reads no secret', async () => {
    const secretReads = fixture.secretsManager.calls()
    const headStart = await startHeadStart(unscoped(), 'queue')
    await headStart.settled(500)
    expect(headStart.overrides).toEqual({})
    expect(hasEarlyConnection(fixture.env.ATLAS_BASE_URL as string)).toBe(false)
    expect(fixture.secretsManager.calls()).toBe(secretReads)
    expect(fixture.simulator.counters().requests).toBe(0)
  })
})

describe('ALLOWED_ORG_IDS=*: every organization the key can see, said at INIT', () => {
  it('searches a person in every organization the key sees', async () => {
    const answer = await call(httpHandler({ ...fixture.env, ALLOWED_ORG_IDS: '*' }), {
      ...webhook({ username: first.username, dryRun: true }),
    })
    expect(answer.status).toBe(502) // the member organization refuses: it was searched
    expect(
      (answer.body.searched as { orgId: string }[]).map((search) => search.orgId).sort(),
    ).toEqual([DEMO_ORG_ID, DEMO_MEMBER_ORG_ID, DEMO_SECOND_ORG_ID].sort())
    const info = capture
      .lines()
      .filter((line) => line.message.includes('every organization the key can see'))
    expect(info).toHaveLength(1)
    expect(info[0]).toMatchObject({ level: 'INFO' })
    expect(initErrors()).toEqual([])
  })

  it('is a configuration error next to ids, for every function, with no Atlas request', async () => {
    const env = { ...fixture.env, ALLOWED_ORG_IDS: `*,${DEMO_ORG_ID}` }
    const answer = await call(httpHandler(env), webhook({ username: first.username }))
    expect(answer.status).toBe(500)
    const queue = createQueueHandler(env, { dispatcher: fixture.dispatcher() })
    const response = await queue(
      sqsEvent([JSON.stringify({ username: first.username })]),
      lambdaContext(5_000, 'queue'),
    ).catch((error: Error) => error)
    expect(response).toBeInstanceOf(Error)
    expect((response as Error).message).toContain('ALLOWED_ORG_IDS mixes * with organization ids')
    expect((response as SQSBatchResponse).batchItemFailures).toBeUndefined()
    expect(fixture.simulator.counters().requests).toBe(0)
  })

  it("a bad value is said at INIT too, as an ERROR naming the setting's problem, by every function", () => {
    const env = { ...fixture.env, ALLOWED_ORG_IDS: ',' }
    httpHandler(env)
    createQueueHandler(env, { dispatcher: fixture.dispatcher() })
    createSweepHandler(
      { ...env, LEDGER_TABLE: 'ledger' },
      {
        dispatcher: fixture.dispatcher(),
        tables: { ledger: untouchedLedger().ledger, repeats: undefined },
      },
    )
    const errors = capture.lines().filter((line) => line.level === 'ERROR')
    expect(errors).toHaveLength(3)
    for (const line of errors)
      expect(line).toMatchObject({
        message: expect.stringMatching(/ is not valid: every event fails until it is fixed$/),
        problem: expect.stringContaining('ALLOWED_ORG_IDS lists no organization id'),
      })
    expect(fixture.simulator.counters().requests).toBe(0)
  })
})
