import { request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import {
  AtlasSimulator,
  type AtlasSimulatorOptions,
} from '../../../dev/simulator/atlas-simulator.ts'
import {
  DEMO_API_KEY,
  DEMO_INVITATIONS,
  DEMO_MEMBER_ORG_ID,
  DEMO_ORG_ID,
} from '../../../dev/simulator/demo-seed.ts'
import { challengeFrom, raw } from '../../support/raw-atlas.ts'
import { recording, VOLATILE_HEADERS } from '../../support/recordings.ts'

const [first, second, third] = DEMO_INVITATIONS
const v1 = (path = '') => `/api/atlas/v1.0/orgs/${DEMO_ORG_ID}/invites${path}`
const v2 = (path = '') => `/api/atlas/v2/orgs/${DEMO_ORG_ID}/invites${path}`

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
  const signed = (
    method: string,
    target: string,
    key: { publicKey: string; privateKey: string } = DEMO_API_KEY,
  ) => raw(url, method, target, sign(method, target, key, ++nc))
  return { simulator, url, signed }
}

/** Asserts the simulator's answer has the recorded header set, with equal values where stable. */
function expectRecordedShape(
  answer: { status: number; headers: Record<string, unknown> },
  name: string,
) {
  const recorded = recording(name)
  expect(answer.status).toBe(recorded.status)
  const names = Object.keys(answer.headers).filter(
    (header) => !['connection', 'keep-alive'].includes(header),
  )
  const expectedNames = Object.keys(recorded.headers).filter(
    (header) => !(recorded.status === 204 && header === 'content-length'),
  )
  expect(new Set(names)).toEqual(new Set(expectedNames))
  for (const [header, value] of Object.entries(recorded.headers)) {
    if (VOLATILE_HEADERS.has(header) || header === 'x-java-method' || header === 'x-error-code')
      continue
    if (header === 'ratelimit-limit') continue
    expect(answer.headers[header], header).toBe(value)
  }
}

describe('AtlasSimulator on the wire', () => {
  it('challenges like the recorded 401: same headers, same body, same challenge format', async () => {
    const { url } = await start()
    const answer = await raw(url, 'DELETE', v1(`/${first.id}`))
    const recorded = recording('wrong-private-key-401')
    expectRecordedShape(answer, 'wrong-private-key-401')
    expect(answer.body).toBe(recorded.body)
    expect(answer.headers['www-authenticate']).toMatch(
      /^Digest realm="MMS Public API", domain="", nonce="[A-Za-z0-9+/]{32}", algorithm=MD5, qop="auth", stale=false$/,
    )
  })

  it('answers a wrong private key with 401 UNEXPECTED_ERROR and a fresh challenge', async () => {
    const { signed } = await start()
    const answer = await signed('DELETE', v1(`/${first.id}`), {
      publicKey: DEMO_API_KEY.publicKey,
      privateKey: 'wrong',
    })
    expect(answer.status).toBe(401)
    expect(JSON.parse(answer.body)).toMatchObject({ errorCode: 'UNEXPECTED_ERROR', error: 401 })
    expect(answer.headers['www-authenticate']).toContain('stale=false')
  })

  it('deletes like the recorded v2 204', async () => {
    const { signed, simulator } = await start()
    const answer = await signed('DELETE', v2(`/${first.id}`))
    expectRecordedShape(answer, 'delete-invite-204')
    expect(answer.headers['x-java-method']).toBe(
      'ApiOrganizationInvitationResource::deleteInvitations',
    )
    expect(answer.body).toBe('')
    expect(simulator.state.revocations()).toMatchObject([
      { orgId: DEMO_ORG_ID, invitationId: first.id },
    ])
  })

  it('lists and gets invitations like the recorded v2 answers, with the username filter', async () => {
    const { signed } = await start()
    const list = await signed('GET', v2())
    expectRecordedShape(list, 'list-invites-200')
    const recordedKeys = Object.keys(JSON.parse(recording('list-invites-200').body)[0]).sort()
    const invitations = JSON.parse(list.body) as Record<string, unknown>[]
    expect(invitations.map((invitation) => invitation.id)).toEqual(
      DEMO_INVITATIONS.map((invitation) => invitation.id),
    )
    expect(Object.keys(invitations[0] ?? {}).sort()).toEqual(recordedKeys)

    const filtered = await signed(
      'GET',
      v2(`?username=${encodeURIComponent(second.username.toUpperCase())}`),
    )
    expect(JSON.parse(filtered.body).map((invitation: { id: string }) => invitation.id)).toEqual([
      second.id,
    ])

    const one = await signed('GET', v2(`/${third.id}`))
    expectRecordedShape(one, 'get-invite-200')
    expect(JSON.parse(one.body)).toMatchObject({
      id: third.id,
      orgId: DEMO_ORG_ID,
      username: third.username,
    })
  })

  it('serves v1.0 with application/json and without the v2 deprecation headers', async () => {
    const { signed } = await start()
    const answer = await signed('DELETE', v1(`/${first.id}`))
    expect(answer.status).toBe(204)
    expect(answer.headers['content-type']).toBe('application/json')
    expect(answer.headers.sunset).toBeUndefined()
  })

  it('answers a missing invitation like the recorded 404s: compact body and X-Error-Code', async () => {
    const { signed } = await start()
    await signed('DELETE', v1(`/${first.id}`))
    const answer = await signed('DELETE', v1(`/${first.id}`))
    expectRecordedShape(answer, 'not-found-404')
    expect(answer.headers['x-error-code']).toBe('INVITATION_NOT_FOUND')
    const body = JSON.parse(answer.body)
    expect(Object.keys(body)).toEqual(
      Object.keys(JSON.parse(recording('group-not-found-404').body)),
    )
    expect(body).toEqual({
      detail: `Invitation ${first.id} not found.`,
      error: 404,
      errorCode: 'INVITATION_NOT_FOUND',
      parameters: [first.id],
      reason: 'Not Found',
    })
  })

  it('indents with pretty=true and wraps with envelope=true', async () => {
    const { signed } = await start()
    const pretty = await signed('GET', v1(`/${first.id}?pretty=true`))
    expect(pretty.body).toMatch(/^\{\n {2}"createdAt" : "/)
    const enveloped = await signed('DELETE', v1(`/${first.id}?envelope=true`))
    expect(enveloped.status).toBe(200)
    expect(JSON.parse(enveloped.body)).toEqual({ content: {}, status: 204 })
    const missing = await signed('DELETE', v1(`/${first.id}?envelope=true`))
    expect(JSON.parse(missing.body)).toMatchObject({
      status: 404,
      content: { errorCode: 'INVITATION_NOT_FOUND' },
    })
  })

  it('refuses non-owners with 403 and unseen organizations with 401', async () => {
    const { signed } = await start()
    const member = await signed(
      'DELETE',
      `/api/atlas/v1.0/orgs/${DEMO_MEMBER_ORG_ID}/invites/b0000000000000000000000b`,
    )
    expect(member.status).toBe(403)
    const unseen = await signed(
      'DELETE',
      `/api/atlas/v1.0/orgs/${'d'.repeat(24)}/invites/${first.id}`,
    )
    expect(unseen.status).toBe(401)
  })

  it('answers malformed ids with 400 and unknown routes with 404', async () => {
    const { signed } = await start()
    expect(
      JSON.parse((await signed('DELETE', '/api/atlas/v1.0/orgs/acme/invites/x')).body),
    ).toMatchObject({
      error: 400,
      errorCode: 'INVALID_ORG_ID',
    })
    expect((await signed('GET', '/api/atlas/v1.0/groups')).status).toBe(404)
  })
})

describe('AtlasSimulator digest rules', () => {
  it('rejects a replayed nonce count', async () => {
    const simulator = new AtlasSimulator()
    running.push(simulator)
    const url = await simulator.start()
    const { sign } = await challengeFrom(url)
    const target = v1(`/${first.id}`)
    const authorization = sign('GET', target, DEMO_API_KEY, 1)
    expect((await raw(url, 'GET', target, authorization)).status).toBe(200)
    const replay = await raw(url, 'GET', target, authorization)
    expect(replay.status).toBe(401)
    expect(replay.headers['www-authenticate']).toContain('stale=false')
    // Counts may arrive out of order (concurrent requests): an unseen lower count is fine.
    expect((await raw(url, 'GET', target, sign('GET', target, DEMO_API_KEY, 5))).status).toBe(200)
    expect((await raw(url, 'GET', target, sign('GET', target, DEMO_API_KEY, 3))).status).toBe(200)
  })

  it('says stale=true to a correct answer with an expired nonce', async () => {
    let now = 1_000_000
    const simulator = new AtlasSimulator({ nonceLifetimeMs: 60_000, now: () => now })
    running.push(simulator)
    const url = await simulator.start()
    const { sign } = await challengeFrom(url)
    now += 60_001
    const target = v1(`/${first.id}`)
    const expired = await raw(url, 'GET', target, sign('GET', target, DEMO_API_KEY, 1))
    expect(expired.status).toBe(401)
    expect(expired.headers['www-authenticate']).toContain('stale=true')
    expect(simulator.counters().staleChallenges).toBe(1)
    // A wrong key with the same expired nonce is not told stale=true.
    const wrong = await raw(
      url,
      'GET',
      target,
      sign('GET', target, { publicKey: DEMO_API_KEY.publicKey, privateKey: 'x' }, 2),
    )
    expect(wrong.headers['www-authenticate']).toContain('stale=false')
  })

  it('checks the signed uri against the request-target', async () => {
    const simulator = new AtlasSimulator()
    running.push(simulator)
    const url = await simulator.start()
    const { sign } = await challengeFrom(url)
    const signedFor = sign('DELETE', v1(`/${first.id}`), DEMO_API_KEY, 1)
    expect((await raw(url, 'DELETE', v1(`/${second.id}`), signedFor)).status).toBe(401)
    expect(simulator.state.pendingInvitation(DEMO_ORG_ID, second.id)).toBeDefined()
  })
})

describe('AtlasSimulator limits, faults and counters', () => {
  it('rate-limits with a token bucket per organization: RateLimit-* headers, 429 RATE_LIMITED_TOKEN_BUCKET with Retry-After', async () => {
    let now = 1_000_000
    const { signed } = await start({ rateLimit: { ratePerSecond: 0.5, burst: 2 }, now: () => now })
    const one = await signed('GET', v1())
    expect(one.headers['ratelimit-limit']).toBe('2')
    expect(one.headers['ratelimit-remaining']).toBe('1')
    expect(one.headers['retry-after']).toBeUndefined()
    await signed('GET', v1())
    const limited = await signed('GET', v1())
    expect(limited.status).toBe(429)
    expect(limited.headers['retry-after']).toBe('2')
    expect(limited.headers['x-error-code']).toBe('RATE_LIMITED_TOKEN_BUCKET')
    expect(JSON.parse(limited.body)).toMatchObject({
      error: 429,
      errorCode: 'RATE_LIMITED_TOKEN_BUCKET',
      reason: 'Too Many Requests',
    })
    now += 2_000
    expect((await signed('GET', v1())).status).toBe(200)
    expect((await signed('GET', v1())).status).toBe(429)
  })

  it('may leave the RateLimit-* headers out, as MongoDB warns', async () => {
    const { signed } = await start({ rateLimit: { ratePerSecond: 1, burst: 1, headers: false } })
    const one = await signed('GET', v1())
    expect(one.headers['ratelimit-limit']).toBeUndefined()
    const limited = await signed('GET', v1())
    expect(limited.status).toBe(429)
    expect(limited.headers['ratelimit-remaining']).toBeUndefined()
    expect(limited.headers['retry-after']).toBe('1')
  })

  it('injects latency, statuses, resets and hangs', async () => {
    const { simulator, url } = await start({ faults: { latencyMs: 60 } })
    const started = Date.now()
    await raw(url, 'GET', v1())
    expect(Date.now() - started).toBeGreaterThanOrEqual(60)

    simulator.faults.configure({})
    simulator.faults.enqueue(
      { kind: 'status', status: 503, retryAfterSeconds: 2 },
      { kind: 'reset' },
      { kind: 'hang' },
    )
    const unavailable = await raw(url, 'GET', v1())
    expect(unavailable).toMatchObject({
      status: 503,
      headers: { 'retry-after': '2', 'content-type': 'text/plain' },
    })
    await expect(raw(url, 'GET', v1())).rejects.toMatchObject({ code: 'ECONNRESET' })
    const hung = request(`${url}${v1()}`, { headersTimeout: 200 })
    await expect(hung).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' })
    expect(simulator.counters()).toMatchObject({ resets: 1, hangs: 1 })
  })

  it('draws random faults at the configured rates, reproducibly from a seed', async () => {
    const { simulator, url } = await start()
    const statuses = async () => {
      simulator.faults.configure({ errorRate: 0.3, errorStatus: 500, seed: 7 })
      const seen: number[] = []
      for (let i = 0; i < 40; i++) seen.push((await raw(url, 'GET', v1())).status)
      return seen
    }
    const firstRun = await statuses()
    expect(firstRun.filter((status) => status === 500).length).toBeGreaterThan(4)
    expect(firstRun.filter((status) => status === 500).length).toBeLessThan(24)
    expect(await statuses()).toEqual(firstRun)
  })

  it('counts requests by status, challenges and connections, and serves them on its admin API', async () => {
    const { simulator, url, signed } = await start()
    await signed('DELETE', v1(`/${first.id}`))
    const counters = await (await request(`${url}/__simulator/counters`)).body.json()
    expect(counters).toMatchObject({
      requests: 2,
      byStatus: { '401': 1, '204': 1 },
      challenges: 1,
      deletes: 1,
    })
    expect(simulator.counters().connections).toBeGreaterThanOrEqual(1)

    const state = (await (await request(`${url}/__simulator/state`)).body.json()) as {
      revoked: unknown[]
    }
    expect(state.revoked).toHaveLength(1)

    const created = await request(`${url}/__simulator/invitations`, {
      method: 'POST',
      body: JSON.stringify({ orgId: DEMO_ORG_ID, username: 'new@example.com' }),
    })
    expect(created.statusCode).toBe(201)
    const invitation = (await created.body.json()) as { id: string }
    expect(simulator.state.pendingInvitation(DEMO_ORG_ID, invitation.id)).toMatchObject({
      username: 'new@example.com',
    })

    await request(`${url}/__simulator/faults/next`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'status', status: 502 }),
    })
    expect((await raw(url, 'GET', v1())).status).toBe(502)
    await request(`${url}/__simulator/counters/reset`, { method: 'POST' })
    expect(simulator.counters().requests).toBe(0)
  })

  it('says clearly when its port is taken', async () => {
    const { url } = await start()
    const port = Number(new URL(url).port)
    const other = new AtlasSimulator()
    await expect(other.start(port)).rejects.toThrow(`port ${port} on 127.0.0.1 is already in use`)
  })
})
