/**
 * The simulator follows MongoDB's published spec where the client's evidence rules depend on
 * it, and can be told to answer each way the spec leaves open: distinct user and invitation
 * ids, version gating of the Cloud Users API, `orgMembershipStatuses`, an organization that
 * does not exist, a removed route, 404s that do or do not name the missing id, lists that ignore
 * their filters, and Apache-style time-window nonces.
 */
import { afterEach, describe, expect, it } from 'vitest'
import {
  AtlasSimulator,
  type AtlasSimulatorOptions,
} from '../../../dev/simulator/atlas-simulator.ts'
import {
  DEMO_ACTIVE_MEMBER,
  DEMO_API_KEY,
  DEMO_INVITATIONS,
  DEMO_ORG_ID,
} from '../../../dev/simulator/demo-seed.ts'
import { challengeFrom, raw } from '../../support/raw-atlas.ts'
import { recording, VOLATILE_HEADERS } from '../../support/recordings.ts'

const [first, second] = DEMO_INVITATIONS
const users = (suffix = '') => `/api/atlas/v2/orgs/${DEMO_ORG_ID}/users${suffix}`
const invites = (suffix = '') => `/api/atlas/v2/orgs/${DEMO_ORG_ID}/invites${suffix}`

const running: AtlasSimulator[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.stop()))
})

async function start(options: AtlasSimulatorOptions = {}) {
  const simulator = new AtlasSimulator(options)
  running.push(simulator)
  const url = await simulator.start()
  let nc = 0
  const { sign } = await challengeFrom(url)
  const signed = async (method: string, target: string, version = '2025-02-19') => {
    const answer = await rawVersioned(
      url,
      method,
      target,
      sign(method, target, DEMO_API_KEY, ++nc),
      version,
    )
    return { ...answer, json: parseJson(answer.body) }
  }
  return { simulator, url, signed }
}

function parseJson(body: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(body) as Record<string, unknown>
  } catch {
    return undefined
  }
}

async function rawVersioned(
  url: string,
  method: string,
  target: string,
  authorization: string,
  version: string,
) {
  const { request } = await import('undici')
  const response = await request(`${url}${target}`, {
    method: method as 'GET',
    headers: { authorization, accept: `application/vnd.atlas.${version}+json` },
  })
  return {
    status: response.statusCode,
    headers: response.headers,
    body: await response.body.text(),
  }
}

describe('Cloud Users API as the spec describes it', () => {
  it('lists a pending user under a user id that is not the invitation id, like the recording', async () => {
    const { signed } = await start()
    const answer = await signed('GET', users(`?username=${encodeURIComponent(first.username)}`))
    const recorded = recording('list-org-users-200')
    expect(answer.headers['x-java-method']).toBe(recorded.headers['x-java-method'])
    expect(answer.headers['content-type']).toBe(recorded.headers['content-type'])
    const names = Object.keys(answer.headers).filter(
      (name) => !['connection', 'keep-alive'].includes(name),
    )
    expect(new Set(names)).toEqual(new Set(Object.keys(recorded.headers)))
    for (const [name, value] of Object.entries(recorded.headers)) {
      if (
        VOLATILE_HEADERS.has(name) ||
        name.startsWith('ratelimit') ||
        name === 'x-mongodb-service-version'
      )
        continue
      expect(answer.headers[name], name).toBe(value)
    }
    const recordedPending = (JSON.parse(recorded.body).results as Record<string, unknown>[]).find(
      (user) => user.orgMembershipStatus === 'PENDING',
    )
    const [user] = (answer.json?.results ?? []) as Record<string, unknown>[]
    expect(Object.keys(user ?? {})).toEqual(Object.keys(recordedPending ?? {}))
    expect(user).toMatchObject({
      id: first.userId,
      orgMembershipStatus: 'PENDING',
      username: first.username,
    })
    expect(first.userId).not.toBe(first.id)
  })

  it('filters by the repeatable orgMembershipStatuses, and lists ACTIVE and PENDING by default', async () => {
    const { signed, simulator } = await start()
    simulator.state.invite({
      orgId: DEMO_ORG_ID,
      username: 'expired@example.com',
      roles: ['ORG_MEMBER'],
      expiresAt: '2020-01-01T00:00:00Z',
    })
    const statuses = async (query: string) =>
      (
        ((await signed('GET', users(query))).json?.results ?? []) as {
          orgMembershipStatus: string
        }[]
      ).map((user) => user.orgMembershipStatus)
    expect(new Set(await statuses(''))).toEqual(new Set(['PENDING', 'ACTIVE']))
    expect(await statuses('?orgMembershipStatuses=PENDING')).toEqual([
      'PENDING',
      'PENDING',
      'PENDING',
    ])
    expect(
      new Set(
        await statuses('?orgMembershipStatuses=ACTIVE&orgMembershipStatuses=INVITATION_EXPIRED'),
      ),
    ).toEqual(new Set(['ACTIVE', 'INVITATION_EXPIRED']))
    expect(await statuses('?orgMembershipStatus=ACTIVE')).toEqual(['ACTIVE'])
  })

  it('at version 2023-01-01 lists ACTIVE users only, ignores username, and has no single-user read', async () => {
    const { signed } = await start()
    const old = await signed(
      'GET',
      users(`?username=${encodeURIComponent(first.username)}`),
      '2023-01-01',
    )
    expect(old.headers['content-type']).toBe('application/vnd.atlas.2023-01-01+json;charset=utf-8')
    expect(((old.json?.results ?? []) as { id: string }[]).map((user) => user.id)).toEqual([
      DEMO_ACTIVE_MEMBER.id,
    ])
    expect((await signed('GET', users(`/${first.userId}`), '2023-01-01')).status).toBe(404)
    expect((await signed('GET', users(`/${first.userId}`))).status).toBe(200)
  })

  it('pages lists with pageNum and itemsPerPage, with totalCount', async () => {
    const { signed } = await start()
    const page = await signed('GET', users('?itemsPerPage=2&pageNum=2'))
    expect(page.json?.totalCount).toBe(4)
    expect(page.json?.results).toHaveLength(2)
    expect(
      (await signed('GET', users('?itemsPerPage=2&pageNum=3&includeCount=false'))).json,
    ).toEqual({
      links: [expect.objectContaining({ rel: 'self' })],
      results: [],
    })
  })

  it('removes a pending user by its user id; the invitation id is no user', async () => {
    const { signed, simulator } = await start()
    const byInvitationId = await signed('DELETE', users(`/${first.id}`))
    expect(byInvitationId.status).toBe(404)
    expect(simulator.state.pendingInvitation(DEMO_ORG_ID, first.id)).toBeDefined()
    expect((await signed('DELETE', users(`/${first.userId}`))).status).toBe(204)
    expect(simulator.state.pendingInvitation(DEMO_ORG_ID, first.id)).toBeUndefined()
  })

  it('keeps the user id when the invitation is accepted: the pending user becomes an active member', async () => {
    const { signed, simulator } = await start()
    simulator.state.accept(second.id)
    expect((await signed('GET', users(`/${second.userId}`))).json).toMatchObject({
      id: second.userId,
      orgMembershipStatus: 'ACTIVE',
    })
  })
})

describe('answers the spec leaves open, each on demand', () => {
  it('a missing invitation: 404 naming its id by default, or an anonymous RESOURCE_NOT_FOUND', async () => {
    const { signed, simulator } = await start()
    const missing = 'dddddddddddddddddddddddd'
    expect((await signed('DELETE', invites(`/${missing}`), '2023-01-01')).json?.parameters).toEqual(
      [missing],
    )
    simulator.behave({ notFoundNamesId: false })
    expect((await signed('DELETE', invites(`/${missing}`), '2023-01-01')).json).toMatchObject({
      error: 404,
      errorCode: 'RESOURCE_NOT_FOUND',
      parameters: [],
    })
  })

  it('an organization that does not exist: 404 naming the organization, in the recorded shape', async () => {
    const { signed, simulator } = await start()
    simulator.state.removeOrg(DEMO_ORG_ID)
    const answer = await signed('DELETE', invites(`/${first.id}`), '2023-01-01')
    expect(answer.status).toBe(404)
    expect(Object.keys(answer.json ?? {})).toEqual(
      Object.keys(JSON.parse(recording('group-not-found-404').body)),
    )
    expect(answer.json).toMatchObject({ errorCode: 'ORG_NOT_FOUND', parameters: [DEMO_ORG_ID] })
  })

  it('removed invitation routes: 410 VERSION_GONE, a JSON 404 naming the path, or an HTML page', async () => {
    const { signed, simulator } = await start()
    simulator.behave({ invitationsRemoved: 'gone' })
    expect((await signed('GET', invites(`/${first.id}`), '2023-01-01')).json).toMatchObject({
      error: 410,
      errorCode: 'VERSION_GONE',
    })
    simulator.behave({ invitationsRemoved: 'json' })
    const json = await signed('DELETE', invites(`/${first.id}`), '2023-01-01')
    expect(json.json).toMatchObject({
      error: 404,
      errorCode: 'RESOURCE_NOT_FOUND',
      parameters: [invites(`/${first.id}`)],
    })
    simulator.behave({ invitationsRemoved: 'html' })
    const html = await signed('GET', invites(), '2023-01-01')
    expect(html.status).toBe(404)
    expect(html.headers['content-type']).toMatch(/^text\/html/)
    expect(simulator.state.pendingInvitation(DEMO_ORG_ID, first.id)).toBeDefined()
  })

  it('lists that ignore their username filter', async () => {
    const { signed, simulator } = await start()
    simulator.behave({ listsIgnoreFilters: true })
    const list = await signed(
      'GET',
      invites(`?username=${encodeURIComponent(first.username)}`),
      '2023-01-01',
    )
    expect((JSON.parse(list.body) as unknown[]).length).toBe(DEMO_INVITATIONS.length)
    const userList = await signed(
      'GET',
      users(`?username=${encodeURIComponent(first.username)}&orgMembershipStatuses=PENDING`),
    )
    expect(((userList.json?.results ?? []) as unknown[]).length).toBe(DEMO_INVITATIONS.length + 1)
  })

  it('Apache-style nonces: one per time window, shared by every challenge', async () => {
    let now = 5_000_000
    const { url } = await start({ nonceWindowMs: 10_000, now: () => now })
    const nonceOf = async () =>
      /nonce="([^"]+)"/.exec(
        String((await raw(url, 'GET', invites())).headers['www-authenticate']),
      )?.[1]
    const a = await nonceOf()
    expect(await nonceOf()).toBe(a)
    now += 10_000
    expect(await nonceOf()).not.toBe(a)
  })
})
