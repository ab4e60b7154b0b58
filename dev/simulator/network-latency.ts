/**
 * A model of the network between a Lambda function and a service, for a server on loopback:
 * every answer takes one round trip (`rttMs`), and a new connection is not ready before
 * `connectionMs` after the client opened it (a stand-in for the TCP and TLS handshakes).
 * The handshake runs from the moment the connection was accepted, as a real one would, so a
 * client that connects early and asks later pays only the round trip.
 */
import type { Server } from 'node:http'
import type { Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

export interface NetworkLatencySettings {
  /** Per request: the time to the answer. Default 0. */
  readonly rttMs?: number
  /** Per new connection, counted from the accept. Default 0. */
  readonly connectionMs?: number
}

export class NetworkLatency {
  readonly rttMs: number
  readonly connectionMs: number
  readonly #acceptedAt = new WeakMap<Socket, number>()

  constructor(settings: NetworkLatencySettings = {}) {
    this.rttMs = settings.rttMs ?? 0
    this.connectionMs = settings.connectionMs ?? 0
  }

  /** Notes when each connection to `server` was accepted. */
  watch(server: Server): void {
    server.on('connection', (socket: Socket) => this.#acceptedAt.set(socket, performance.now()))
  }

  /** Milliseconds to wait before answering a request that arrived on `socket` now. */
  delayFor(socket: Socket, now = performance.now()): number {
    const accepted = this.#acceptedAt.get(socket)
    // A socket not seen accepted (a server not watched): no handshake to model.
    const handshakeLeft =
      accepted === undefined ? 0 : Math.max(0, accepted + this.connectionMs - now)
    return handshakeLeft + this.rttMs
  }

  /** Waits as the network would before the answer to a request on `socket`. */
  async wait(socket: Socket, extraMs = 0): Promise<void> {
    const delay = this.delayFor(socket) + extraMs
    if (delay > 0) await sleep(delay)
  }
}
