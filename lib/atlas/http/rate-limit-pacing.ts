/**
 * How fast to send to one Atlas rate-limit scope (an organization or a project), from what
 * Atlas says about its token bucket. Pure: the interceptor (rate-limit-interceptor.ts) feeds it
 * answers and asks it when the next request may go.
 *
 * Several containers share one bucket and cannot talk to each other, but each sees the
 * bucket's level in `RateLimit-Remaining` ÷ `RateLimit-Limit`. Above half full a container does
 * not hold back; below, it spaces its requests in proportion to how empty the bucket is:
 * `delay = scale × (1 − level ÷ ½)`. Every container reacts at once to the same level, so
 * together they settle where their combined rate matches the refill, with tokens left over:
 * no 429s (each is a request spent) and no full bucket (each token past the capacity is time
 * lost). `scale` is learnt: a 429 (the bucket ran dry: the containers are more, or the refill
 * slower, than it assumed) doubles it and pauses the scope for `Retry-After` plus jitter, so
 * the containers that hit it do not all come back at once; a nearly full bucket shrinks it.
 * Without the headers (Atlas may leave them out) only 429s slow a scope down: after the pause
 * requests go `scale` apart, and each answer that is not a 429 lets scale and spacing wear
 * off. A pause never exceeds `maxPauseMs`, whatever `Retry-After` says.
 */

/** The error code of a request the pacing would have held past its deadline (never sent). */
export const RATE_LIMIT_WAIT = 'RATE_LIMIT_WAIT'

export interface PacingSettings {
  /** The spacing at an empty bucket, before anything was learnt. */
  readonly initialScaleMs: number
  readonly minScaleMs: number
  readonly maxScaleMs: number
  /** Above this fraction of the limit, no spacing; above `fullWater`, `scale` shrinks. */
  readonly highWater: number
  readonly fullWater: number
  /** Up to this fraction of `Retry-After` is added at random to a 429's pause. */
  readonly retryJitter: number
  /** `scale` changes at most once per this long, however many answers come in. */
  readonly adjustEveryMs: number
  /** A 429's pause never lasts longer (the retry policy gives up on longer waits anyway). */
  readonly maxPauseMs: number
}

export const DEFAULT_PACING: PacingSettings = {
  initialScaleMs: 1_000,
  minScaleMs: 50,
  maxScaleMs: 60_000,
  highWater: 0.5,
  fullWater: 0.9,
  retryJitter: 0.5,
  adjustEveryMs: 500,
  maxPauseMs: 60_000,
}

export interface Pacing {
  /** Milliseconds between this container's requests to the scope. */
  readonly delayMs: number
  /** The spacing at an empty bucket (learnt). */
  readonly scaleMs: number
  /** No request before this (epoch ms): a 429's `Retry-After`, with jitter. */
  readonly pausedUntil: number
  /** When `scale` last changed (epoch ms). */
  readonly adjustedAt: number
}

export function unpaced(settings: PacingSettings = DEFAULT_PACING): Pacing {
  return { delayMs: 0, scaleMs: settings.initialScaleMs, pausedUntil: 0, adjustedAt: 0 }
}

export interface RateLimitAnswer {
  readonly status: number
  /** `RateLimit-Remaining` / `RateLimit-Limit`, when Atlas sent them. */
  readonly remaining: number | undefined
  readonly limit: number | undefined
  /** A 429's `Retry-After`, in milliseconds. */
  readonly retryAfterMs: number | undefined
  readonly nowMs: number
  /** A number in [0, 1): the jitter. */
  readonly random: number
}

/** The pacing after `answer`. */
export function pacingAfter(
  pacing: Pacing,
  answer: RateLimitAnswer,
  settings: PacingSettings = DEFAULT_PACING,
): Pacing {
  const due = answer.nowMs - pacing.adjustedAt >= settings.adjustEveryMs
  const scaled = (factor: number): Pick<Pacing, 'scaleMs' | 'adjustedAt'> =>
    due
      ? {
          scaleMs: Math.min(
            settings.maxScaleMs,
            Math.max(settings.minScaleMs, pacing.scaleMs * factor),
          ),
          adjustedAt: answer.nowMs,
        }
      : pacing
  if (answer.status === 429) {
    const retryAfter = Math.min(answer.retryAfterMs ?? 1_000, settings.maxPauseMs)
    const pause = retryAfter * (1 + settings.retryJitter * answer.random)
    const { scaleMs, adjustedAt } = scaled(2)
    return {
      // With the bucket's level in the headers, the next answers set the spacing; without it,
      // the requests after the pause are spaced by the scale, which wears off answer by answer.
      delayMs: answer.remaining === undefined ? scaleMs : pacing.delayMs,
      scaleMs,
      adjustedAt,
      pausedUntil: Math.max(pacing.pausedUntil, answer.nowMs + pause),
    }
  }
  if (answer.remaining === undefined || answer.limit === undefined || answer.limit <= 0) {
    // No level to go by: what a 429 taught wears off with each answer that is not one.
    const { scaleMs, adjustedAt } = scaled(0.9)
    const delayMs = pacing.delayMs * 0.9
    return {
      ...pacing,
      scaleMs,
      adjustedAt,
      delayMs: delayMs < settings.minScaleMs / 10 ? 0 : delayMs,
    }
  }
  const level = Math.min(1, answer.remaining / answer.limit)
  const { scaleMs, adjustedAt } = level >= settings.fullWater ? scaled(0.7) : pacing
  const delayMs = level >= settings.highWater ? 0 : scaleMs * (1 - level / settings.highWater)
  return { ...pacing, delayMs, scaleMs, adjustedAt }
}

/**
 * The rate-limit scope a call spends, set by the endpoint that builds it: Atlas limits each
 * organization and each project apart. Calls without one share the key's global scope.
 */
export function rateLimitScope(owner: 'orgs' | 'groups', id: string): string {
  return `${owner}/${id.toLowerCase()}`
}

/** A `RateLimit-*` header as a number, if it is one. */
export function headerNumber(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value
  if (text === undefined || !/^\s*\d+\s*$/.test(text)) return undefined
  return Number(text)
}
