/**
 * The one promise: `revoked` / `already_gone` (HTTP 200, SQS ack) only on evidence that the
 * invitation is gone. Each case here looked like success before, against a simulator that
 * agreed with our assumptions; the simulator now answers the ways MongoDB's spec allows, and
 * the handlers settle only what the answers prove.
 */
import type { APIGatewayProxyResult, SQSBatchResponse } from 'aws-lambda'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DEMO_INVITATIONS, DEMO_ORG_ID } from '../../dev/simulator/demo-seed.ts'
import type { Fault } from '../../dev/simulator/fault-injector.ts'
import { createHttpHandler } from '../../lib/triggers/http/http-handler.ts'
import { createQueueHandler } from '../../lib/triggers/queue/queue-handler.ts'
import { type FunctionFixture, startFunctionFixture } from '../support/function-fixture.ts'
import { httpApiEvent, lambdaContext, sqsEvent } from '../support/lambda-events.ts'

const [first, second, third] = DEMO_INVITATIONS
let fixture: FunctionFixture

beforeEach(async () => {
  fixture = await startFunctionFixture()
})
afterEach(() => fixture.stop())

/** Users mode after the sunset: the Cloud Users API alone. */
const USERS_ONLY = { SEARCH_INVITATIONS_API: 'false' }

async function post(payload: unknown, api = 'v1', env: Record<string, string> = {}) {
  const handler = createHttpHandler(
    { ...fixture.env, ATLAS_API: api, ...env },
    { dispatcher: fixture.dispatcher() },
  )
  const body = JSON.stringify(payload)
  const result = (await handler(
    httpApiEvent({ method: 'POST', path: '/revocations', body, headers: fixture.sign(body) }),
    lambdaContext(8_000),
  )) as APIGatewayProxyResult
  return { status: result.statusCode, body: JSON.parse(result.body) as Record<string, unknown> }
}

/** 'acked', 'item failure', or 'batch retried' (the handler threw so Lambda retries). */
async function deliver(payload: unknown, api = 'v1') {
  const handler = createQueueHandler(
    { ...fixture.env, ATLAS_API: api },
    { dispatcher: fixture.dispatcher() },
  )
  try {
    const response = (await handler(
      sqsEvent([JSON.stringify(payload)]),
      lambdaContext(8_000, 'queue'),
    )) as SQSBatchResponse
    return response.batchItemFailures.length === 0 ? 'acked' : 'item failure'
  } catch {
    return 'batch retried'
  }
}

const pending = (invitationId: string) =>
  fixture.simulator.state.pendingInvitation(DEMO_ORG_ID, invitationId) !== undefined
const deletes = () =>
  fixture.simulator.requests().filter((request) => request.method === 'DELETE').length
/** Atlas answers the removal 404 without naming anything. */
const deleteNotFound: Fault = { kind: 'status', status: 404, when: { method: 'DELETE' } }
const htmlPage: Fault = {
  kind: 'answer',
  status: 200,
  contentType: 'text/html',
  body: '<!DOCTYPE html><html><body>Maintenance</body></html>',
}

describe('1. users mode by invitation id: the invitation id is no user id', () => {
  it('reads the invitation, finds its pending user by username, removes that user', async () => {
    expect(await post({ orgId: DEMO_ORG_ID, invitationId: first.id }, 'users')).toMatchObject({
      status: 200,
      body: { outcome: 'revoked', invitationId: first.id, userId: first.userId },
    })
    expect(pending(first.id)).toBe(false)
    expect(await deliver({ orgId: DEMO_ORG_ID, invitationId: second.id }, 'users')).toBe('acked')
    expect(pending(second.id)).toBe(false)
  })

  it('after the sunset an invitation id cannot be resolved: invalid, naming the fix, not acked', async () => {
    for (const style of ['gone', 'json', 'html'] as const) {
      fixture.simulator.behave({ invitationsRemoved: style })
      const answer = await post({ orgId: DEMO_ORG_ID, invitationId: first.id }, 'users')
      expect(answer, style).toMatchObject({
        status: 502,
        body: { outcome: 'invalid', detail: expect.stringContaining('send the username') },
      })
      expect(await deliver({ orgId: DEMO_ORG_ID, invitationId: first.id }, 'users')).toBe(
        'item failure',
      )
    }
    expect(pending(first.id)).toBe(true)
    // By username it works once the invitations API is switched off: the Users API finds the
    // pending user (with it on, its 410 fails the search: see settled-means-proven, item 5).
    fixture.simulator.behave({ invitationsRemoved: 'gone' })
    expect(
      await post({ orgId: DEMO_ORG_ID, username: first.username }, 'users', USERS_ONLY),
    ).toMatchObject({
      status: 200,
      body: { outcome: 'revoked', invitations: [{ userId: first.userId, outcome: 'revoked' }] },
    })
  })

  it('after the sunset, a removed invitations API that does not answer 410 is an outage, not "nothing there"', async () => {
    fixture.simulator.behave({ invitationsRemoved: 'html' })
    expect(await post({ orgId: DEMO_ORG_ID, username: first.username }, 'users')).toMatchObject({
      status: 503,
      body: { outcome: 'upstream_error' },
    })
  })
})

describe('2. a 404 settles only with evidence', () => {
  it('an organization that does not exist is invalid, never already_gone', async () => {
    fixture.simulator.state.removeOrg(DEMO_ORG_ID)
    for (const api of ['v1', 'v2', 'users']) {
      for (const request of [
        { orgId: DEMO_ORG_ID, invitationId: first.id },
        { orgId: DEMO_ORG_ID, username: first.username },
      ]) {
        expect(await post(request, api), `${api} ${JSON.stringify(request)}`).toMatchObject({
          status: 502,
          body: { outcome: 'invalid' },
        })
      }
      expect(await deliver({ orgId: DEMO_ORG_ID, invitationId: first.id }, api)).toBe(
        'item failure',
      )
    }
  })

  it('a removed route (a JSON 404 for the path, or an HTML page) is an upstream_error', async () => {
    for (const style of ['json', 'html'] as const) {
      fixture.simulator.behave({ invitationsRemoved: style })
      for (const api of ['v1', 'v2']) {
        expect(await post({ orgId: DEMO_ORG_ID, invitationId: first.id }, api)).toMatchObject({
          status: 503,
          body: { outcome: 'upstream_error' },
        })
        expect(await post({ orgId: DEMO_ORG_ID, username: first.username }, api)).toMatchObject({
          status: 503,
          body: { outcome: 'upstream_error' },
        })
        expect(await deliver({ orgId: DEMO_ORG_ID, invitationId: first.id }, api)).toBe(
          'batch retried',
        )
      }
    }
    expect(pending(first.id)).toBe(true)
  })

  it('the sunset (410 VERSION_GONE) is invalid and says to switch to the users API', async () => {
    fixture.simulator.behave({ invitationsRemoved: 'gone' })
    expect(await post({ orgId: DEMO_ORG_ID, invitationId: first.id })).toMatchObject({
      status: 502,
      body: { outcome: 'invalid', detail: expect.stringContaining('ATLAS_API=users') },
    })
  })

  it('a 404 naming nothing settles only when the invitation is no longer listed', async () => {
    fixture.simulator.behave({ notFoundNamesId: false })
    expect(await post({ orgId: DEMO_ORG_ID, invitationId: first.id })).toMatchObject({
      status: 200,
      body: { outcome: 'revoked' },
    })
    // Not pending, says the follow-up list; nothing shows it ever was in this request.
    expect(await post({ orgId: DEMO_ORG_ID, invitationId: first.id })).toMatchObject({
      status: 404,
      body: { outcome: 'not_found', evidence: { kind: 'absent', by: 'unlisted' } },
    })
    // A 404 while Atlas still lists it as pending proves nothing.
    fixture.simulator.faults.enqueue(deleteNotFound)
    expect(await post({ orgId: DEMO_ORG_ID, invitationId: second.id })).toMatchObject({
      status: 503,
      body: { outcome: 'upstream_error' },
    })
    fixture.simulator.faults.enqueue(deleteNotFound)
    expect(await deliver({ orgId: DEMO_ORG_ID, invitationId: second.id })).toBe('batch retried')
    expect(pending(second.id)).toBe(true)
  })

  it('the same in users mode: a removal 404 naming nothing is checked against the pending users', async () => {
    // After the sunset, so the Users API is the only one consulted.
    fixture.simulator.behave({ notFoundNamesId: false, invitationsRemoved: 'gone' })
    fixture.simulator.faults.enqueue(deleteNotFound)
    expect(
      await post({ orgId: DEMO_ORG_ID, username: first.username }, 'users', USERS_ONLY),
    ).toMatchObject({
      status: 503,
      body: { outcome: 'upstream_error' },
    })
    expect(pending(first.id)).toBe(true)
    expect(deletes()).toBe(1)
  })

  it('a list in the wrong shape, or a 200 HTML page, is an upstream_error, not "none pending"', async () => {
    const cases: [string, Fault][] = [
      ['v1', htmlPage],
      ['v1', { kind: 'answer', status: 200, body: JSON.stringify({ results: [] }) }],
      ['users', htmlPage],
      ['users', { kind: 'answer', status: 200, body: '[]' }],
    ]
    for (const [api, answer] of cases) {
      const fault = { ...answer, when: { method: 'GET' } }
      fixture.simulator.faults.enqueue(fault)
      expect(await post({ orgId: DEMO_ORG_ID, username: first.username }, api)).toMatchObject({
        status: 503,
        body: { outcome: 'upstream_error' },
      })
      fixture.simulator.faults.enqueue(fault)
      expect(await deliver({ orgId: DEMO_ORG_ID, username: first.username }, api)).toBe(
        'batch retried',
      )
    }
    expect(pending(first.id)).toBe(true)
  })

  it('a 404 on a list call is never "none pending"', async () => {
    fixture.simulator.faults.enqueue({ kind: 'status', status: 404, when: { method: 'GET' } })
    expect(await post({ orgId: DEMO_ORG_ID, username: first.username })).toMatchObject({
      status: 503,
      body: { outcome: 'upstream_error' },
    })
  })
})

describe('3. lists are checked against the request', () => {
  it('revokes only the username asked for when a list ignores its filter', async () => {
    fixture.simulator.behave({ listsIgnoreFilters: true })
    for (const api of ['v1', 'v2']) {
      const invitation = api === 'v1' ? first : second
      expect(await post({ orgId: DEMO_ORG_ID, username: invitation.username }, api)).toMatchObject({
        status: 200,
        body: { outcome: 'revoked', invitations: [{ invitationId: invitation.id }] },
      })
    }
    fixture.simulator.behave({ invitationsRemoved: 'gone' })
    expect(
      await post({ orgId: DEMO_ORG_ID, username: third.username }, 'users', USERS_ONLY),
    ).toMatchObject({
      status: 200,
      body: { outcome: 'revoked', invitations: [{ userId: third.userId }] },
    })
    expect(deletes()).toBe(3)
    expect(fixture.simulator.state.members(DEMO_ORG_ID)).toHaveLength(1)
  })

  it('compares usernames trimmed and in lower case, in the whole list it reads', async () => {
    const answer = await post({
      orgId: DEMO_ORG_ID,
      username: `  ${first.username.toUpperCase()} `,
    })
    expect(answer).toMatchObject({
      status: 200,
      body: { outcome: 'revoked', username: first.username },
    })
    const [list] = fixture.simulator.requests().filter((request) => request.method === 'GET')
    expect(list?.target).toBe(`/api/atlas/v1.0/orgs/${DEMO_ORG_ID}/invites`)
  })

  it('reports an ACTIVE match as active_member and removes nobody (users mode)', async () => {
    fixture.simulator.state.accept(first.id)
    expect(await post({ orgId: DEMO_ORG_ID, username: first.username }, 'users')).toMatchObject({
      status: 409,
      body: { outcome: 'active_member', invitations: [{ userId: first.userId }] },
    })
    expect(deletes()).toBe(0)
  })
})
