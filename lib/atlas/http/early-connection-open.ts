/**
 * Opens the first connection to Atlas, for a cold start before anything else loads: the TCP
 * connect goes out with `node:net` alone, and `node:tls` (about 5 ms to load) loads once the
 * connect is issued, while the TCP handshake is under way, then takes the socket over for the
 * TLS handshake. Everything else (undici, the secrets, the handler) loads while the handshakes
 * run. The process-wide dispatcher adopts it as its first connection (early-connection.ts,
 * dispatcher.ts); one never adopted, or one that failed, is simply not used.
 *
 * This module imports nothing (builtins through `process.getBuiltinModule`), so the bundler
 * keeps it in the entry's own file with the head start: the connect goes out once that file
 * has loaded, without waiting for shared chunks or ES module facades of builtins (npm run
 * bench, "Cold revocation": 2.5 ms after the import starts instead of 5). It leaves its
 * connections to early-connection.ts, which the dispatcher loads later, in a process-wide
 * registry rather than a module they would have to share.
 */
import type { Socket } from 'node:net'
import type { EarlyConnection } from './early-connection.ts'

/** The registry early-connection.ts reads (the same key there). */
const REGISTRY = Symbol.for('atlas-invite-revoker.early-connections')

function registry(): Map<string, EarlyConnection> {
  const holder = globalThis as { [REGISTRY]?: Map<string, EarlyConnection> }
  holder[REGISTRY] ??= new Map()
  return holder[REGISTRY]
}

/** A connect in progress that is nobody's to adopt, and carries nothing, until confirmed. */
export interface PendingEarlyConnection {
  /**
   * `origin` (the validated form of the URL it connects to) may be used: the TLS handshake
   * starts, and the dispatcher may adopt the connection once it is ready. False, and the socket
   * closed, when `origin` is not where it connects.
   */
  confirm(origin: string): boolean
  /** The URL turned out unusable: the socket is closed, having carried nothing. */
  abandon(): void
}

/**
 * Starts the TCP connect to `url`'s host and port now, before `url` is validated (the
 * validation loads code of its own): nothing goes out on it, not even a TLS hello, until
 * `confirm`. `undefined` when `url` does not parse, or a connection to it is open already.
 */
export function beginEarlyConnection(
  url: string,
  timeoutMs = 3_000,
): PendingEarlyConnection | undefined {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return undefined
  }
  if (registry().has(parsed.origin)) return undefined
  const net = process.getBuiltinModule('node:net')
  const secure = parsed.protocol === 'https:'
  const host = parsed.hostname.replace(/^\[|\]$/g, '')
  const port = Number(parsed.port || (secure ? 443 : 80))
  const tcp = net.connect({ host, port })
  tcp.setNoDelay(true).setKeepAlive(true, 60_000)
  // Not adopted yet: it must not keep a process alive on its own.
  tcp.unref()
  tcp.on('error', () => {})
  let settle: { resolve: () => void; reject: (error: Error) => void } | undefined
  const ready = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject }
  })
  // Failures are handled by not using the socket; they must not surface anywhere else.
  ready.catch(() => {})
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
  const abandon = () => {
    clearTimeout(timer)
    early.socket.destroy()
    settle?.reject(new Error('early connection abandoned'))
  }
  return {
    abandon,
    confirm(origin) {
      const opened = registry()
      if (origin !== parsed.origin) {
        abandon()
        return false
      }
      if (opened.has(origin)) {
        abandon()
        return true
      }
      // Failed before it was confirmed (a preload's connect waits through the runtime's load):
      // false, so the caller opens a fresh one.
      if (tcp.destroyed) {
        abandon()
        return false
      }
      if (!secure) {
        watch(tcp, 'connect')
        // It may have connected before it was confirmed.
        if (!tcp.connecting) {
          clearTimeout(timer)
          settle?.resolve()
        }
      }
      // The connect is issued on the next tick; loading node:tls before it would hold it back.
      else
        setImmediate(() => {
          if (tcp.destroyed) {
            abandon()
            return
          }
          try {
            const tls = process.getBuiltinModule('node:tls')
            const secured = tls.connect({
              socket: tcp,
              ...(net.isIP(host) ? {} : { servername: host }),
              // What undici's own connector offers, so the pool treats this connection like its own.
              ALPNProtocols: ['http/1.1', 'h2'],
            })
            secured.unref()
            early.socket = secured
            watch(secured, 'secureConnect')
          } catch {
            abandon()
          }
        })
      ready.catch(() => {
        if (opened.get(origin) === early) opened.delete(origin)
      })
      opened.set(origin, early)
      return true
    },
  }
}

/** Where a preload leaves its connect in progress for the head start (the same key there). */
const PARKED = Symbol.for('atlas-invite-revoker.parked-early-connection')

interface ParkedEarlyConnection {
  readonly url: string
  readonly pending: PendingEarlyConnection
}

/**
 * Starts the connect to `url` as `beginEarlyConnection` does and leaves it, unconfirmed, for
 * the head start to take: for a preload that runs before Lambda's runtime and the function's
 * own code load (lib/triggers/preconnect.ts). At most one is parked; a second call does nothing.
 */
export function parkEarlyConnection(url: string, timeoutMs = 3_000): void {
  const holder = globalThis as { [PARKED]?: ParkedEarlyConnection }
  if (holder[PARKED]) return
  const pending = beginEarlyConnection(url, timeoutMs)
  if (pending) holder[PARKED] = { url, pending }
}

/**
 * The connect a preload parked for `url`, which is then the caller's to confirm or abandon;
 * `undefined` if none was. One parked for another URL (or when `url` is `undefined`: nothing
 * may connect early) is abandoned, having carried nothing.
 */
export function takeParkedEarlyConnection(
  url: string | undefined,
): PendingEarlyConnection | undefined {
  const holder = globalThis as { [PARKED]?: ParkedEarlyConnection }
  const parked = holder[PARKED]
  delete holder[PARKED]
  if (!parked) return undefined
  if (parked.url === url) return parked.pending
  parked.pending.abandon()
  return undefined
}

/** Opens a connection to `origin` (a validated Atlas origin) for the dispatcher to adopt. */
export function openEarlyConnection(origin: string, timeoutMs = 3_000): void {
  beginEarlyConnection(origin, timeoutMs)?.confirm(origin)
}

/** Closes `origin`'s early connection, if one was opened and not adopted (INIT gave up). */
export function closeEarlyConnection(origin: string): void {
  const opened = registry()
  opened.get(origin)?.socket.destroy()
  opened.delete(origin)
}
