/**
 * Remembers the last Digest challenge per (origin, username) so later requests can answer it
 * up front, and counts `nc` per nonce. Also lets concurrent first requests share one challenge.
 *
 * A nonce's count only ever grows, whatever the concurrency: a challenge repeating the nonce in
 * use keeps its count, and the counts of recent nonces outlive their cache entry, because a
 * server that hands out one nonce per time window (Apache's style) may offer the same nonce
 * again after we dropped it, and refuses any `nc` it has seen.
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

export class NonceCache {
  readonly #entries = new Map<string, Entry>()
  /** Last count used per `key nonce`, most recent last. */
  readonly #counts = new Map<string, number>()
  readonly #pending = new Map<string, { promise: Promise<void>; settle: () => void }>()
  /** Challenges fetched before any credentials were known, per origin, not yet claimed. */
  readonly #offered = new Map<string, DigestChallenge>()

  /** Takes the next nonce count for `key`, or `undefined` before the first challenge. */
  use(key: string): NonceUse | undefined {
    const entry = this.#entries.get(key)
    if (!entry) return undefined
    entry.count += 1
    this.#keepCount(key, entry)
    return { challenge: entry.challenge, count: entry.count }
  }

  /** Answers `challenge` from now on; a nonce seen before keeps counting where it was. */
  remember(key: string, challenge: DigestChallenge): void {
    const current = this.#entries.get(key)
    const count =
      current?.challenge.nonce === challenge.nonce
        ? current.count
        : (this.#counts.get(`${key} ${challenge.nonce}`) ?? 0)
    this.#entries.set(key, { challenge, count })
  }

  /** Stops answering `nonce` up front (the server refused our answer to it). */
  drop(key: string, nonce: string): void {
    if (this.#entries.get(key)?.challenge.nonce === nonce) this.#entries.delete(key)
  }

  #keepCount(key: string, entry: Entry): void {
    const id = `${key} ${entry.challenge.nonce}`
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
