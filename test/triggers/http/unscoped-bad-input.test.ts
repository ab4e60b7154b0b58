/**
 * While ALLOWED_ORG_IDS is unset the HTTP function acts in no organization (503
 * `not_configured`), but a request that could never be served anyway is the caller's to fix: it
 * gets its own 400 naming the field, whatever the deployment's state. A good request gets the
 * 503. Neither reaches Atlas, and authentication still comes before any reading of the body.
 */
import type { APIGatewayProxyResult } from 'aws-lambda'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DEMO_INVITATIONS, DEMO_ORG_ID } from '../../../dev/simulator/demo-seed.ts'
import { createHttpHandler } from '../../../lib/triggers/http/http-handler.ts'
import {
  type FunctionFixture,
  startFunctionFixture,
  withoutOrgScope,
} from '../../support/function-fixture.ts'
import { type HttpCall, httpApiEvent, lambdaContext } from '../../support/lambda-events.ts'

const [first] = DEMO_INVITATIONS
const caller = 'arn:aws:sts::123456789012:assumed-role/offboarding-automation/session'
let fixture: FunctionFixture

beforeEach(async () => {
  fixture = await startFunctionFixture()
})
afterEach(() => fixture.stop())

async function callUnscoped(request: HttpCall) {
  const handler = createHttpHandler(withoutOrgScope(fixture.env), {
    dispatcher: fixture.dispatcher(),
  })
  const result = (await handler(
    httpApiEvent(request),
    lambdaContext(5_000),
  )) as APIGatewayProxyResult
  return { status: result.statusCode, body: JSON.parse(result.body) as Record<string, unknown> }
}

function webhook(payload: unknown): HttpCall {
  const body = JSON.stringify(payload)
  return { method: 'POST', path: '/revocations', body, headers: fixture.sign(body) }
}

function nothingReachedAtlas() {
  expect(fixture.simulator.counters().requests).toBe(0)
  expect(fixture.simulator.state.pendingInvitation(DEMO_ORG_ID, first.id)).toBeDefined()
}

describe('ALLOWED_ORG_IDS unset: bad input still gets its own 400', () => {
  it.each<[string, string, HttpCall | (() => HttpCall), string]>([
    ['a body that is no object', 'body', () => webhook(['x']), 'body must be a JSON object'],
    [
      'neither id nor username',
      'invitationId',
      () => webhook({ orgId: DEMO_ORG_ID }),
      'invitationId or username is required (got: orgId)',
    ],
    [
      'a bad orgId',
      'orgId',
      () => webhook({ orgId: 'acme', invitationId: first.id }),
      'orgId must be',
    ],
    [
      'a username that is no email',
      'username',
      () => webhook({ username: 'bob' }),
      'username must be an email address',
    ],
    [
      'a dry-run synonym (ignored, it would revoke for real)',
      'dryRun',
      () => webhook({ username: first.username, isDryRun: true }),
      'unknown field "isDryRun": did you mean "dryRun"?',
    ],
    [
      'an organization synonym (ignored, the search would widen)',
      'orgIds',
      () => webhook({ username: first.username, organizationIds: [DEMO_ORG_ID] }),
      'unknown field "organizationIds": did you mean "orgIds"?',
    ],
    [
      'a list of invitations',
      'invitationId',
      () => webhook({ username: first.username, invitations: [first.id] }),
      'not a list',
    ],
    [
      'a DELETE whose path ids are no ids',
      'orgId',
      { method: 'DELETE', path: `/orgs/acme/invites/${first.id}`, iamCaller: caller },
      'orgId must be',
    ],
  ])(
    '%s: 400 naming %s, not the 503, and no Atlas call',
    async (_name, field, request, message) => {
      const answer = await callUnscoped(typeof request === 'function' ? request() : request)
      expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_request', field } })
      expect(String(answer.body.message)).toContain(message)
      expect(JSON.stringify(answer.body)).not.toContain('ALLOWED_ORG_IDS')
      nothingReachedAtlas()
    },
  )

  it('still answers a good request 503 not_configured, with no Atlas call', async () => {
    for (const request of [
      webhook({ username: first.username }),
      webhook({ username: first.username, dryRun: true }),
      webhook({ orgId: DEMO_ORG_ID, invitationId: first.id }),
      { method: 'DELETE', path: `/orgs/${DEMO_ORG_ID}/invites/${first.id}`, iamCaller: caller },
    ])
      expect(await callUnscoped(request)).toMatchObject({
        status: 503,
        body: { error: 'not_configured', setting: 'ALLOWED_ORG_IDS' },
      })
    nothingReachedAtlas()
  })

  it('authenticates before it reads the body: an unsigned or unauthorized bad request learns nothing of its fields', async () => {
    const unsigned = await callUnscoped({ ...webhook({ username: 'bob' }), headers: {} })
    expect(unsigned).toMatchObject({ status: 401, body: { error: 'invalid_signature' } })
    expect(unsigned.body.field).toBeUndefined()
    const forged = await callUnscoped({
      ...webhook({ username: first.username, isDryRun: true }),
      headers: fixture.sign('another body'),
    })
    expect(forged).toMatchObject({ status: 401, body: { error: 'invalid_signature' } })
    expect(JSON.stringify(forged.body)).not.toContain('dryRun')
    const noIam = await callUnscoped({ method: 'DELETE', path: `/orgs/acme/invites/${first.id}` })
    expect(noIam).toMatchObject({ status: 403, body: { error: 'iam_required' } })
    expect(noIam.body.field).toBeUndefined()
    nothingReachedAtlas()
  })
})
