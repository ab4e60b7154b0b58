/**
 * The first connection to Atlas, opened by a cold start before anything else loads: the TCP
 * connect goes out with `node:net` alone, and `node:tls` (about 5 ms to load) loads on the next
 * turn, while the TCP handshake is under way, then takes the socket over for the TLS handshake.
 * Everything else (undici, the secrets, the handler) loads while the handshakes run. The
 * process-wide dispatcher adopts it as its first connection (see dispatcher.ts); one never
 * adopted, or one that failed, is simply not used.
 */
import { isIP, connect as netConnect, type Socket } from 'node:net'

interface EarlyConnection {
  /** The socket to hand over: the TCP one, then the TLS one wrapping it (https). */
  socket: Socket
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
  const tcp = netConnect({ host, port })
  tcp.setNoDelay(true).setKeepAlive(true, 60_000)
  // Not adopted yet: it must not keep a process alive on its own.
  tcp.unref()
  let settle: { resolve: () => void; reject: (error: Error) => void } | undefined
  const ready = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject }
  })
  const early: EarlyConnection = { socket: tcp, ready }
  const timer = setTimeout(
    () => early.socket.destroy(new Error('early connection timed out')),
    timeoutMs,
  )
  timer.unref()
  const watch = (socket: Socket, readyEvent: string) => {
    socket.on('error', () => {})
    socket.once(readyEvent, () => {
      clearTimeout(timer)
      settle?.resolve()
    })
    socket.once('close', () => {
      clearTimeout(timer)
      settle?.reject(new Error('early connection closed'))
    })
  }
  if (!secure) watch(tcp, 'connect')
  else {
    tcp.on('error', () => {})
    // The connect is issued on the next tick; loading node:tls before it would hold it back.
    setImmediate(() => {
      if (tcp.destroyed) {
        settle?.reject(new Error('early connection closed'))
        return
      }
      try {
        const tls = process.getBuiltinModule('node:tls')
        const secured = tls.connect({
          socket: tcp,
          ...(isIP(host) ? {} : { servername: host }),
          // What undici's own connector offers, so the pool treats this connection like its own.
          ALPNProtocols: ['http/1.1', 'h2'],
        })
        secured.unref()
        early.socket = secured
        watch(secured, 'secureConnect')
      } catch (error) {
        tcp.destroy()
        clearTimeout(timer)
        settle?.reject(error as Error)
      }
    })
  }
  // Failures are handled by not using the socket; they must not surface anywhere else.
  ready.catch(() => {
    if (opened.get(origin) === early) opened.delete(origin)
  })
  opened.set(origin, early)
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
