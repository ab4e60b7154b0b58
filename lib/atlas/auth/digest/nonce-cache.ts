/**
 * Remembers the last Digest challenge per (origin, username) so later requests can answer it
 * up front, and counts `nc` per nonce. Also lets concurrent first requests share one challenge.
 *
 * A nonce's count only ever grows, whatever the concurrency: a challenge repeating the nonce in
 * use keeps its count, and the counts of recent nonces outlive their cache entry, because a
 * server that hands out one nonce per time window (Apache's style) may offer the same nonce
 * again after we dropped it, and refuses any `nc` it has seen. Counts belong to a nonce and its
 * `opaque`: a challenge with a new `opaque` is a new client context, counted from 1.
 *
 * Whether Atlas accepts a nonce answering several requests is not published. A server that
 * refuses reuse twice gets none from then on: each request answers a challenge of its own.
 */
import type { DigestChallenge } from './challenge.ts'

interface Entry {
  readonly challenge: DigestChallenge
  count: number
}

export interface NonceUse {
  readonly challenge: DigestChallenge
  /** The nonce count for this use: 1 for a new nonce, then one more each time. */
  readonly count: number
}

/** Nonces whose last count is kept after they leave the cache (a small, bounded memory). */
const REMEMBERED_COUNTS = 64

/** Refusals of a reused nonce after which a key stops reusing nonces. */
export const REUSE_REFUSALS_TO_STOP = 2

export class NonceCache {
  readonly #entries = new Map<string, Entry>()
  /** Last count used per `key nonce`, most recent last. */
  readonly #counts = new Map<string, number>()
  readonly #pending = new Map<string, { promise: Promise<void>; settle: () => void }>()
  /** Challenges fetched before any credentials were known, per origin, not yet claimed. */
  readonly #offered = new Map<string, DigestChallenge>()
  /** Refusals of a reused nonce, per key. */
  readonly #reuseRefusals = new Map<string, number>()

  /** Takes the next nonce count for `key`, or `undefined` before the first challenge (or when reuse stopped). */
  use(key: string): NonceUse | undefined {
    const entry = this.#entries.get(key)
    if (!entry || this.reuseStopped(key)) return undefined
    return this.#next(key, entry)
  }

  /** The next count for a challenge a request answers on its own, outside the shared cache. */
  useOwn(key: string, challenge: DigestChallenge): NonceUse {
    const cached = this.#entries.get(key)
    const shared = cached && countId(key, cached.challenge) === countId(key, challenge)
    return this.#next(key, shared ? cached : { challenge, count: 0 })
  }

  /** One more use of `entry`'s nonce: its count grows past every count it was ever used with. */
  #next(key: string, entry: Entry): NonceUse {
    entry.count = Math.max(entry.count, this.#counts.get(countId(key, entry.challenge)) ?? 0) + 1
    this.#keepCount(key, entry)
    return { challenge: entry.challenge, count: entry.count }
  }

  /** Answers `challenge` from now on; a nonce seen before keeps counting where it was. */
  remember(key: string, challenge: DigestChallenge): void {
    const current = this.#entries.get(key)
    const count =
      current && countId(key, current.challenge) === countId(key, challenge)
        ? current.count
        : (this.#counts.get(countId(key, challenge)) ?? 0)
    this.#entries.set(key, { challenge, count })
  }

  /** The server refused a reused nonce of `key`; true when that stops reuse for it (just now). */
  noteReuseRefused(key: string): boolean {
    const refusals = (this.#reuseRefusals.get(key) ?? 0) + 1
    this.#reuseRefusals.set(key, refusals)
    return refusals === REUSE_REFUSALS_TO_STOP
  }

  /** Whether `key` answers a fresh challenge per request (the server refused reuse). */
  reuseStopped(key: string): boolean {
    return (this.#reuseRefusals.get(key) ?? 0) >= REUSE_REFUSALS_TO_STOP
  }

  /** Stops answering `nonce` up front (the server refused our answer to it). */
  drop(key: string, nonce: string): void {
    if (this.#entries.get(key)?.challenge.nonce === nonce) this.#entries.delete(key)
  }

  #keepCount(key: string, entry: Entry): void {
    const id = countId(key, entry.challenge)
    this.#counts.delete(id)
    this.#counts.set(id, entry.count)
    if (this.#counts.size > REMEMBERED_COUNTS) {
      const oldest = this.#counts.keys().next().value
      if (oldest !== undefined) this.#counts.delete(oldest)
    }
  }

  /**
   * Keeps a challenge fetched without credentials (a cold start's warm-up) for the first key of
   * `origin` to claim: a server issues a nonce before it knows who will answer it.
   */
  offer(origin: string, challenge: DigestChallenge): void {
    this.#offered.set(origin, challenge)
  }

  /** Makes `origin`'s offered challenge `key`'s own; true when there was one. */
  claimOffered(origin: string, key: string): boolean {
    const challenge = this.#offered.get(origin)
    if (!challenge) return false
    this.#offered.delete(origin)
    this.remember(key, challenge)
    return true
  }

  has(key: string): boolean {
    return this.#entries.has(key)
  }

  /** The wait for a challenge another request is fetching for `key`, if any. */
  pendingChallenge(key: string): Promise<void> | undefined {
    return this.#pending.get(key)?.promise
  }

  /** Marks `key` as being challenged; returns the function that ends the wait. */
  expectChallenge(key: string): () => void {
    let settle = () => {}
    const promise = new Promise<void>((resolve) => {
      settle = () => {
        if (this.#pending.get(key)?.promise === promise) this.#pending.delete(key)
        resolve()
      }
    })
    this.#pending.set(key, { promise, settle })
    return settle
  }
}

/** Counts are per key, nonce and opaque. */
function countId(key: string, challenge: DigestChallenge): string {
  return `${key} ${challenge.nonce} ${challenge.opaque ?? ''}`
}
