import { Pool } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { parseAuthHeader } from '../../../../lib/atlas/auth/digest/auth-header.ts'
import {
  type DigestDispatchOptions,
  digestAuth,
} from '../../../../lib/atlas/auth/digest/digest-interceptor.ts'
import { digestResponse } from '../../../../lib/atlas/auth/digest/response.ts'
import {
  type LoopbackServer,
  type SeenRequest,
  startLoopbackServer,
} from '../../../support/loopback-server.ts'

const credentials = { username: 'Mufasa', password: 'Circle of Life' }
const servers: LoopbackServer[] = []
const pools: Pool[] = []

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()))
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

function params(request: SeenRequest | undefined): Record<string, string> {
  const [scheme] = parseAuthHeader(String(request?.headers.authorization ?? ''))
  return Object.fromEntries(scheme?.params ?? [])
}

/** A server that demands Digest with the given challenge and checks responses with the password. */
async function digestServer(
  challenge: (index: number) => string,
  options: { nonceFor?: (index: number) => string } = {},
) {
  let issued = 0
  const nonces: string[] = []
  const server = await startLoopbackServer((request) => {
    const p = params(request)
    const nonce = nonces.at(-1)
    if (p.response && nonce && p.nonce === nonce) {
      const expected = digestResponse({
        algorithm: (p.algorithm ?? 'MD5') as 'MD5',
        username: p.username ?? '',
        password: credentials.password,
        realm: p.realm ?? '',
        nonce,
        method: request.method,
        uri: p.uri ?? '',
        qop: p.qop === 'auth' ? 'auth' : undefined,
        nc: p.nc ?? '',
        cnonce: p.cnonce ?? '',
      })
      if (expected === p.response && p.uri === request.target) return { status: 204 }
    }
    const next = options.nonceFor?.(issued) ?? `nonce+/${issued}==`
    issued += 1
    nonces.push(next)
    return {
      status: 401,
      headers: {
        'www-authenticate': challenge(issued - 1).replace('NONCE', next),
        'content-type': 'application/json',
      },
      body: JSON.stringify({ error: 401, detail: 'x'.repeat(2000) }),
    }
  })
  servers.push(server)
  return server
}

function client(url: string, cnonces: string[] = []) {
  let n = 0
  const pool = new Pool(url, { connections: 4 })
  pools.push(pool)
  const dispatcher = pool.compose(digestAuth({ cnonce: () => cnonces[n++] ?? `cnonce-${n}` }))
  return (path: string, method: 'GET' | 'DELETE' = 'DELETE', creds = credentials) =>
    dispatcher
      .request({ origin: url, path, method, digest: creds } as DigestDispatchOptions)
      .then(async (response) => ({ status: response.statusCode, body: await response.body.text() }))
}

const MD5_AUTH =
  'Digest realm="MMS Public API", domain="", nonce="NONCE", algorithm=MD5, qop="auth", stale=false'

describe('digestAuth', () => {
  it('answers the first challenge and signs the exact request-target, query included', async () => {
    const server = await digestServer(() => MD5_AUTH)
    const send = client(server.url, ['c1'])
    expect(await send('/api/x?pretty=true&envelope=true')).toEqual({ status: 204, body: '' })
    expect(server.requests).toHaveLength(2)
    expect(server.requests[0]?.headers.authorization).toBeUndefined()
    expect(params(server.requests[1])).toMatchObject({
      username: 'Mufasa',
      realm: 'MMS Public API',
      nonce: 'nonce+/0==',
      uri: '/api/x?pretty=true&envelope=true',
      algorithm: 'MD5',
      qop: 'auth',
      nc: '00000001',
      cnonce: 'c1',
    })
  })

  it('reuses the nonce: a warm client spends one request per call, nc counting up, cnonce fresh', async () => {
    const server = await digestServer(() => MD5_AUTH)
    const send = client(server.url, ['c1', 'c2', 'c3'])
    for (let i = 0; i < 3; i++) expect((await send(`/api/${i}`)).status).toBe(204)
    expect(server.requests).toHaveLength(4)
    const signed = server.requests.slice(1).map(params)
    expect(signed.map((p) => p.nc)).toEqual(['00000001', '00000002', '00000003'])
    expect(new Set(signed.map((p) => p.nonce))).toEqual(new Set(['nonce+/0==']))
    expect(signed.map((p) => p.cnonce)).toEqual(['c1', 'c2', 'c3'])
  })

  it('draws a random cnonce by default', async () => {
    const server = await digestServer(() => MD5_AUTH)
    const pool = new Pool(server.url)
    pools.push(pool)
    const dispatcher = pool.compose(digestAuth())
    for (let i = 0; i < 2; i++) {
      await dispatcher.request({
        origin: server.url,
        path: '/',
        method: 'GET',
        digest: credentials,
      } as DigestDispatchOptions)
    }
    const [first, second] = server.requests.slice(1).map((request) => params(request).cnonce)
    expect(first).toMatch(/^[0-9a-f]{32}$/)
    expect(second).not.toBe(first)
  })

  it('drains the 401 body so the challenge and the answer share one connection', async () => {
    const server = await digestServer(() => MD5_AUTH)
    const send = client(server.url)
    await send('/a')
    expect(server.requests.map((request) => request.connection)).toEqual([0, 0])
    expect(server.connections()).toBe(1)
  })

  it('answers stale=true and a changed nonce once, then succeeds', async () => {
    let phase: 'challenge' | 'stale' | 'ok' = 'challenge'
    const server = await startLoopbackServer((request) => {
      const p = params(request)
      if (phase === 'challenge') {
        phase = 'ok'
        return { status: 401, headers: { 'www-authenticate': MD5_AUTH.replace('NONCE', 'n1') } }
      }
      if (phase === 'stale' && p.nonce === 'n1') {
        return {
          status: 401,
          headers: {
            'www-authenticate': MD5_AUTH.replace('NONCE', 'n2').replace(
              'stale=false',
              'stale=true',
            ),
          },
        }
      }
      return { status: 204 }
    })
    servers.push(server)
    const send = client(server.url)
    expect((await send('/one')).status).toBe(204)
    phase = 'stale'
    expect((await send('/two')).status).toBe(204)
    const signed = server.requests.slice(1).map(params)
    expect(signed.map((p) => [p.nonce, p.nc])).toEqual([
      ['n1', '00000001'],
      ['n1', '00000002'],
      ['n2', '00000001'],
    ])
  })

  it('never loops: a 401 right after a fresh challenge goes back to the caller', async () => {
    const server = await digestServer(() => MD5_AUTH)
    const send = client(server.url)
    const wrong = { username: 'Mufasa', password: 'wrong' }
    const cold = await send('/cold', 'DELETE', wrong)
    expect(cold.status).toBe(401)
    expect(JSON.parse(cold.body)).toMatchObject({ error: 401 })
    expect(server.requests).toHaveLength(2)
    // Warm: the cached nonce is answered with a new one, tried once, and that is the end.
    const warm = await send('/warm', 'DELETE', wrong)
    expect(warm.status).toBe(401)
    expect(server.requests).toHaveLength(4)
  })

  it('answers stale=true once more after a fresh challenge, and no further', async () => {
    const server = await digestServer(() => MD5_AUTH.replace('stale=false', 'stale=true'))
    const send = client(server.url)
    const wrong = { username: 'Mufasa', password: 'wrong' }
    expect((await send('/stale', 'DELETE', wrong)).status).toBe(401)
    expect(server.requests).toHaveLength(3)
  })

  it('gives up when the server repeats the same nonce without stale=true, after one fresh challenge for a reused one', async () => {
    const server = await startLoopbackServer(() => ({
      status: 401,
      headers: { 'www-authenticate': MD5_AUTH.replace('NONCE', 'same') },
    }))
    servers.push(server)
    const send = client(server.url)
    expect((await send('/a')).status).toBe(401)
    expect(server.requests).toHaveLength(2)
    // The refused nonce is dropped: /b fetches a challenge again (the same nonce, here) and
    // answers it, counting on from where /a stopped rather than resending nc=00000001. That
    // answer reused the nonce, so its refusal earns one more fresh challenge; the refusal of
    // the answer to that one is final.
    expect((await send('/b')).status).toBe(401)
    expect(server.requests.map((request) => params(request).nc)).toEqual([
      undefined,
      '00000001',
      undefined,
      '00000002',
      undefined,
      '00000003',
    ])
  })

  it('keeps counting when a challenge repeats the nonce in use: no (nonce, nc) pair twice on the wire', async () => {
    // An Apache-style server: one nonce per window for everyone, a new window every 25 answers
    // (an old nonce gets stale=true with the new one); a count seen before is a replay, answered
    // with a 401 repeating the nonce.
    let window = 0
    let answers = 0
    const seen = new Set<string>()
    const server = await startLoopbackServer((request) => {
      const { nc, nonce } = params(request)
      const current = `window-${window}`
      const challenge = (stale: boolean) => ({
        status: 401,
        headers: {
          'www-authenticate': MD5_AUTH.replace('NONCE', current).replace(
            'stale=false',
            `stale=${stale}`,
          ),
        },
      })
      if (nc === undefined) return challenge(false)
      if (nonce !== current) return challenge(true)
      if (seen.has(`${nonce} ${nc}`)) return challenge(false)
      seen.add(`${nonce} ${nc}`)
      answers += 1
      if (answers % 25 === 0) window += 1
      return { status: 204 }
    })
    servers.push(server)
    const send = client(server.url)
    const statuses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => send(`/r${i}`).then((r) => r.status)),
    )
    expect(statuses.every((status) => status === 204)).toBe(true)
    const pairs = server.requests
      .map((request) => params(request))
      .filter((p) => p.nc !== undefined)
      .map((p) => `${p.nonce} ${p.nc}`)
    expect(new Set(pairs).size).toBe(pairs.length)
  })

  it('drains at most 64 KiB of a 401 body before replaying', async () => {
    const server = await startLoopbackServer(() => ({
      status: 401,
      headers: { 'www-authenticate': MD5_AUTH.replace('NONCE', `n${Math.random()}`) },
      body: 'x'.repeat(200 * 1024),
    }))
    servers.push(server)
    await expect(client(server.url)('/big')).rejects.toThrow('401 body over 65536 bytes')
  })

  it('returns a 401 without a usable challenge as it is', async () => {
    const server = await startLoopbackServer(() => ({
      status: 401,
      headers: { 'www-authenticate': 'Digest realm="x"' },
      body: 'no',
    }))
    servers.push(server)
    expect(await client(server.url)('/a')).toEqual({ status: 401, body: 'no' })
    expect(server.requests).toHaveLength(1)
  })

  it('speaks SHA-256 with opaque echoed, and the legacy no-qop form', async () => {
    const sha = await digestServer(
      () => 'Digest realm="r", nonce="NONCE", algorithm=SHA-256, qop="auth", opaque="op/aq+ue="',
    )
    expect((await client(sha.url)('/s')).status).toBe(204)
    expect(params(sha.requests[1])).toMatchObject({ algorithm: 'SHA-256', opaque: 'op/aq+ue=' })
    expect(params(sha.requests[1]).response).toMatch(/^[0-9a-f]{64}$/)

    const legacy = await digestServer(() => 'Digest realm="r", nonce="NONCE"')
    expect((await client(legacy.url)('/l')).status).toBe(204)
    const p = params(legacy.requests[1])
    expect(p.qop).toBeUndefined()
    expect(p.nc).toBeUndefined()
    expect(p.cnonce).toBeUndefined()
  })

  it('shares one challenge among concurrent first requests', async () => {
    const server = await digestServer(() => MD5_AUTH)
    const send = client(server.url)
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => send(`/c/${i}`)))
    expect(results.every((result) => result.status === 204)).toBe(true)
    expect(server.requests).toHaveLength(9)
    expect(server.requests.filter((request) => !request.headers.authorization)).toHaveLength(1)
    const counts = server.requests.slice(1).map((request) => params(request).nc)
    expect(new Set(counts).size).toBe(8)
  })

  it('hands a challenge fetched without credentials to the first username only', async () => {
    const server = await digestServer(() => MD5_AUTH)
    const pool = new Pool(server.url)
    pools.push(pool)
    const dispatcher = pool.compose(digestAuth())
    const send = (path: string, options: Partial<DigestDispatchOptions>) =>
      dispatcher
        .request({ origin: server.url, path, method: 'GET', ...options } as DigestDispatchOptions)
        .then(async (response) => {
          await response.body.text()
          return response.statusCode
        })
    // The 401 comes back as it is: nothing answered it.
    expect(await send('/challenge', { digestChallengeOnly: true })).toBe(401)
    expect(await send('/a', { digest: credentials })).toBe(204)
    expect(server.requests).toHaveLength(2)
    expect(params(server.requests[1]).nonce).toBe(params(server.requests[0]).nonce || 'nonce+/0==')
    expect(
      await send('/b', { digest: { username: 'Other', password: credentials.password } }),
    ).toBe(204)
    // The second user was challenged for its own nonce.
    expect(server.requests.filter((request) => !request.headers.authorization)).toHaveLength(2)
  })

  it('answers a refused reused nonce with one fresh challenge, and after two refusals reuses none', async () => {
    // A server that lets a nonce answer one request only, refusing any nc above 1 with a 401
    // that repeats the nonce (stale=false).
    let issued = 0
    const server = await startLoopbackServer((request) => {
      const { nonce, nc } = params(request)
      if (nonce !== undefined && nc === '00000001') return { status: 204 }
      const next = nonce !== undefined ? nonce : `n${issued++}`
      return { status: 401, headers: { 'www-authenticate': MD5_AUTH.replace('NONCE', next) } }
    })
    servers.push(server)
    const send = client(server.url)
    const wire = () =>
      server.requests.splice(0).map((request) => {
        const { nonce, nc } = params(request)
        return nonce === undefined ? 'bare' : `${nonce}/${nc}`
      })
    expect((await send('/1')).status).toBe(204)
    expect(wire()).toEqual(['bare', 'n0/00000001'])
    // Reused and refused: one fresh challenge, answered alone with nc=00000001.
    expect((await send('/2')).status).toBe(204)
    expect(wire()).toEqual(['n0/00000002', 'bare', 'n1/00000001'])
    expect((await send('/3')).status).toBe(204)
    expect(wire()).toEqual(['n1/00000002', 'bare', 'n2/00000001'])
    // Two refusals: no nonce is reused from now on, two requests a call and no refusal.
    expect((await send('/4')).status).toBe(204)
    expect(wire()).toEqual(['bare', 'n3/00000001'])
  })

  it('counts a repeated nonce with a new opaque from 1: a new client context', async () => {
    let opaque = 0
    const server = await startLoopbackServer((request) => {
      const { nc, opaque: answered } = params(request)
      if (nc !== undefined && answered === `o${opaque}`) return { status: 204 }
      opaque += 1
      return {
        status: 401,
        headers: {
          'www-authenticate': `${MD5_AUTH.replace('NONCE', 'window')}, opaque="o${opaque}"`,
        },
      }
    })
    servers.push(server)
    const send = client(server.url)
    expect((await send('/1')).status).toBe(204)
    expect((await send('/2')).status).toBe(204)
    opaque += 1 // the server forgets the client context: its next answer is a new challenge
    expect((await send('/3')).status).toBe(204)
    expect(server.requests.map((request) => params(request).nc)).toEqual([
      undefined,
      '00000001',
      '00000002',
      '00000003',
      '00000001',
    ])
  })

  it('keeps nonces apart per username and leaves requests without credentials alone', async () => {
    const server = await digestServer(() => MD5_AUTH)
    const send = client(server.url)
    await send('/a')
    await send('/b', 'DELETE', { username: 'Other', password: credentials.password })
    // The second user was challenged for its own nonce.
    expect(server.requests.filter((request) => !request.headers.authorization)).toHaveLength(2)

    const plain = new Pool(server.url)
    pools.push(plain)
    const response = await plain
      .compose(digestAuth())
      .request({ origin: server.url, path: '/plain', method: 'GET' })
    await response.body.text()
    expect(response.statusCode).toBe(401)
    expect(server.requests.at(-1)?.headers.authorization).toBeUndefined()
  })
})
