/**
 * A cold start's first connection to Atlas, as the process-wide dispatcher adopts it: opened
 * before anything else loaded (early-connection-open.ts), handed over once, and only if it
 * connected. One that failed, or that nobody adopts, is simply not used.
 */
import type { Socket } from 'node:net'

export interface EarlyConnection {
  /** The socket to hand over: the TCP one, then the TLS one wrapping it (https). */
  socket: Socket
  /** Resolves once the socket is connected (TLS included); rejects if it failed first. */
  readonly ready: Promise<void>
}

/**
 * Where early-connection-open.ts leaves its connections (the same key there): process-wide,
 * so that module stays in the entry's own file and this one in the dispatcher's.
 */
const REGISTRY = Symbol.for('atlas-invite-revoker.early-connections')

function registry(): Map<string, EarlyConnection> {
  const holder = globalThis as { [REGISTRY]?: Map<string, EarlyConnection> }
  holder[REGISTRY] ??= new Map()
  return holder[REGISTRY]
}

/** Whether an early connection to `origin` waits to be adopted. */
export function hasEarlyConnection(origin: string): boolean {
  return registry().has(origin)
}

/**
 * Hands over `origin`'s early connection once it is ready, or `undefined` (none was opened, it
 * was taken already, or it failed) so the caller opens its own.
 */
export async function takeEarlyConnection(origin: string): Promise<Socket | undefined> {
  const opened = registry()
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
