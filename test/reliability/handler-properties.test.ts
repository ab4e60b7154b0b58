/**
 * Property-based tests: arbitrary HTTP events and SQS records never throw out of the handlers,
 * always end in a 4xx (HTTP) or an item failure (SQS) unless they are valid requests, and never
 * make Atlas see an id that is not 24 hex digits.
 */
import type { APIGatewayProxyResult, SQSBatchResponse } from 'aws-lambda'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_INVITATIONS, DEMO_ORG_ID } from '../../dev/simulator/demo-seed.ts'
import { parseRevokeRequest } from '../../lib/revoke/revoke-request.ts'
import { createHttpHandler } from '../../lib/triggers/http/http-handler.ts'
import { createQueueHandler } from '../../lib/triggers/queue/queue-handler.ts'
import { readQueueMessage } from '../../lib/triggers/queue/queue-message.ts'
import { type FunctionFixture, startFunctionFixture } from '../support/function-fixture.ts'
import {
  httpApiEvent,
  lambdaContext,
  restEvent,
  snsNotification,
  sqsEvent,
} from '../support/lambda-events.ts'

let fixture: FunctionFixture
beforeAll(async () => {
  fixture = await startFunctionFixture()
})
afterAll(() => fixture.stop())

const HEX24 = /^[0-9a-f]{24}$/
const ATLAS_PATH = /^\/api\/atlas\/v1\.0\/orgs\/([^/?]+)\/invites(?:\/([^/?]+))?(?:\?.*)?$/
/** A person searched everywhere: the organizations the key can see. */
const ORGS_LIST = /^\/api\/atlas\/v1\.0\/orgs\?/

/** Every request Atlas saw named a well-formed organization and invitation. */
function expectOnlyWellFormedIdsReachedAtlas() {
  for (const request of fixture.simulator.requests()) {
    if (ORGS_LIST.test(request.target)) continue
    const match = ATLAS_PATH.exec(request.target)
    expect(match, request.target).not.toBeNull()
    expect(match?.[1]).toMatch(HEX24)
    if (match?.[2] !== undefined) expect(match[2]).toMatch(HEX24)
  }
}

const validId = fc.constantFrom(
  ...DEMO_INVITATIONS.map((invitation) => invitation.id),
  'a'.repeat(24),
  '0123456789abcdef01234567',
)
const idLike = fc.oneof(
  validId,
  fc.string(),
  fc.stringMatching(/^[0-9a-fA-F]{20,28}$/),
  fc.constantFrom(
    '../../users',
    '%2e%2e',
    `${'a'.repeat(24)}/x`,
    `${'a'.repeat(24)}?x=1`,
    ' '.repeat(24),
  ),
  fc.integer(),
  fc.constant(null),
)
const requestBody = fc.oneof(
  fc.record(
    { orgId: fc.oneof(fc.constant(DEMO_ORG_ID), idLike), invitationId: idLike },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      orgId: fc.oneof(fc.constant(DEMO_ORG_ID), idLike),
      username: fc.oneof(fc.emailAddress(), fc.string()),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue(),
)

describe('HTTP handler on arbitrary events', () => {
  const handler = () => createHttpHandler(fixture.env, { dispatcher: fixture.dispatcher() })

  it('answers unsigned or malformed events with a 4xx and calls no Atlas', async () => {
    const event = fc.record({
      shape: fc.constantFrom('rest', 'httpApi', 'functionUrl', 'junk'),
      method: fc.oneof(fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'OPTIONS'), fc.string()),
      path: fc.oneof(
        fc.constantFrom('/revocations', `/orgs/${DEMO_ORG_ID}/invites/x`, '/', '/prod/revocations'),
        fc.webPath(),
        fc.string(),
      ),
      headers: fc.dictionary(
        fc.oneof(
          fc.constantFrom('webhook-id', 'webhook-timestamp', 'webhook-signature', 'Content-Type'),
          fc.string(),
        ),
        fc.string(),
      ),
      body: fc.oneof(fc.string(), fc.json(), fc.constant(undefined)),
      base64: fc.boolean(),
    })
    const h = handler()
    await fc.assert(
      fc.asyncProperty(event, async (e) => {
        fixture.simulator.resetCounters()
        const call = {
          method: e.method,
          path: e.path,
          headers: e.headers,
          ...(e.body === undefined ? {} : { body: e.body }),
          base64: e.base64,
        }
        const lambdaEvent =
          e.shape === 'rest'
            ? restEvent(call)
            : e.shape === 'junk'
              ? { ...call, nonsense: true }
              : httpApiEvent(call, e.shape)
        const result = (await h(lambdaEvent, lambdaContext())) as APIGatewayProxyResult
        expect(result.statusCode).toBeGreaterThanOrEqual(400)
        expect(result.statusCode).toBeLessThan(500)
        expect(() => JSON.parse(result.body)).not.toThrow()
        expect(fixture.simulator.counters().requests).toBe(0)
      }),
      { numRuns: 300 },
    )
  })

  it('answers signed arbitrary bodies with 400 or a revocation outcome, never an ill-formed id at Atlas', async () => {
    const h = handler()
    await fc.assert(
      fc.asyncProperty(requestBody, fc.boolean(), async (payload, base64) => {
        fixture.simulator.resetCounters()
        const body = JSON.stringify(payload) ?? 'null'
        const result = (await h(
          httpApiEvent({
            method: 'POST',
            path: '/revocations',
            body,
            headers: fixture.sign(body),
            base64,
          }),
          lambdaContext(),
        )) as APIGatewayProxyResult
        const answer = JSON.parse(result.body) as {
          outcome?: string
          error?: string
          field?: string
        }
        if (result.statusCode === 400) expect(answer.field).toBeTruthy()
        else expect([200, 404, 502]).toContain(result.statusCode)
        expectOnlyWellFormedIdsReachedAtlas()
      }),
      { numRuns: 200 },
    )
  })

  it('answers arbitrary path ids on the IAM route with 400 unless both are well-formed', async () => {
    const h = handler()
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(validId, fc.string(), fc.webSegment()),
        fc.oneof(validId, fc.string(), fc.webSegment()),
        async (org, invitation) => {
          fixture.simulator.resetCounters()
          const path = `/orgs/${encodeURIComponent(org)}/invites/${encodeURIComponent(invitation)}`
          const result = (await h(
            httpApiEvent({ method: 'DELETE', path, iamCaller: 'arn:aws:iam::123456789012:role/x' }),
            lambdaContext(),
          )) as APIGatewayProxyResult
          const wellFormed = HEX24.test(org) && HEX24.test(invitation)
          if (!wellFormed) {
            expect([400, 404]).toContain(result.statusCode)
            expect(fixture.simulator.counters().requests).toBe(0)
          }
          expectOnlyWellFormedIdsReachedAtlas()
        },
      ),
      { numRuns: 200 },
    )
  })
})

describe('queue handler on arbitrary records', () => {
  it('acks only settled requests, fails every other record with a reason, and never throws otherwise', async () => {
    const h = createQueueHandler(fixture.env, { dispatcher: fixture.dispatcher() })
    const record = fc.oneof(
      fc.string(),
      requestBody.map((payload) => JSON.stringify(payload) ?? 'null'),
      requestBody.map((payload) => snsNotification(payload)),
      fc
        .record({ Type: fc.constant('Notification'), Message: fc.string() })
        .map((notification) => JSON.stringify(notification)),
    )
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { minLength: 1, maxLength: 10 }),
        fc.boolean(),
        async (bodies, fifo) => {
          fixture.simulator.resetCounters()
          const event = sqsEvent(bodies, { fifo })
          let response: SQSBatchResponse
          try {
            response = (await h(event, lambdaContext(10_000, 'queue'))) as SQSBatchResponse
          } catch (error) {
            // Allowed only when no record was at fault itself; the whole batch is then retried.
            expect((error as Error).name).toBe('BatchFailedError')
            return
          }
          const failed = new Set(
            response.batchItemFailures.map((failure) => failure.itemIdentifier),
          )
          for (const failure of failed)
            expect(event.Records.map((r) => r.messageId)).toContain(failure)
          // A record that is not a revoke request is never acked.
          for (const sqsRecord of event.Records) {
            if (!isRevokeRequest(sqsRecord.body))
              expect(failed.has(sqsRecord.messageId), sqsRecord.body).toBe(true)
          }
          expectOnlyWellFormedIdsReachedAtlas()
        },
      ),
      { numRuns: 150 },
    )
  })
})

/** Whether a record is worth acking at all: it reads, and every request it carries is valid. */
function isRevokeRequest(body: string): boolean {
  try {
    const facts = {
      senderId: 'AIDAEXAMPLE',
      requestedByAttribute: undefined,
      trustedSender: undefined,
    }
    for (const request of readQueueMessage(body, facts).requests) parseRevokeRequest(request)
    return true
  } catch {
    return false
  }
}
