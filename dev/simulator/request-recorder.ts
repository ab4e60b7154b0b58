/**
 * What the simulator counts and logs of the Atlas API requests it receives (admin requests
 * excluded): requests, answers by status, challenges, tokens, connections, concurrency, faults,
 * and the last {@link LOG_SIZE} requests with the status each got.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

export interface SimulatorCounters {
  /** Atlas API requests received (admin requests excluded). */
  requests: number
  byStatus: Record<string, number>
  /** 401 answers carrying a new Digest challenge. */
  challenges: number
  /** Of those, the ones saying `stale=true` (a valid answer to an expired nonce). */
  staleChallenges: number
  /** Service-account tokens issued, and bearer requests refused (unknown or expired token). */
  tokensIssued: number
  bearerRefusals: number
  /** Connections that carried at least one API request. */
  connections: number
  /** Most API requests being answered at the same time. */
  maxInFlight: number
  deletes: number
  resets: number
  hangs: number
}

/** The counters that count events one by one (the rest the recorder keeps itself). */
export type CountedEvent =
  | 'challenges'
  | 'staleChallenges'
  | 'tokensIssued'
  | 'bearerRefusals'
  | 'deletes'
  | 'resets'
  | 'hangs'

/** One API request as the simulator saw it (kept for the last {@link LOG_SIZE} requests). */
export interface LoggedRequest {
  readonly receivedAt: number
  readonly method: string
  readonly target: string
  readonly authorization: string | undefined
  readonly accept: string | undefined
  status?: number
}

const LOG_SIZE = 1000

export class RequestRecorder {
  #counters = emptyCounters()
  #log: LoggedRequest[] = []
  #inFlight = 0
  readonly #sockets = new WeakSet<Socket>()

  /** Logs and counts an API request as it arrives; its entry takes the status it is answered with. */
  arrived(request: IncomingMessage, response: ServerResponse, target: string): LoggedRequest {
    const entry: LoggedRequest = {
      receivedAt: performance.now(),
      method: request.method ?? 'GET',
      target,
      authorization: request.headers.authorization,
      accept: request.headers.accept,
    }
    this.#log.push(entry)
    if (this.#log.length > LOG_SIZE) this.#log.shift()
    this.#counters.requests += 1
    this.#inFlight += 1
    this.#counters.maxInFlight = Math.max(this.#counters.maxInFlight, this.#inFlight)
    response.once('close', () => {
      this.#inFlight -= 1
    })
    if (!this.#sockets.has(request.socket)) {
      this.#sockets.add(request.socket)
      this.#counters.connections += 1
    }
    return entry
  }

  /** Notes the status `entry` was answered with. */
  answered(entry: LoggedRequest, status: number): void {
    entry.status = status
    const key = String(status)
    this.#counters.byStatus[key] = (this.#counters.byStatus[key] ?? 0) + 1
  }

  count(event: CountedEvent): void {
    this.#counters[event] += 1
  }

  counters(): SimulatorCounters {
    return structuredClone(this.#counters)
  }

  /** The most recent API requests, oldest first, with the status each got (none if reset or hung). */
  requests(): readonly LoggedRequest[] {
    return this.#log.map((entry) => ({ ...entry }))
  }

  reset(): void {
    this.#counters = emptyCounters()
    this.#log = []
  }
}

function emptyCounters(): SimulatorCounters {
  return {
    requests: 0,
    byStatus: {},
    staleChallenges: 0,
    tokensIssued: 0,
    bearerRefusals: 0,
    challenges: 0,
    connections: 0,
    maxInFlight: 0,
    deletes: 0,
    resets: 0,
    hangs: 0,
  }
}
