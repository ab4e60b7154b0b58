/**
 * The first connection to Atlas, opened by a cold start before anything else loads: only
 * `node:net` / `node:tls`, so the TCP and TLS handshakes run while undici, the AWS SDK and the
 * handler are still being read. The process-wide dispatcher adopts it as its first connection
 * (see atlas-dispatcher.ts); one never adopted, or one that failed, is simply not used.
 */
import { isIP, connect as netConnect, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'

interface EarlyConnection {
  readonly socket: Socket
  /** Resolves once the socket is connected (TLS included); rejects if it failed first. */
  readonly ready: Promise<void>
}

const opened = new Map<string, EarlyConnection>()

/** Opens a connection to `origin` (a validated Atlas origin) for the dispatcher to adopt. */
export function openEarlyConnection(origin: string, timeoutMs = 3_000): void {
  if (opened.has(origin)) return
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    return
  }
  const secure = url.protocol === 'https:'
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const port = Number(url.port || (secure ? 443 : 80))
  const socket = secure
    ? tlsConnect({
        host,
        port,
        ...(isIP(host) ? {} : { servername: host }),
        // What undici's own connector offers, so the pool treats this connection like its own.
        ALPNProtocols: ['http/1.1', 'h2'],
      })
    : netConnect({ host, port })
  socket.setNoDelay(true).setKeepAlive(true, 60_000)
  // Not adopted yet: it must not keep a process alive on its own.
  socket.unref()
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => socket.destroy(new Error('early connection timed out')),
      timeoutMs,
    )
    timer.unref()
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer)
      resolve()
    })
    socket.once('close', () => {
      clearTimeout(timer)
      reject(new Error('early connection closed'))
    })
  })
  // Failures are handled by not using the socket; they must not surface anywhere else.
  ready.catch(() => opened.delete(origin))
  socket.on('error', () => {})
  opened.set(origin, { socket, ready })
}

/** Whether an early connection to `origin` waits to be adopted. */
export function hasEarlyConnection(origin: string): boolean {
  return opened.has(origin)
}

/** Closes `origin`'s early connection, if one was opened and not adopted (INIT gave up). */
export function closeEarlyConnection(origin: string): void {
  opened.get(origin)?.socket.destroy()
  opened.delete(origin)
}

/**
 * Hands over `origin`'s early connection once it is ready, or `undefined` (none was opened, it
 * was taken already, or it failed) so the caller opens its own.
 */
export async function takeEarlyConnection(origin: string): Promise<Socket | undefined> {
  const early = opened.get(origin)
  if (!early) return undefined
  opened.delete(origin)
  try {
    await early.ready
  } catch {
    return undefined
  }
  if (early.socket.destroyed) return undefined
  early.socket.ref()
  return early.socket
}
