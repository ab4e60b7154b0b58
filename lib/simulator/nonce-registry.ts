/**
 * The simulator's side of Digest nonces: issues them, expires them after a lifetime and
 * rejects a nonce count seen before for the same nonce (replay).
 */
import { randomBytes } from 'node:crypto'

export type NonceCheck = 'fresh' | 'unknown' | 'expired' | 'replayed'

export class NonceRegistry {
  readonly #issued = new Map<string, { issuedAt: number; seen: Set<number> }>()
  readonly #lifetimeMs: number
  readonly #now: () => number

  constructor(lifetimeMs: number, now: () => number = Date.now) {
    this.#lifetimeMs = lifetimeMs
    this.#now = now
  }

  /** A new nonce: 24 random bytes in base64, like Atlas's (so `+` and `/` occur). */
  issue(): string {
    this.#sweep()
    const nonce = randomBytes(24).toString('base64')
    this.#issued.set(nonce, { issuedAt: this.#now(), seen: new Set() })
    return nonce
  }

  /** Checks a nonce and count; a `fresh` answer records the count as used. */
  check(nonce: string, nc: number): NonceCheck {
    const entry = this.#issued.get(nonce)
    if (!entry) return 'unknown'
    if (this.#now() - entry.issuedAt > this.#lifetimeMs) return 'expired'
    if (entry.seen.has(nc)) return 'replayed'
    entry.seen.add(nc)
    return 'fresh'
  }

  /** Forgets nonces long past their lifetime so the map stays small in long runs. */
  #sweep(): void {
    const horizon = this.#now() - 2 * this.#lifetimeMs
    for (const [nonce, entry] of this.#issued) {
      if (entry.issuedAt < horizon) this.#issued.delete(nonce)
    }
  }
}
