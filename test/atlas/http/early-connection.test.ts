/** A cold start's early connection: adopted once by the dispatcher, never a failure of its own. */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  getCACertificates,
  setDefaultCACertificates,
  type TLSSocket,
  createServer as tlsServer,
} from 'node:tls'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { createAtlasDispatcher } from '../../../lib/atlas/http/dispatcher.ts'
import {
  hasEarlyConnection,
  takeEarlyConnection,
} from '../../../lib/atlas/http/early-connection.ts'
import {
  beginEarlyConnection,
  openEarlyConnection,
  parkEarlyConnection,
  takeParkedEarlyConnection,
} from '../../../lib/atlas/http/early-connection-open.ts'
import { dispatchBuffered } from '../../../lib/atlas/transport/buffered-dispatch.ts'
import { freePort } from '../../support/free-port.ts'

const stops: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()))
})

/** A tiny HTTP/1.1 server that notes when each connection was accepted, and what it read. */
async function countingServer() {
  const accepted: number[] = []
  const sockets: Socket[] = []
  const received = { bytes: 0, closed: 0 }
  const server = createServer((socket) => {
    accepted.push(performance.now())
    sockets.push(socket)
    socket.on('close', () => {
      received.closed += 1
    })
    socket.on('data', (chunk) => {
      received.bytes += chunk.length
      socket.write('HTTP/1.1 204 No Content\r\nconnection: keep-alive\r\n\r\n')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  stops.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  )
  return { origin: `http://127.0.0.1:${port}`, accepted, sockets, received }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20))

/** A request through a dispatcher made now: answered, with `count` connections accepted in all. */
async function expectAnsweredOnConnections(
  server: { origin: string; accepted: readonly number[] },
  count: number,
): Promise<void> {
  const dispatcher = createAtlasDispatcher(server.origin)
  const response = await dispatchBuffered(dispatcher, {
    origin: server.origin,
    path: '/a',
    method: 'GET',
  })
  expect(response.status).toBe(204)
  expect(server.accepted).toHaveLength(count)
  await dispatcher.close()
}

describe('the early connection', () => {
  it('is adopted by the dispatcher as its first connection, opened before the dispatcher existed', async () => {
    const server = await countingServer()
    const opened = performance.now()
    openEarlyConnection(server.origin)
    await new Promise((resolve) => setTimeout(resolve, 20))
    const dispatcher = createAtlasDispatcher(server.origin)
    const created = performance.now()
    const response = await dispatchBuffered(dispatcher, {
      origin: server.origin,
      path: '/a',
      method: 'GET',
    })
    await dispatchBuffered(dispatcher, { origin: server.origin, path: '/b', method: 'GET' })
    expect(response.status).toBe(204)
    expect(server.accepted).toHaveLength(1)
    expect(server.accepted[0]).toBeGreaterThanOrEqual(opened)
    expect(server.accepted[0]).toBeLessThan(created)
    await dispatcher.close()
  })

  it('is handed over once only', async () => {
    const server = await countingServer()
    openEarlyConnection(server.origin)
    const first = await takeEarlyConnection(server.origin)
    expect(first).toBeDefined()
    expect(await takeEarlyConnection(server.origin)).toBeUndefined()
    first?.destroy()
  })

  it('is not used when it failed: nothing listens, or the server closed it before adoption', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`
    openEarlyConnection(nobody)
    expect(await takeEarlyConnection(nobody)).toBeUndefined()

    const server = await countingServer()
    openEarlyConnection(server.origin)
    await new Promise((resolve) => setTimeout(resolve, 20))
    for (const socket of server.sockets) socket.destroy()
    await new Promise((resolve) => setTimeout(resolve, 20))
    await expectAnsweredOnConnections(server, 2)
  })

  it('over https: secures the socket it connected, and the dispatcher adopts it', async () => {
    const server = await tlsCountingServer()
    const opened = performance.now()
    openEarlyConnection(server.origin)
    const socket = (await takeEarlyConnection(server.origin)) as TLSSocket | undefined
    expect(socket?.encrypted).toBe(true)
    expect(socket?.authorized).toBe(true)
    expect(socket?.alpnProtocol).toBe('http/1.1')
    expect(server.accepted).toHaveLength(1)
    expect(server.accepted[0]).toBeGreaterThanOrEqual(opened)
    socket?.destroy()

    openEarlyConnection(server.origin)
    await expectAnsweredOnConnections(server, 2)
  })

  it('over https: a server that fails the handshake leaves nothing to adopt', async () => {
    const plain = await countingServer()
    const origin = plain.origin.replace('http:', 'https:')
    openEarlyConnection(origin)
    expect(await takeEarlyConnection(origin)).toBeUndefined()
  })

  it("begun before its URL is validated: connects, but sends nothing and is nobody's until confirmed", async () => {
    const server = await countingServer()
    const pending = beginEarlyConnection(server.origin)
    await settle()
    expect(server.accepted).toHaveLength(1)
    expect(hasEarlyConnection(server.origin)).toBe(false)
    expect(pending?.confirm(server.origin)).toBe(true)
    expect(hasEarlyConnection(server.origin)).toBe(true)
    await expectAnsweredOnConnections(server, 1)
  })

  it('begun, then abandoned (a bad setting) or confirmed for another origin: closed having carried nothing', async () => {
    const server = await countingServer()
    const bad = beginEarlyConnection(server.origin)
    await settle()
    bad?.abandon()
    const other = beginEarlyConnection(server.origin)
    await settle()
    expect(other?.confirm('http://127.0.0.1:1')).toBe(false)
    await settle()
    expect(server.accepted).toHaveLength(2)
    expect(server.received).toEqual({ bytes: 0, closed: 2 })
    expect(hasEarlyConnection(server.origin)).toBe(false)
    expect(hasEarlyConnection('http://127.0.0.1:1')).toBe(false)
  })

  it('over https, begun: no TLS hello before it is confirmed', async () => {
    const plain = await countingServer()
    const origin = plain.origin.replace('http:', 'https:')
    const pending = beginEarlyConnection(origin)
    await settle()
    expect(plain.accepted).toHaveLength(1)
    expect(plain.received.bytes).toBe(0)
    pending?.abandon()
  })

  it("parked by a preload: connects, sends nothing, and is the taker's to confirm", async () => {
    const server = await countingServer()
    parkEarlyConnection(server.origin)
    // One parked at a time: a second preload (or a second call) connects nothing more.
    parkEarlyConnection(server.origin)
    await settle()
    expect(server.accepted).toHaveLength(1)
    expect(server.received.bytes).toBe(0)
    expect(hasEarlyConnection(server.origin)).toBe(false)
    const pending = takeParkedEarlyConnection(server.origin)
    expect(takeParkedEarlyConnection(server.origin)).toBeUndefined()
    expect(pending?.confirm(server.origin)).toBe(true)
    await expectAnsweredOnConnections(server, 1)
  })

  it('parked, then failed before it was taken: confirming it says so, and a fresh one is opened', async () => {
    const origin = `http://127.0.0.1:${await freePort()}`
    parkEarlyConnection(origin)
    await settle()
    expect(takeParkedEarlyConnection(origin)?.confirm(origin)).toBe(false)
    expect(hasEarlyConnection(origin)).toBe(false)
  })

  it('parked for another URL, or when nothing may connect early: closed having carried nothing', async () => {
    const server = await countingServer()
    parkEarlyConnection(server.origin)
    await settle()
    expect(takeParkedEarlyConnection(`${server.origin}/`)).toBeUndefined()
    parkEarlyConnection(server.origin)
    await settle()
    expect(takeParkedEarlyConnection(undefined)).toBeUndefined()
    await settle()
    expect(server.accepted).toHaveLength(2)
    expect(server.received).toEqual({ bytes: 0, closed: 2 })
    expect(hasEarlyConnection(server.origin)).toBe(false)
  })

  it('ignores an origin it cannot parse', async () => {
    expect(() => openEarlyConnection('not a url')).not.toThrow()
    expect(beginEarlyConnection('not a url')).toBeUndefined()
    expect(await takeEarlyConnection('not a url')).toBeUndefined()
  })
})

/** The same over TLS, with a certificate for 127.0.0.1 the test trusts while it runs. */
async function tlsCountingServer() {
  const dir = mkdtempSync(join(tmpdir(), 'early-tls-'))
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ])
  const cert = readFileSync(join(dir, 'cert.pem'), 'utf8')
  const key = readFileSync(join(dir, 'key.pem'), 'utf8')
  rmSync(dir, { recursive: true, force: true })
  const trusted = getCACertificates('default')
  setDefaultCACertificates([...trusted, cert])
  const accepted: number[] = []
  const sockets: Socket[] = []
  const server = tlsServer({ key, cert, ALPNProtocols: ['http/1.1'] }, (socket) => {
    sockets.push(socket)
    socket.on('data', () => {
      socket.write('HTTP/1.1 204 No Content\r\nconnection: keep-alive\r\n\r\n')
    })
  })
  server.on('connection', () => accepted.push(performance.now()))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  stops.push(
    () =>
      new Promise<void>((resolve) => {
        setDefaultCACertificates(trusted)
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  )
  return { origin: `https://127.0.0.1:${port}`, accepted }
}
