import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AtlasSimulator } from '../../dev/simulator/atlas-simulator.ts'
import {
  DEMO_HIDDEN_ORG_ID,
  DEMO_INVITATIONS,
  DEMO_MEMBER_ORG_ID,
  DEMO_ORG_ID,
} from '../../dev/simulator/demo-seed.ts'
import {
  type CredentialsSource,
  fixedCredentials,
} from '../../lib/credentials/credential-sources.ts'
import { AtlasApiKey } from '../../lib/credentials/credential-types.ts'
import { ValidationError } from '../../lib/errors.ts'
import { revoke as revokeRequest } from '../../lib/revoke/revoke.ts'
import { atlasClient, demoKey, startSimulator } from '../support/atlas-fixture.ts'

const [first, second] = DEMO_INVITATIONS
const target = { orgId: DEMO_ORG_ID, invitationId: first.id }
let simulator: AtlasSimulator
let url: string

beforeEach(async () => {
  ;({ simulator, url } = await startSimulator())
})
afterEach(() => simulator.stop())

/** One revocation by id through the use case: its outcome, with the request's Atlas attempts. */
const revoke = async (
  input: { orgId?: unknown; invitationId?: unknown } = target,
  options: {
    deadlineMs?: number
    pretty?: boolean
    envelope?: boolean
    credentials?: CredentialsSource
  } = {},
) => {
  const report = await revokeRequest(
    input,
    {
      dependencies: {
        atlas: atlasClient(
          url,
          { connection: { headersTimeoutMs: 300 } },
          { pretty: options.pretty ?? false, envelope: options.envelope ?? false },
        ),
        credentials: options.credentials ?? fixedCredentials(demoKey()),
      },
    },
    Date.now() + (options.deadlineMs ?? 5_000),
  )
  expect(report.revocations).toHaveLength(1)
  return { ...report.revocations[0], attempts: report.attempts }
}

describe('revoking by invitation id against the Atlas simulator', () => {
  it('revokes a pending invitation: 204, and it is gone from Atlas', async () => {
    expect(await revoke()).toEqual({
      ...target,
      invitationId: first.id,
      outcome: 'revoked',
      status: 204,
      evidence: { kind: 'removed', status: 204, relisted: false },
      retryable: false,
      attempts: 2,
    })
    expect(simulator.state.pendingInvitation(DEMO_ORG_ID, first.id)).toBeUndefined()
    expect(
      simulator
        .requests()
        .map((request) => `${request.method} ${request.target} ${request.status}`),
    ).toEqual([
      `DELETE /api/atlas/v1.0/orgs/${DEMO_ORG_ID}/invites/${first.id} 401`,
      `DELETE /api/atlas/v1.0/orgs/${DEMO_ORG_ID}/invites/${first.id} 204`,
    ])
  })

  it('reports an id that is no longer pending as not_found: nothing in the request shows it was', async () => {
    await revoke()
    expect(await revoke()).toMatchObject({
      outcome: 'not_found',
      status: 404,
      evidence: { kind: 'absent', by: 'named_404' },
    })
    simulator.state.accept(second.id)
    expect(await revoke({ orgId: DEMO_ORG_ID, invitationId: second.id })).toMatchObject({
      outcome: 'not_found',
    })
  })

  it('is unauthorized with a wrong private key, after exactly one challenge and one answer', async () => {
    const wrong = fixedCredentials(new AtlasApiKey(demoKey().publicKey, 'not-the-key'))
    expect(await revoke(target, { credentials: wrong })).toMatchObject({
      outcome: 'unauthorized',
      status: 401,
      errorCode: 'UNEXPECTED_ERROR',
      retryable: false,
      attempts: 2,
    })
    expect(simulator.state.pendingInvitation(DEMO_ORG_ID, first.id)).toBeDefined()
  })

  it('is unauthorized for an organization the key cannot see (Atlas answers 401, not 404)', async () => {
    expect(
      await revoke({ orgId: DEMO_HIDDEN_ORG_ID, invitationId: 'c0000000000000000000000c' }),
    ).toMatchObject({
      outcome: 'unauthorized',
      status: 401,
    })
  })

  it('is forbidden where the key is not Organization Owner, or off its IP access list', async () => {
    expect(
      await revoke({ orgId: DEMO_MEMBER_ORG_ID, invitationId: 'b0000000000000000000000b' }),
    ).toMatchObject({
      outcome: 'forbidden',
      status: 403,
      errorCode: 'USER_UNAUTHORIZED',
    })
    simulator.state.putApiKey({
      publicKey: 'listedkey',
      privateKey: 'p',
      roles: { [DEMO_ORG_ID]: ['ORG_OWNER'] },
      accessList: ['203.0.113.7'],
    })
    expect(
      await revoke(target, { credentials: fixedCredentials(new AtlasApiKey('listedkey', 'p')) }),
    ).toMatchObject({
      outcome: 'forbidden',
      errorCode: 'IP_ADDRESS_NOT_ON_ACCESS_LIST',
    })
  })

  it('maps a 400 from Atlas to invalid, without retrying', async () => {
    simulator.faults.enqueue({ kind: 'status', status: 400 })
    expect(await revoke()).toMatchObject({
      outcome: 'invalid',
      status: 400,
      retryable: false,
      attempts: 1,
    })
  })

  it('refuses bad ids before any network call', async () => {
    await expect(revoke({ orgId: DEMO_ORG_ID, invitationId: 'abc' })).rejects.toThrow(
      ValidationError,
    )
    await expect(revoke({ orgId: '../users', invitationId: first.id })).rejects.toThrow(
      'orgId must be 24 lowercase hex digits',
    )
    expect(simulator.counters().requests).toBe(0)
  })

  it('retries 5xx and resets with backoff and then succeeds', async () => {
    simulator.faults.enqueue(
      { kind: 'status', status: 503 },
      { kind: 'reset' },
      { kind: 'status', status: 500 },
    )
    expect(await revoke()).toMatchObject({ outcome: 'revoked', status: 204, attempts: 5 })
    expect(simulator.counters()).toMatchObject({
      resets: 1,
      byStatus: { '503': 1, '500': 1, '401': 1, '204': 1 },
    })
  })

  it('retries an attempt that hangs past the headers timeout', async () => {
    simulator.faults.enqueue({ kind: 'hang' })
    expect(await revoke()).toMatchObject({ outcome: 'revoked', attempts: 3 })
  })

  it('ends upstream_error after the bounded number of attempts', async () => {
    simulator.faults.configure({ errorRate: 1, errorStatus: 502 })
    expect(await revoke()).toMatchObject({
      outcome: 'upstream_error',
      status: 502,
      retryable: true,
      attempts: 4,
    })
  })

  it('honours Retry-After on 429, and stops at once when it reaches past the deadline', async () => {
    simulator.faults.enqueue({ kind: 'status', status: 429, retryAfterSeconds: 1 })
    const started = Date.now()
    expect(await revoke()).toMatchObject({ outcome: 'revoked', attempts: 3 })
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)

    simulator.faults.enqueue({ kind: 'status', status: 429, retryAfterSeconds: 30 })
    expect(
      await revoke({ orgId: DEMO_ORG_ID, invitationId: second.id }, { deadlineMs: 3_000 }),
    ).toMatchObject({
      outcome: 'throttled',
      status: 429,
      errorCode: 'RATE_LIMITED_TOKEN_BUCKET',
      retryAfterSeconds: 30,
      retryable: true,
      attempts: 1,
    })
  })

  it("is throttled by the simulator's token bucket", async () => {
    simulator.configureRateLimit({ ratePerSecond: 0.01, burst: 1 })
    await revoke()
    expect(await revoke({ orgId: DEMO_ORG_ID, invitationId: second.id })).toMatchObject({
      outcome: 'throttled',
      status: 429,
      errorCode: 'RATE_LIMITED_TOKEN_BUCKET',
    })
  })

  it('never runs past the deadline, even while Atlas hangs', async () => {
    simulator.faults.configure({ hangRate: 1 })
    const started = Date.now()
    const result = await revoke(target, { deadlineMs: 800 })
    expect(result).toMatchObject({ outcome: 'upstream_error', retryable: true })
    expect(Date.now() - started).toBeLessThan(800 + 500)
  })

  it('sends pretty=true and envelope=true on the wire and reads the enveloped status', async () => {
    expect(await revoke(target, { pretty: true, envelope: true })).toMatchObject({
      outcome: 'revoked',
      status: 204,
    })
    expect(await revoke(target, { envelope: true })).toMatchObject({
      outcome: 'not_found',
      status: 404,
    })
    const targets = simulator
      .requests()
      .map((request) => [request.target.split('?')[1], request.status])
    expect(targets).toEqual([
      ['pretty=true&envelope=true', 401],
      ['pretty=true&envelope=true', 200],
      ['envelope=true', 401],
      ['envelope=true', 200],
    ])
  })

  it('re-reads a rotated key once after a 401, and does not retry the same key', async () => {
    const oldKey = demoKey()
    const newKey = new AtlasApiKey('rotatedk', 'new-private')
    simulator.state.putApiKey({
      publicKey: 'rotatedk',
      privateKey: 'new-private',
      roles: { [DEMO_ORG_ID]: ['ORG_OWNER'] },
    })
    simulator.state.putApiKey({
      publicKey: oldKey.publicKey,
      privateKey: 'revoked-by-rotation',
      roles: {},
    })
    let reloads = 0
    const rotating: CredentialsSource = {
      current: async () => oldKey,
      reload: async () => {
        reloads += 1
        return newKey
      },
    }
    expect(await revoke(target, { credentials: rotating })).toMatchObject({
      outcome: 'revoked',
      attempts: 4,
    })
    expect(reloads).toBe(1)

    const stuck: CredentialsSource = { current: async () => oldKey, reload: async () => oldKey }
    expect(
      await revoke({ orgId: DEMO_ORG_ID, invitationId: second.id }, { credentials: stuck }),
    ).toMatchObject({
      outcome: 'unauthorized',
      attempts: 2,
    })
  })
})
