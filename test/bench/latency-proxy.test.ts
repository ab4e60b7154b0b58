/**
 * The benchmark's network model (bench/cold/latency-proxy.ts): a request on a new connection
 * is answered three round trips after the connect (two for the handshakes, one
 * for itself), on an open connection after one; bytes arrive whole and in order; with real TLS
 * the handshake goes through the proxy and costs its round trip there.
 */
import { createServer, request, type Server } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { afterEach, describe, expect, it } from 'vitest'
import {
  makeTestCertificate,
  startLatencyProxy,
  type TestCertificate,
} from '../../bench/cold/latency-proxy.ts'

// Long enough that a loaded machine's scheduling delay (tens of ms) cannot push an exchange
// past the next round trip, which the upper bounds below tell apart.
const RTT = 150
const stops: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop()
})

/** Echoes the request body, at once. */
async function echoServer(): Promise<number> {
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = []
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
    incoming.on('end', () => outgoing.end(Buffer.concat(chunks)))
  })
  server.keepAliveTimeout = 5_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  stops.push(() => {
    server.closeAllConnections()
    return new Promise<void>((resolve) => server.close(() => resolve()))
  })
  return (server.address() as { port: number }).port
}

/** POSTs `body` through `send` with `agent`; resolves with the echo and the time it took. */
function timedPost(
  send: typeof request,
  url: string,
  agent: unknown,
  body: string,
): Promise<{ ms: number; echo: string }> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const outgoing = send(url, { method: 'POST', agent: agent as never }, (incoming) => {
      const chunks: Buffer[] = []
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
      incoming.on('end', () =>
        resolve({ ms: performance.now() - started, echo: Buffer.concat(chunks).toString() }),
      )
    })
    outgoing.on('error', reject)
    outgoing.end(body)
  })
}

describe('the latency proxy', () => {
  it('charges 2 round trips for a new connection and 1 per exchange, keeping bytes in order', async () => {
    const proxy = await startLatencyProxy(await echoServer(), RTT, 'charged')
    stops.push(() => proxy.stop())
    const { Agent } = await import('node:http')
    const agent = new Agent({ keepAlive: true })
    stops.push(() => agent.destroy())
    const body = Array.from({ length: 20_000 }, (_, i) => String(i % 10)).join('')
    const fresh = await timedPost(request, proxy.url, agent, body)
    expect(fresh.echo).toBe(body)
    expect(fresh.ms).toBeGreaterThanOrEqual(3 * RTT - 1)
    expect(fresh.ms).toBeLessThan(4 * RTT)
    const reused = await timedPost(request, proxy.url, agent, 'again')
    expect(reused.echo).toBe('again')
    expect(reused.ms).toBeGreaterThanOrEqual(RTT - 1)
    expect(reused.ms).toBeLessThan(2 * RTT)
    expect(proxy.connections).toBe(1)
  })

  it('carries a real TLS 1.3 handshake, which costs its round trip through the proxy', async () => {
    const certificate: TestCertificate = await makeTestCertificate()
    stops.push(() => certificate.remove())
    const proxy = await startLatencyProxy(await echoServer(), RTT, 'tls', certificate)
    stops.push(() => proxy.stop())
    expect(proxy.url.startsWith('https://127.0.0.1:')).toBe(true)
    const agent = new HttpsAgent({ keepAlive: true, ca: certificate.cert })
    stops.push(() => agent.destroy())
    const fresh = await timedPost(httpsRequest as typeof request, proxy.url, agent, 'secret')
    expect(fresh.echo).toBe('secret')
    expect(fresh.ms).toBeGreaterThanOrEqual(3 * RTT - 1)
    expect(fresh.ms).toBeLessThan(4 * RTT)
    const reused = await timedPost(httpsRequest as typeof request, proxy.url, agent, 'again')
    expect(reused.ms).toBeGreaterThanOrEqual(RTT - 1)
    expect(reused.ms).toBeLessThan(2 * RTT)
  })
})
