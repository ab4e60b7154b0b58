import { afterEach, describe, expect, it } from 'vitest'
import { AtlasClient, requestTarget } from '../../../lib/atlas/http/client.ts'
import { createAtlasDispatcher } from '../../../lib/atlas/http/dispatcher.ts'
import { RequestFailedError } from '../../../lib/atlas/transport/buffered-dispatch.ts'
import { demoKey } from '../../support/atlas-fixture.ts'
import { type LoopbackServer, startLoopbackServer } from '../../support/loopback-server.ts'

const servers: LoopbackServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function serve(answer: Parameters<typeof startLoopbackServer>[0]) {
  const server = await startLoopbackServer(answer)
  servers.push(server)
  return {
    server,
    client: new AtlasClient({ origin: server.url, dispatcher: createAtlasDispatcher(server.url) }),
  }
}

const call = {
  method: 'DELETE' as const,
  path: '/api/atlas/v1.0/orgs/x/invites/y',
  credentials: demoKey(),
}

describe('AtlasClient', () => {
  it('never follows a redirect, so credentials cannot be replayed to another host', async () => {
    const { server, client } = await serve(() => ({
      status: 302,
      headers: { location: 'http://169.254.169.254/latest/meta-data/' },
    }))
    const response = await client.send({ ...call, deadline: Date.now() + 2_000 })
    expect(response.status).toBe(302)
    expect(server.requests).toHaveLength(1)
  })

  it('sends Accept: application/json and the query it was given', async () => {
    const { server, client } = await serve(() => ({ status: 204 }))
    await client.send({
      ...call,
      query: { pretty: 'true', envelope: undefined },
      deadline: Date.now() + 2_000,
    })
    expect(server.requests[0]).toMatchObject({
      target: `${call.path}?pretty=true`,
      headers: { accept: 'application/json' },
    })
  })

  it('refuses an answer body over 1 MiB instead of buffering it', async () => {
    const { client } = await serve(() => ({ status: 200, body: 'x'.repeat(1024 * 1024 + 1) }))
    await expect(client.send({ ...call, deadline: Date.now() + 2_000 })).rejects.toBeInstanceOf(
      RequestFailedError,
    )
  })

  it('reads a body that is not JSON as no body', async () => {
    // A status that is not retried: a 5xx would be, and its retries race the deadline.
    const { client } = await serve(() => ({ status: 400, body: '<html>bad request</html>' }))
    const response = await client.send({ ...call, deadline: Date.now() + 5_000 })
    expect(response).toMatchObject({ status: 400, body: undefined })
  })
})

describe('requestTarget', () => {
  it('keeps defined query parameters in order and encodes them', () => {
    expect(
      requestTarget('/p', { username: 'a+b@example.com', pretty: undefined, envelope: 'true' }),
    ).toBe('/p?username=a%2Bb%40example.com&envelope=true')
    expect(requestTarget('/p')).toBe('/p')
  })
})
