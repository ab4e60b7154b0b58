/**
 * Remembers the last Digest challenge per (origin, username) so later requests can answer it
 * up front, and counts `nc` per nonce. Also lets concurrent first requests share one challenge.
 */
import type { DigestChallenge } from './challenge.ts'

interface Entry {
  challenge: DigestChallenge
  count: number
}

export interface NonceUse {
  readonly challenge: DigestChallenge
  /** The nonce count for this use, starting at 1 for a new nonce. */
  readonly count: number
}

export class NonceCache {
  readonly #entries = new Map<string, Entry>()
  readonly #pending = new Map<string, { promise: Promise<void>; settle: () => void }>()

  /** Takes the next nonce count for `key`, or `undefined` before the first challenge. */
  use(key: string): NonceUse | undefined {
    const entry = this.#entries.get(key)
    if (!entry) return undefined
    entry.count += 1
    return { challenge: entry.challenge, count: entry.count }
  }

  remember(key: string, challenge: DigestChallenge): void {
    this.#entries.set(key, { challenge, count: 0 })
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
