/**
 * "This person is leaving": a request naming only a username is searched in every organization
 * the deployment may look in (its allowlist, else every one the key sees) and, when asked, their
 * projects; dry runs report without revoking. Settled only when every search succeeded and every
 * invitation found is gone.
 */
import type { APIGatewayProxyResult, SQSBatchResponse } from 'aws-lambda'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  DEMO_INVITATIONS,
  DEMO_MEMBER_ORG_ID,
  DEMO_ORG_ID,
  DEMO_PROJECT,
  DEMO_PROJECT_INVITATION,
  DEMO_SECOND_ORG_ID,
  DEMO_SECOND_ORG_INVITATION,
} from '../../dev/simulator/demo-seed.ts'
import { fixedCredentials } from '../../lib/credentials/credential-sources.ts'
import { revoke } from '../../lib/revoke/revoke.ts'
import { createHttpHandler } from '../../lib/triggers/http/http-handler.ts'
import { createQueueHandler } from '../../lib/triggers/queue/queue-handler.ts'
import { atlasClient, demoKey } from '../support/atlas-fixture.ts'
import { type FunctionFixture, startFunctionFixture } from '../support/function-fixture.ts'
import { httpApiEvent, lambdaContext, sqsEvent } from '../support/lambda-events.ts'

const [leaver] = DEMO_INVITATIONS
const OWNED = `${DEMO_ORG_ID},${DEMO_SECOND_ORG_ID}`
let fixture: FunctionFixture

beforeEach(async () => {
  fixture = await startFunctionFixture()
})
afterEach(() => fixture.stop())

const pending = () =>
  fixture.simulator.state.snapshot().invitations.map((invitation) => invitation.id)
const deletes = () =>
  fixture.simulator.requests().filter((request) => request.method === 'DELETE').length

async function post(payload: unknown, env: Record<string, string> = {}) {
  const handler = createHttpHandler(
    { ...fixture.env, ...env },
    { dispatcher: fixture.dispatcher() },
  )
  const body = JSON.stringify(payload)
  const result = (await handler(
    httpApiEvent({ method: 'POST', path: '/revocations', body, headers: fixture.sign(body) }),
    lambdaContext(8_000),
  )) as APIGatewayProxyResult
  return { status: result.statusCode, body: JSON.parse(result.body) as Record<string, unknown> }
}

describe('a person, everywhere', () => {
  it('searches every allowlisted organization and revokes what it finds there', async () => {
    const answer = await post({ username: leaver.username }, { ALLOWED_ORG_IDS: OWNED })
    expect(answer).toMatchObject({
      status: 200,
      body: {
        outcome: 'revoked',
        username: leaver.username,
        searched: [
          { orgId: DEMO_ORG_ID, found: 1 },
          { orgId: DEMO_SECOND_ORG_ID, found: 1 },
        ],
        invitations: [
          { orgId: DEMO_ORG_ID, invitationId: leaver.id, outcome: 'revoked' },
          {
            orgId: DEMO_SECOND_ORG_ID,
            invitationId: DEMO_SECOND_ORG_INVITATION.id,
            outcome: 'revoked',
          },
        ],
      },
    })
    // The project invitation is left alone unless projects are asked for.
    expect(pending()).toContain(DEMO_PROJECT_INVITATION.id)
  })

  it('with INCLUDE_PROJECT_INVITATIONS, searches each organization’s projects too', async () => {
    const answer = await post(
      { username: leaver.username },
      { ALLOWED_ORG_IDS: OWNED, INCLUDE_PROJECT_INVITATIONS: 'true' },
    )
    expect(answer.body).toMatchObject({
      outcome: 'revoked',
      searched: expect.arrayContaining([
        { orgId: DEMO_ORG_ID, groupId: DEMO_PROJECT.id, found: 1 },
      ]),
      invitations: expect.arrayContaining([
        expect.objectContaining({
          orgId: DEMO_ORG_ID,
          groupId: DEMO_PROJECT.id,
          invitationId: DEMO_PROJECT_INVITATION.id,
          outcome: 'revoked',
        }),
      ]),
    })
    expect(pending()).not.toContain(DEMO_PROJECT_INVITATION.id)
    expect(fixture.simulator.state.revocations()).toContainEqual(
      expect.objectContaining({
        groupId: DEMO_PROJECT.id,
        invitationId: DEMO_PROJECT_INVITATION.id,
      }),
    )
  })

  it('without an allowlist searches every organization the key sees, and is not settled where it may not look', async () => {
    const answer = await post({ username: leaver.username })
    expect(answer).toMatchObject({
      status: 502,
      body: {
        outcome: 'forbidden',
        searched: expect.arrayContaining([
          { orgId: DEMO_ORG_ID, found: 1 },
          { orgId: DEMO_MEMBER_ORG_ID, outcome: 'forbidden' },
          { orgId: DEMO_SECOND_ORG_ID, found: 1 },
        ]),
      },
    })
    // What could be revoked was: settledness is about the whole request.
    expect(pending()).not.toContain(leaver.id)
  })

  it('refuses an organization outside the allowlist before any Atlas call', async () => {
    const answer = await post(
      { username: leaver.username, orgIds: [DEMO_ORG_ID, DEMO_MEMBER_ORG_ID] },
      { ALLOWED_ORG_IDS: OWNED },
    )
    expect(answer).toMatchObject({ status: 403, body: { error: 'org_not_allowed' } })
    expect(fixture.simulator.counters().requests).toBe(0)
  })

  it('is settled (already_gone) when every search succeeded and nothing was pending', async () => {
    const answer = await post({ username: 'nobody@example.com' }, { ALLOWED_ORG_IDS: OWNED })
    expect(answer).toMatchObject({
      status: 200,
      body: { outcome: 'already_gone', invitations: [] },
    })
  })

  it('works the same through the queue, in every API mode', async () => {
    for (const api of ['v1', 'v2', 'users']) {
      const freshFixture = fixture
      const handler = createQueueHandler(
        {
          ...freshFixture.env,
          ATLAS_API: api,
          ALLOWED_ORG_IDS: OWNED,
          INCLUDE_PROJECT_INVITATIONS: 'true',
        },
        { dispatcher: freshFixture.dispatcher() },
      )
      const response = (await handler(
        sqsEvent([JSON.stringify({ username: leaver.username })]),
        lambdaContext(8_000, 'queue'),
      )) as SQSBatchResponse
      expect(response.batchItemFailures, api).toEqual([])
    }
    expect(pending()).not.toContain(leaver.id)
    expect(pending()).not.toContain(DEMO_SECOND_ORG_INVITATION.id)
    expect(pending()).not.toContain(DEMO_PROJECT_INVITATION.id)
  })

  it('searches organizations a few at a time', async () => {
    const orgIds = Array.from({ length: 12 }, (_, i) => `f${i.toString(16).padStart(23, '0')}`)
    const key = demoKey()
    for (const orgId of orgIds) {
      fixture.simulator.state.addOrg({ id: orgId, name: orgId })
      const stored = fixture.simulator.state.apiKey(key.publicKey)
      fixture.simulator.state.putApiKey({
        publicKey: key.publicKey,
        privateKey: key.privateKey,
        roles: { ...stored?.roles, [orgId]: ['ORG_OWNER'] },
      })
    }
    fixture.simulator.faults.configure({ latencyMs: 30 })
    const report = await revoke(
      { username: leaver.username, orgIds },
      {
        dependencies: {
          atlas: atlasClient(fixture.simulator.url),
          credentials: fixedCredentials(demoKey()),
        },
        concurrency: 4,
      },
      Date.now() + 10_000,
    )
    expect(report.searched).toHaveLength(12)
    expect(report.outcome).toBe('already_gone')
    expect(fixture.simulator.counters().maxInFlight).toBeLessThanOrEqual(4)
    expect(fixture.simulator.counters().maxInFlight).toBeGreaterThan(1)
  })
})

describe('dry runs', () => {
  it('report every pending invitation as would_revoke, and no DELETE reaches Atlas', async () => {
    const answer = await post(
      { username: leaver.username, dryRun: true },
      { ALLOWED_ORG_IDS: OWNED, INCLUDE_PROJECT_INVITATIONS: 'true' },
    )
    expect(answer).toMatchObject({
      status: 200,
      body: {
        outcome: 'would_revoke',
        dryRun: true,
        invitations: expect.arrayContaining([
          expect.objectContaining({ invitationId: leaver.id, outcome: 'would_revoke' }),
          expect.objectContaining({
            invitationId: DEMO_PROJECT_INVITATION.id,
            outcome: 'would_revoke',
          }),
          expect.objectContaining({
            invitationId: DEMO_SECOND_ORG_INVITATION.id,
            outcome: 'would_revoke',
          }),
        ]),
      },
    })
    expect(deletes()).toBe(0)
    expect(pending()).toEqual(expect.arrayContaining([leaver.id, DEMO_PROJECT_INVITATION.id]))
  })

  it('by invitation id too, in every API mode', async () => {
    for (const api of ['v1', 'v2', 'users']) {
      expect(
        await post(
          { orgId: DEMO_ORG_ID, invitationId: leaver.id, dryRun: true },
          { ATLAS_API: api },
        ),
        api,
      ).toMatchObject({ status: 200, body: { outcome: 'would_revoke' } })
    }
    expect(
      await post({ orgId: DEMO_ORG_ID, invitationId: 'dddddddddddddddddddddddd', dryRun: true }),
    ).toMatchObject({ status: 404, body: { outcome: 'not_found' } })
    expect(deletes()).toBe(0)
  })
})
