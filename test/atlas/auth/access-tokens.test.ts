import { Pool } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { AccessTokens, TokenRefusedError } from '../../../lib/atlas/auth/access-tokens.ts'
import { ServiceAccount } from '../../../lib/credentials/credential-types.ts'
import { type LoopbackServer, startLoopbackServer } from '../../support/loopback-server.ts'

const servers: LoopbackServer[] = []
const pools: Pool[] = []
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()))
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

const account = new ServiceAccount('mdb_sa_id_1', 'mdb_sa_sk_1')

async function tokens(
  answer: Parameters<typeof startLoopbackServer>[0],
  now: () => number = Date.now,
) {
  const server = await startLoopbackServer(answer)
  servers.push(server)
  const pool = new Pool(server.url)
  pools.push(pool)
  return { server, tokens: new AccessTokens({ dispatcher: pool, origin: server.url, now }) }
}

const issue = (index: number) => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ access_token: `token-${index}`, expires_in: 3600, token_type: 'Bearer' }),
})
const get = (t: AccessTokens, who = account) =>
  t.token(who, Date.now() + 5_000, new AbortController().signal)

describe('AccessTokens', () => {
  it('asks with client credentials and HTTP Basic auth, as OAuth 2.0 says', async () => {
    const { server, tokens: t } = await tokens((_request, index) => issue(index))
    expect(await get(t)).toEqual({ token: 'token-0', fresh: true, attempts: 1 })
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      target: '/api/oauth/token',
      headers: {
        authorization: `Basic ${Buffer.from('mdb_sa_id_1:mdb_sa_sk_1').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
    })
  })

  it('reuses the token until a minute before it expires, then fetches another', async () => {
    let now = 0
    const { server, tokens: t } = await tokens(
      (_request, index) => issue(index),
      () => now,
    )
    await get(t)
    now = 3_539_000
    expect(await get(t)).toEqual({ token: 'token-0', fresh: false, attempts: 0 })
    now = 3_541_000
    expect(await get(t)).toMatchObject({ token: 'token-1', fresh: true })
    expect(server.requests).toHaveLength(2)
  })

  it('fetches once for concurrent callers, again after invalidate, and per rotated secret', async () => {
    const { server, tokens: t } = await tokens((_request, index) => issue(index))
    const all = await Promise.all(Array.from({ length: 5 }, () => get(t)))
    expect(new Set(all.map((issued) => issued.token))).toEqual(new Set(['token-0']))
    t.invalidate(account)
    expect((await get(t)).token).toBe('token-1')
    expect((await get(t, new ServiceAccount('mdb_sa_id_1', 'rotated'))).token).toBe('token-2')
    expect(server.requests).toHaveLength(3)
  })

  it('passes a refusal on as TokenRefusedError carrying the answer', async () => {
    const { tokens: t } = await tokens(() => ({
      status: 401,
      body: JSON.stringify({ error: 'invalid_client' }),
    }))
    const refused = await get(t).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(TokenRefusedError)
    expect((refused as TokenRefusedError).response.status).toBe(401)
  })
})
