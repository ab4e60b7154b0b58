import { request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { AtlasSimulator } from '../../../dev/simulator/atlas-simulator.ts'
import {
  DEMO_ACTIVE_MEMBER,
  DEMO_INVITATIONS,
  DEMO_MEMBER_ORG_ID,
  DEMO_ORG_ID,
  DEMO_SERVICE_ACCOUNT,
} from '../../../dev/simulator/demo-seed.ts'

const [first, second] = DEMO_INVITATIONS
const running: AtlasSimulator[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.stop()))
})

async function start(options: ConstructorParameters<typeof AtlasSimulator>[0] = {}) {
  const simulator = new AtlasSimulator(options)
  running.push(simulator)
  return { simulator, url: await simulator.start() }
}

async function tokenFor(
  url: string,
  clientId: string = DEMO_SERVICE_ACCOUNT.clientId,
  clientSecret: string = DEMO_SERVICE_ACCOUNT.clientSecret,
  grant = 'client_credentials',
) {
  const response = await request(`${url}/api/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: `grant_type=${grant}`,
  })
  return {
    status: response.statusCode,
    body: (await response.body.json()) as Record<string, unknown>,
  }
}

async function call(
  url: string,
  method: string,
  path: string,
  token: string,
  version = '2025-02-19',
) {
  const response = await request(`${url}${path}`, {
    method: method as 'GET',
    headers: { authorization: `Bearer ${token}`, accept: `application/vnd.atlas.${version}+json` },
  })
  const text = await response.body.text()
  return {
    status: response.statusCode,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
  }
}

const users = (orgId = DEMO_ORG_ID) => `/api/atlas/v2/orgs/${orgId}/users`

describe('the simulated OAuth token endpoint', () => {
  it('issues a bearer token for the client credentials of a service account', async () => {
    const { url, simulator } = await start({ tokenLifetimeSeconds: 120 })
    const answer = await tokenFor(url)
    expect(answer).toMatchObject({ status: 200, body: { token_type: 'Bearer', expires_in: 120 } })
    expect(answer.body.access_token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(simulator.counters().tokensIssued).toBe(1)
  })

  it('refuses a wrong secret or grant in the OAuth error shape', async () => {
    const { url } = await start()
    expect(await tokenFor(url, DEMO_SERVICE_ACCOUNT.clientId, 'wrong')).toEqual({
      status: 401,
      body: { error: 'invalid_client', error_description: 'Invalid client credentials' },
    })
    expect(
      (
        await tokenFor(
          url,
          DEMO_SERVICE_ACCOUNT.clientId,
          DEMO_SERVICE_ACCOUNT.clientSecret,
          'password',
        )
      ).status,
    ).toBe(400)
  })

  it('refuses expired or unknown bearer tokens with 401 and a Bearer challenge', async () => {
    let now = 1_000_000
    const { url, simulator } = await start({ tokenLifetimeSeconds: 60, now: () => now })
    const token = String((await tokenFor(url)).body.access_token)
    expect((await call(url, 'GET', users(), token)).status).toBe(200)
    now += 61_000
    const expired = await call(url, 'GET', users(), token)
    expect(expired.status).toBe(401)
    expect(expired.headers['www-authenticate']).toBe('Bearer error="invalid_token"')
    expect((await call(url, 'GET', users(), 'made-up')).status).toBe(401)
    expect(simulator.counters().bearerRefusals).toBe(2)
  })
})

describe('the simulated Cloud Users API', () => {
  it('lists pending invitations as PENDING users and members as ACTIVE, with the username filter', async () => {
    const { url } = await start()
    const token = String((await tokenFor(url)).body.access_token)
    const all = await call(url, 'GET', users(), token)
    expect(all.headers['content-type']).toBe('application/vnd.atlas.2025-02-19+json;charset=utf-8')
    const results = all.body?.results as { id: string; orgMembershipStatus: string }[]
    expect(results.map((user) => [user.id, user.orgMembershipStatus])).toEqual([
      ...DEMO_INVITATIONS.map((invitation) => [invitation.userId, 'PENDING']),
      [DEMO_ACTIVE_MEMBER.id, 'ACTIVE'],
    ])
    expect(all.body?.totalCount).toBe(4)
    const one = await call(
      url,
      'GET',
      `${users()}?username=${encodeURIComponent(second.username)}`,
      token,
    )
    expect(((one.body?.results ?? []) as { id: string }[]).map((user) => user.id)).toEqual([
      second.userId,
    ])
  })

  it('removes a pending user only with API version 2025-02-19 or later, as Atlas documents', async () => {
    const { url, simulator } = await start()
    const token = String((await tokenFor(url)).body.access_token)
    expect(
      (await call(url, 'DELETE', `${users()}/${first.userId}`, token, '2023-01-01')).status,
    ).toBe(404)
    expect(simulator.state.pendingInvitation(DEMO_ORG_ID, first.id)).toBeDefined()
    expect((await call(url, 'DELETE', `${users()}/${first.userId}`, token)).status).toBe(204)
    expect(simulator.state.revocations().map((record) => record.invitationId)).toEqual([first.id])
    expect((await call(url, 'GET', `${users()}/${first.userId}`, token)).status).toBe(404)
  })

  it('reads one user, pending or active', async () => {
    const { url } = await start()
    const token = String((await tokenFor(url)).body.access_token)
    expect((await call(url, 'GET', `${users()}/${second.userId}`, token)).body).toMatchObject({
      id: second.userId,
      orgMembershipStatus: 'PENDING',
      username: second.username,
    })
    expect(
      (await call(url, 'GET', `${users()}/${DEMO_ACTIVE_MEMBER.id}`, token)).body,
    ).toMatchObject({ orgMembershipStatus: 'ACTIVE' })
  })

  it('applies roles to service accounts: 403 where not Owner, 401 where not visible', async () => {
    const { url } = await start()
    const token = String((await tokenFor(url)).body.access_token)
    expect((await call(url, 'GET', users(DEMO_MEMBER_ORG_ID), token)).status).toBe(403)
    expect((await call(url, 'GET', users('c0123456789abcdef012345c'), token)).status).toBe(401)
  })

  it('answers the v2 invitations in the version asked for, with the deprecation headers', async () => {
    const { url } = await start()
    const token = String((await tokenFor(url)).body.access_token)
    const answer = await call(
      url,
      'GET',
      `/api/atlas/v2/orgs/${DEMO_ORG_ID}/invites`,
      token,
      '2023-01-01',
    )
    expect(answer.headers).toMatchObject({
      'content-type': 'application/vnd.atlas.2023-01-01+json;charset=utf-8',
      deprecation: 'Wed, 19 Feb 2025 00:00:00 GMT',
      sunset: 'Thu, 1 Jul 2027 00:00:00 GMT',
    })
    const usersAnswer = await call(url, 'GET', users(), token)
    expect(usersAnswer.headers.deprecation).toBeUndefined()
  })
})
