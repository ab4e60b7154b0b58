/**
 * The handlers in every Atlas API mode (`ATLAS_API` = v1, v2, users) and with both kinds of
 * credentials (API key over Digest, service account over OAuth): same requests, same outcome
 * table, the right endpoints and versions on the wire.
 */
import { Logger } from '@aws-lambda-powertools/logger'
import type { APIGatewayProxyResult, SQSBatchResponse } from 'aws-lambda'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  DEMO_ACTIVE_MEMBER,
  DEMO_INVITATIONS,
  DEMO_ORG_ID,
  DEMO_SERVICE_ACCOUNT,
} from '../../dev/simulator/demo-seed.ts'
import { createHttpHandler } from '../../lib/triggers/http/http-handler.ts'
import { createQueueHandler } from '../../lib/triggers/queue/queue-handler.ts'
import {
  ATLAS_SECRET_ID,
  type FunctionFixture,
  startFunctionFixture,
} from '../support/function-fixture.ts'
import { httpApiEvent, lambdaContext, sqsEvent } from '../support/lambda-events.ts'
import { recordingMetrics } from '../support/observed.ts'

const [first, second, third] = DEMO_INVITATIONS
const MODES = ['v1', 'v2', 'users'] as const
const V1 = { path: `/api/atlas/v1.0/orgs/${DEMO_ORG_ID}/invites`, accept: 'application/json' }
const V2 = {
  path: `/api/atlas/v2/orgs/${DEMO_ORG_ID}/invites`,
  accept: 'application/vnd.atlas.2023-01-01+json',
}
const USERS = {
  path: `/api/atlas/v2/orgs/${DEMO_ORG_ID}/users`,
  accept: 'application/vnd.atlas.2025-02-19+json',
}
/** Where each mode may go: users mode reads an invitation (v2) to learn whose it is. */
const WIRE = { v1: [V1], v2: [V2], users: [USERS, V2] }

let fixture: FunctionFixture
beforeEach(async () => {
  fixture = await startFunctionFixture()
})
afterEach(() => fixture.stop())

function handlers(api: string, logger?: Logger) {
  const env = { ...fixture.env, ATLAS_API: api }
  const dispatcher = fixture.dispatcher()
  return {
    http: createHttpHandler(env, { dispatcher, ...(logger ? { logger } : {}) }),
    queue: createQueueHandler(env, { dispatcher, ...(logger ? { logger } : {}) }),
  }
}

async function post(handler: ReturnType<typeof handlers>['http'], payload: unknown) {
  const body = JSON.stringify(payload)
  const result = (await handler(
    httpApiEvent({ method: 'POST', path: '/revocations', body, headers: fixture.sign(body) }),
    lambdaContext(),
  )) as APIGatewayProxyResult
  return { status: result.statusCode, body: JSON.parse(result.body) as Record<string, unknown> }
}

async function deliver(handler: ReturnType<typeof handlers>['queue'], payload: unknown) {
  return (await handler(
    sqsEvent([JSON.stringify(payload)]),
    lambdaContext(10_000, 'queue'),
  )) as SQSBatchResponse
}

const useServiceAccount = () =>
  fixture.secretsManager.putSecret(ATLAS_SECRET_ID, JSON.stringify(DEMO_SERVICE_ACCOUNT))

for (const api of MODES) {
  for (const credentials of ['API key', 'service account'] as const) {
    describe(`ATLAS_API=${api} with an ${credentials}`, () => {
      beforeEach(() => {
        if (credentials === 'service account') useServiceAccount()
      })

      it('revokes by id, then answers not_found (404), through HTTP and SQS', async () => {
        const { http, queue } = handlers(api)
        expect(await post(http, { orgId: DEMO_ORG_ID, invitationId: first.id })).toMatchObject({
          status: 200,
          body: { outcome: 'revoked' },
        })
        expect(await post(http, { orgId: DEMO_ORG_ID, invitationId: first.id })).toMatchObject({
          status: 404,
          body: { outcome: 'not_found' },
        })
        expect(await deliver(queue, { orgId: DEMO_ORG_ID, invitationId: second.id })).toEqual({
          batchItemFailures: [],
        })
        expect(
          fixture.simulator.state
            .pendingInvitations(DEMO_ORG_ID)
            .map((invitation) => invitation.id),
        ).toEqual([third.id])
        const apiRequests = fixture.simulator
          .requests()
          .filter((request) => !request.target.startsWith('/api/oauth'))
        for (const request of apiRequests) {
          const endpoint = WIRE[api].find((wire) => request.target.startsWith(wire.path))
          expect(endpoint, request.target).toBeDefined()
          expect(request.accept).toBe(endpoint?.accept)
          expect(request.authorization ?? '').toMatch(
            credentials === 'service account' ? /^Bearer |^$/ : /^Digest |^$/,
          )
        }
      })

      it('revokes every pending invitation of a username', async () => {
        const { http } = handlers(api)
        const answer = await post(http, { orgId: DEMO_ORG_ID, username: third.username })
        expect(answer).toMatchObject({
          status: 200,
          body: {
            outcome: 'revoked',
            // Users mode also asks the invitations API while it exists: the pending user and
            // its invitation are one access, reported once (the invitation went with its user).
            invitations:
              api === 'users'
                ? [{ userId: third.userId, invitationId: third.id, outcome: 'revoked' }]
                : [{ invitationId: third.id, outcome: 'revoked' }],
          },
        })
        expect(fixture.simulator.state.pendingInvitation(DEMO_ORG_ID, third.id)).toBeUndefined()
      })
    })
  }
}

describe('ATLAS_API=users and active members', () => {
  it('never removes an active member without the opt-in: 409 active_member over HTTP, acked once on SQS with its metric', async () => {
    const { http } = handlers('users')
    const byName = await post(http, { orgId: DEMO_ORG_ID, username: DEMO_ACTIVE_MEMBER.username })
    expect(byName).toMatchObject({
      status: 409,
      body: {
        outcome: 'active_member',
        invitations: [
          {
            userId: DEMO_ACTIVE_MEMBER.id,
            outcome: 'active_member',
            evidence: { kind: 'member', by: 'listed' },
          },
        ],
      },
    })
    const metrics = recordingMetrics()
    const queue = createQueueHandler(
      { ...fixture.env, ATLAS_API: 'users' },
      { dispatcher: fixture.dispatcher(), metrics },
    )
    const response = await deliver(queue, {
      orgId: DEMO_ORG_ID,
      username: DEMO_ACTIVE_MEMBER.username,
    })
    // Final: no retry can change it, so no round trip to the DLQ; the alarm asks a person.
    expect(response.batchItemFailures).toEqual([])
    expect(metrics.emitted.filter((metric) => metric.name === 'ActiveMember')).toEqual([
      { name: 'ActiveMember', unit: 'Count', value: 1, dimensions: {} },
    ])
    expect(fixture.simulator.state.members(DEMO_ORG_ID).map((member) => member.id)).toEqual([
      DEMO_ACTIVE_MEMBER.id,
    ])
    expect(fixture.simulator.requests().filter((request) => request.method === 'DELETE')).toEqual(
      [],
    )
  })

  it('answers an unknown id not_found', async () => {
    const { http } = handlers('users')
    expect(
      await post(http, { orgId: DEMO_ORG_ID, invitationId: 'dddddddddddddddddddddddd' }),
    ).toMatchObject({ status: 404, body: { outcome: 'not_found' } })
  })
})

describe('deprecation notices', () => {
  it('logs Atlas’s Deprecation and Sunset dates once per cold start', async () => {
    const logger = new Logger({ serviceName: 'modes', logLevel: 'DEBUG' })
    const warn = vi.spyOn(logger, 'warn')
    const { http } = handlers('v2', logger)
    await post(http, { orgId: DEMO_ORG_ID, invitationId: first.id })
    await post(http, { orgId: DEMO_ORG_ID, invitationId: second.id })
    const notices = warn.mock.calls.filter(([message]) => String(message).includes('deprecated'))
    expect(notices).toHaveLength(1)
    expect(notices[0]?.[1]).toMatchObject({
      deprecation: 'Wed, 19 Feb 2025 00:00:00 GMT',
      sunset: 'Thu, 1 Jul 2027 00:00:00 GMT',
    })
  })

  it('stays quiet on APIs that are not deprecated', async () => {
    const logger = new Logger({ serviceName: 'modes', logLevel: 'DEBUG' })
    const warn = vi.spyOn(logger, 'warn')
    await post(handlers('users', logger).http, { orgId: DEMO_ORG_ID, username: first.username })
    expect(warn.mock.calls.filter(([message]) => String(message).includes('deprecated'))).toEqual(
      [],
    )
  })
})

describe('service accounts', () => {
  beforeEach(useServiceAccount)

  it('gets one token for many warm invocations', async () => {
    const { http } = handlers('users')
    for (const invitation of DEMO_INVITATIONS)
      await post(http, { orgId: DEMO_ORG_ID, invitationId: invitation.id })
    expect(fixture.simulator.counters().tokensIssued).toBe(1)
  })

  it('refreshes the token once when Atlas refuses a cached one', async () => {
    const { http } = handlers('users')
    await post(http, { orgId: DEMO_ORG_ID, invitationId: first.id })
    fixture.simulator.expireTokens()
    expect(await post(http, { orgId: DEMO_ORG_ID, invitationId: second.id })).toMatchObject({
      status: 200,
      body: { outcome: 'revoked' },
    })
    expect(fixture.simulator.counters()).toMatchObject({ tokensIssued: 2, bearerRefusals: 1 })
  })

  it('re-reads a rotated client secret once when the token endpoint refuses the old one', async () => {
    const { http } = handlers('v1')
    await post(http, { orgId: DEMO_ORG_ID, invitationId: first.id })
    fixture.simulator.expireTokens()
    const rotated = {
      ...DEMO_SERVICE_ACCOUNT,
      clientSecret: 'mdb_sa_sk_rotated000000000000000000000000000000',
    }
    fixture.simulator.state.putServiceAccount({
      ...rotated,
      roles: { [DEMO_ORG_ID]: ['ORG_OWNER'] },
    })
    fixture.secretsManager.putSecret(ATLAS_SECRET_ID, JSON.stringify(rotated))
    expect(await post(http, { orgId: DEMO_ORG_ID, invitationId: second.id })).toMatchObject({
      status: 200,
      body: { outcome: 'revoked' },
    })
  })

  it('answers 502 unauthorized when the service account is refused outright', async () => {
    fixture.secretsManager.putSecret(
      ATLAS_SECRET_ID,
      JSON.stringify({ ...DEMO_SERVICE_ACCOUNT, clientSecret: 'wrong' }),
    )
    const answer = await post(handlers('users').http, {
      orgId: DEMO_ORG_ID,
      invitationId: first.id,
    })
    expect(answer).toMatchObject({ status: 502, body: { outcome: 'unauthorized' } })
    expect(fixture.simulator.state.pendingInvitation(DEMO_ORG_ID, first.id)).toBeDefined()
  })
})
