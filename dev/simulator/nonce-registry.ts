/**
 * The simulator's side of Digest nonces: issues them, expires them after a lifetime and
 * rejects a nonce count seen before for the same nonce (replay). With `windowMs`, nonces are
 * Apache-style: every challenge in the same time window carries the same nonce, so many
 * clients (and many requests of one client) share it and must never repeat a count.
 */
import { randomBytes } from 'node:crypto'

export type NonceCheck = 'fresh' | 'unknown' | 'expired' | 'replayed' | 'reuseRefused'

/**
 * Whether a nonce may answer more than one request. MongoDB does not say whether Atlas accepts a
 * reused nonce, so the simulator offers each way a server may go:
 *
 * - `accepted`: any count not seen before (RFC 7616; the default);
 * - `ordered`: only counts above the highest seen (Apache's `AuthDigestNcCheck On`), so
 *   concurrent requests sharing a nonce that arrive out of order are refused;
 * - `refused`: a nonce answers one request only (`nc=00000001`).
 */
export type NonceReuse = 'accepted' | 'ordered' | 'refused'

export interface NonceRules {
  /** How long an issued nonce is accepted; after that the answer is `stale=true`. */
  readonly lifetimeMs: number
  /** When set, one nonce per window of this length instead of one per challenge. */
  readonly windowMs?: number
}

export class NonceRegistry {
  /** Per nonce: when issued, and the counts seen per client (username). */
  readonly #issued = new Map<string, { issuedAt: number; seen: Map<string, Set<number>> }>()
  readonly #rules: NonceRules
  readonly #now: () => number
  #window: { index: number; nonce: string } | undefined

  constructor(rules: NonceRules, now: () => number = Date.now) {
    this.#rules = rules
    this.#now = now
  }

  /** A nonce for a challenge: 24 random bytes in base64, like Atlas's (so `+` and `/` occur). */
  issue(): string {
    const { windowMs } = this.#rules
    if (windowMs !== undefined) {
      const index = Math.floor(this.#now() / windowMs)
      if (this.#window?.index !== index) this.#window = { index, nonce: this.#fresh() }
      return this.#window.nonce
    }
    return this.#fresh()
  }

  /**
   * Checks a nonce and count; a `fresh` answer records the count as used. Counts are per client
   * (RFC 7616 §3.4: the requests *the client* sent with the nonce), which matters when one
   * windowed nonce serves many clients.
   */
  check(nonce: string, nc: number, client: string, reuse: NonceReuse = 'accepted'): NonceCheck {
    const entry = this.#issued.get(nonce)
    if (!entry) return 'unknown'
    if (this.#now() - entry.issuedAt > this.#lifetimeMs()) return 'expired'
    const seen = entry.seen.get(client) ?? new Set<number>()
    if (seen.has(nc)) return 'replayed'
    if (reuse === 'refused' && nc !== 1) return 'reuseRefused'
    if (reuse === 'ordered' && nc <= Math.max(0, ...seen)) return 'reuseRefused'
    seen.add(nc)
    entry.seen.set(client, seen)
    return 'fresh'
  }

  #fresh(): string {
    this.#sweep()
    const nonce = randomBytes(24).toString('base64')
    this.#issued.set(nonce, { issuedAt: this.#now(), seen: new Map() })
    return nonce
  }

  /** A windowed nonce lives as long as its window (and the configured lifetime at most). */
  #lifetimeMs(): number {
    const { lifetimeMs, windowMs } = this.#rules
    return windowMs === undefined ? lifetimeMs : Math.min(lifetimeMs, windowMs)
  }

  /** Forgets nonces long past their lifetime so the map stays small in long runs. */
  #sweep(): void {
    const horizon = this.#now() - 2 * this.#lifetimeMs()
    for (const [nonce, entry] of this.#issued) {
      if (entry.issuedAt < horizon) this.#issued.delete(nonce)
    }
  }
}
