/**
 * The network between a cold Lambda container and a service, as a TCP proxy on loopback in
 * front of a server that answers at once: every chunk takes half a round trip each way, and a
 * new connection carries nothing until its handshakes are done. Two models of the handshakes:
 *
 * - `charged` (issue #22's model): 2 round trips (TCP + TLS 1.3) from the accept, plain TCP
 *   behind. The handshakes run whatever the client does meanwhile.
 * - `tls`: 1 round trip for TCP, then a real TLS 1.3 handshake through the proxy (a TLS server
 *   behind it, with a certificate the client trusts through NODE_EXTRA_CA_CERTS). Each of its
 *   flights pays the per-chunk delay, and the client's half needs the client's event loop: a
 *   process busy loading code finishes its handshake late, as it would on Lambda.
 *
 * Either way a request written on a fresh connection is answered 3 round trips after the
 * connect at the earliest, a request on an open one after 1. Chunks keep their order.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls'
import { promisify } from 'node:util'

export type HandshakeModel = 'charged' | 'tls'

export interface LatencyProxy {
  /** `http://127.0.0.1:<port>` (charged) or `https://127.0.0.1:<port>` (tls). */
  readonly url: string
  /** Connections accepted so far. */
  readonly connections: number
  stop(): Promise<void>
}

/** A self-signed certificate for 127.0.0.1 and localhost, and the file clients trust it from. */
export interface TestCertificate {
  readonly key: string
  readonly cert: string
  /** The PEM file to give clients as NODE_EXTRA_CA_CERTS. */
  readonly caFile: string
  remove(): void
}

const run = promisify(execFile)

/** An RSA 2048 certificate (what most public endpoints still serve), valid a day. */
export async function makeTestCertificate(): Promise<TestCertificate> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-tls-'))
  const key = join(dir, 'key.pem')
  const cert = join(dir, 'cert.pem')
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ])
  return {
    key: readFileSync(key, 'utf8'),
    cert: readFileSync(cert, 'utf8'),
    caFile: cert,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}

/**
 * Starts a proxy to `upstreamPort` on loopback with `rttMs` round trips. With `tls`, a TLS
 * server with `certificate` sits between the proxy and the upstream (plain HTTP).
 */
export async function startLatencyProxy(
  upstreamPort: number,
  rttMs: number,
  handshake: HandshakeModel,
  certificate?: TestCertificate,
): Promise<LatencyProxy> {
  let terminator: TlsServer | undefined
  let target = upstreamPort
  if (handshake === 'tls') {
    if (!certificate) throw new Error('a tls proxy needs a certificate')
    terminator = createTlsServer(
      {
        key: certificate.key,
        cert: certificate.cert,
        minVersion: 'TLSv1.3',
        ALPNProtocols: ['http/1.1'],
      },
      (clear) => pipeBoth(clear, connect({ host: '127.0.0.1', port: upstreamPort })),
    )
    target = await listen(terminator)
  }
  // Before the first byte may pass: TCP and TLS charged (2 round trips), or TCP only.
  const setupMs = (handshake === 'tls' ? 1 : 2) * rttMs
  const sockets = new Set<Socket>()
  let connections = 0
  // BENCH_PROXY_TRACE=1: each connection and chunk on stderr, on the clock processes share.
  const trace = process.env.BENCH_PROXY_TRACE
    ? (what: string) =>
        process.stderr.write(
          `proxy ${port} ${(performance.timeOrigin + performance.now()).toFixed(1)} ${what}\n`,
        )
    : undefined
  const proxy = createServer((client) => {
    const id = ++connections
    trace?.(`#${id} accepted`)
    const readyAt = performance.now() + setupMs
    const upstream = connect({ host: '127.0.0.1', port: target })
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.setNoDelay(true)
      socket.on('error', () => {})
      socket.on('close', () => sockets.delete(socket))
    }
    relay(client, upstream, rttMs / 2, readyAt, trace && ((n) => trace(`#${id} → ${n} B`)))
    relay(upstream, client, rttMs / 2, 0, trace && ((n) => trace(`#${id} ← ${n} B`)))
  })
  let port = 0
  port = await listen(proxy)
  return {
    url: `${handshake === 'tls' ? 'https' : 'http'}://127.0.0.1:${port}`,
    get connections() {
      return connections
    },
    stop: async () => {
      for (const socket of sockets) socket.destroy()
      await Promise.all([close(proxy), terminator ? close(terminator) : undefined])
    },
  }
}

/**
 * Forwards `from`'s chunks to `to`, each `delayMs` after it arrived but not before `notBefore`
 * (the handshake), in order; the end and the close follow the last chunk.
 */
function relay(
  from: Socket,
  to: Socket,
  delayMs: number,
  notBefore: number,
  onChunk?: (bytes: number) => void,
): void {
  // One timer at a time, for the head of the queue: timers of different lengths may fire out
  // of order, chunks of a stream may not.
  const queue: { due: number; action: () => void }[] = []
  let timer: NodeJS.Timeout | undefined
  const drain = () => {
    timer = undefined
    while (queue.length > 0 && (queue[0]?.due ?? 0) <= performance.now() + 0.5)
      queue.shift()?.action()
    schedule()
  }
  const schedule = () => {
    const head = queue[0]
    if (head && !timer) timer = setTimeout(drain, Math.max(0, head.due - performance.now()))
  }
  const later = (action: () => void) => {
    queue.push({ due: Math.max(performance.now(), notBefore) + delayMs, action })
    schedule()
  }
  from.on('data', (chunk: Buffer) => {
    onChunk?.(chunk.length)
    later(() => to.destroyed || to.write(chunk))
  })
  from.on('end', () => later(() => to.destroyed || to.end()))
  from.on('close', () => later(() => to.destroy()))
}

function pipeBoth(a: Socket, b: Socket): void {
  // No Nagle: with delayed ACKs it would hold small writes back 40 ms on loopback.
  for (const socket of [a, b]) socket.setNoDelay(true).on('error', () => {})
  a.pipe(b).pipe(a)
  a.on('close', () => b.destroy())
  b.on('close', () => a.destroy())
}

async function listen(server: Server | TlsServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  return typeof address === 'object' && address ? address.port : 0
}

function close(server: Server | TlsServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()))
}
