/**
 * Atlas's rate limit as MongoDB documents it: a token bucket per endpoint set and scope (here,
 * per organization). Each request takes a token; tokens refill at a steady rate up to the
 * bucket's size. An empty bucket answers 429 `RATE_LIMITED_TOKEN_BUCKET` with `Retry-After`.
 * `RateLimit-Limit` / `RateLimit-Remaining` come on most answers but may be absent.
 */

export interface RateLimit {
  /** Tokens added per second. */
  readonly ratePerSecond: number
  /** Bucket size: the burst a full bucket allows. */
  readonly burst: number
  /** Send `RateLimit-Limit` / `RateLimit-Remaining` (Atlas may leave them out). Default true. */
  readonly headers?: boolean
}

export interface RateDecision {
  readonly allowed: boolean
  readonly limit: number
  readonly remaining: number
  /** Whether the answer carries `RateLimit-*` headers. */
  readonly headers: boolean
  /** Whole seconds until a token is back; what a 429's `Retry-After` says. */
  readonly retryAfterSeconds: number
}

/** The recorded `Ratelimit-Limit: 500`, refilled over a minute. */
export const DEFAULT_RATE_LIMIT: RateLimit = { ratePerSecond: 500 / 60, burst: 500 }

/** No limit worth the name: for benchmarks and soaks that measure something else. */
export const UNLIMITED_RATE: RateLimit = { ratePerSecond: 1e9, burst: 1e9 }

export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>()
  #limit: RateLimit
  readonly #now: () => number

  constructor(limit: RateLimit = DEFAULT_RATE_LIMIT, now: () => number = Date.now) {
    this.#limit = limit
    this.#now = now
  }

  configure(limit: RateLimit): void {
    this.#limit = limit
    this.#buckets.clear()
  }

  /** Takes a token from `scope`'s bucket, if there is one. */
  take(scope: string): RateDecision {
    const { ratePerSecond, burst } = this.#limit
    const now = this.#now()
    const bucket = this.#buckets.get(scope) ?? { tokens: burst, at: now }
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * ratePerSecond)
    bucket.at = now
    this.#buckets.set(scope, bucket)
    const allowed = bucket.tokens >= 1
    if (allowed) bucket.tokens -= 1
    return {
      allowed,
      limit: Math.round(burst),
      remaining: Math.max(0, Math.floor(bucket.tokens)),
      headers: this.#limit.headers ?? true,
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerSecond)),
    }
  }
}
