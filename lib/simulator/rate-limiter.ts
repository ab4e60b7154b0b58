/** Per-key request budget in fixed windows, reported the way Atlas does (`Ratelimit-*`). */

export interface RateLimit {
  readonly limit: number
  readonly windowMs: number
}

export interface RateDecision {
  readonly allowed: boolean
  readonly limit: number
  readonly remaining: number
  /** Seconds until the window resets; what a 429's `Retry-After` says. */
  readonly retryAfterSeconds: number
}

export class RateLimiter {
  readonly #windows = new Map<string, { start: number; used: number }>()
  #limit: RateLimit
  readonly #now: () => number

  constructor(limit: RateLimit, now: () => number = Date.now) {
    this.#limit = limit
    this.#now = now
  }

  configure(limit: RateLimit): void {
    this.#limit = limit
    this.#windows.clear()
  }

  take(key: string): RateDecision {
    const now = this.#now()
    let window = this.#windows.get(key)
    if (!window || now - window.start >= this.#limit.windowMs) {
      window = { start: now, used: 0 }
      this.#windows.set(key, window)
    }
    const allowed = window.used < this.#limit.limit
    if (allowed) window.used += 1
    return {
      allowed,
      limit: this.#limit.limit,
      remaining: this.#limit.limit - window.used,
      retryAfterSeconds: Math.max(1, Math.ceil((window.start + this.#limit.windowMs - now) / 1000)),
    }
  }
}
