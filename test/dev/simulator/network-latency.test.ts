import { createServer, request } from 'node:http'
import type { Socket } from 'node:net'
import { describe, expect, it } from 'vitest'
import { NetworkLatency } from '../../../dev/simulator/network-latency.ts'

describe('NetworkLatency', () => {
  it('answers after a round trip, and a new connection not before its handshake is done', async () => {
    const latency = new NetworkLatency({ rttMs: 40, connectionMs: 80 })
    const server = createServer((incoming, response) => {
      const socket = incoming.socket as Socket
      response.end(JSON.stringify({ delay: latency.delayFor(socket, performance.now()) }))
    })
    latency.watch(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as { port: number }
    const ask = (agent: import('node:http').Agent) =>
      new Promise<number>((resolve, reject) => {
        request({ host: '127.0.0.1', port, agent }, (response) => {
          let body = ''
          response.on('data', (chunk) => {
            body += chunk
          })
          response.on('end', () => resolve((JSON.parse(body) as { delay: number }).delay))
        })
          .on('error', reject)
          .end()
      })
    const { Agent } = await import('node:http')
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    // Asked at once: the whole handshake is still ahead, plus the round trip.
    expect(await ask(agent)).toBeGreaterThan(80)
    // Asked on the same connection after the handshake: the round trip only.
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(await ask(agent)).toBe(40)
    agent.destroy()
    await new Promise((resolve) => server.close(resolve))
  })

  it('charges the round trip only for a socket it did not see accepted', () => {
    const latency = new NetworkLatency({ rttMs: 5, connectionMs: 10 })
    expect(latency.delayFor({} as Socket)).toBe(5)
    expect(new NetworkLatency().delayFor({} as Socket)).toBe(0)
  })
})
