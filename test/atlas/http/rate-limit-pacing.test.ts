import { describe, expect, it } from 'vitest'
import {
  DEFAULT_PACING,
  headerNumber,
  pacingAfter,
  type RateLimitAnswer,
  unpaced,
} from '../../../lib/atlas/http/rate-limit-pacing.ts'

const answer = (overrides: Partial<RateLimitAnswer>): RateLimitAnswer => ({
  status: 200,
  remaining: undefined,
  limit: undefined,
  retryAfterMs: undefined,
  nowMs: 1_000_000,
  random: 0,
  ...overrides,
})

const fresh = unpaced()

describe('pacingAfter', () => {
  it('does not hold back while the bucket is at least half full', () => {
    expect(pacingAfter(fresh, answer({ remaining: 20, limit: 40 })).delayMs).toBe(0)
    expect(pacingAfter(fresh, answer({ remaining: 35, limit: 40 })).delayMs).toBe(0)
  })

  it('below half, spaces requests in proportion to how empty the bucket is', () => {
    const scale = DEFAULT_PACING.initialScaleMs
    expect(pacingAfter(fresh, answer({ remaining: 10, limit: 40 })).delayMs).toBe(scale / 2)
    expect(pacingAfter(fresh, answer({ remaining: 0, limit: 40 })).delayMs).toBe(scale)
    // The level, not the history, decides: back above half, no spacing.
    const spaced = pacingAfter(fresh, answer({ remaining: 0, limit: 40 }))
    expect(pacingAfter(spaced, answer({ remaining: 30, limit: 40 })).delayMs).toBe(0)
  })

  it('after a 429 pauses the scope for Retry-After plus up to half of it, and doubles the scale', () => {
    const early = pacingAfter(
      fresh,
      answer({ status: 429, retryAfterMs: 1_000, random: 0, remaining: 0, limit: 40 }),
    )
    // With the level in the headers, the next answers will set the spacing.
    expect(early).toMatchObject({ scaleMs: 2_000, delayMs: 0, pausedUntil: 1_001_000 })
    // Without it, the requests after the pause are spaced by the scale; no Retry-After: a second.
    expect(pacingAfter(fresh, answer({ status: 429 }))).toMatchObject({
      delayMs: 2_000,
      pausedUntil: 1_001_000,
    })
    const late = pacingAfter(fresh, answer({ status: 429, retryAfterMs: 1_000, random: 0.999 }))
    expect(late.pausedUntil).toBeCloseTo(1_001_499.5)
    // However long Retry-After says, the pause is at most maxPauseMs (plus its jitter).
    const hour = pacingAfter(fresh, answer({ status: 429, retryAfterMs: 3_600_000 }))
    expect(hour.pausedUntil).toBe(1_000_000 + DEFAULT_PACING.maxPauseMs)
    // A later, shorter pause never shortens the one in force.
    expect(pacingAfter(late, answer({ status: 429, retryAfterMs: 0 })).pausedUntil).toBe(
      late.pausedUntil,
    )
  })

  it('learns the scale no faster than once per adjustEveryMs, within its bounds', () => {
    const once = pacingAfter(fresh, answer({ status: 429 }))
    const again = pacingAfter(once, answer({ status: 429, nowMs: 1_000_100 }))
    expect(again.scaleMs).toBe(once.scaleMs)
    let pacing = fresh
    for (let i = 0; i < 40; i++)
      pacing = pacingAfter(pacing, answer({ status: 429, nowMs: 1_000_000 + i * 1_000 }))
    expect(pacing.scaleMs).toBe(DEFAULT_PACING.maxScaleMs)
  })

  it('shrinks the scale while the bucket is nearly full: the containers could go faster', () => {
    const full = pacingAfter(fresh, answer({ remaining: 39, limit: 40 }))
    expect(full.scaleMs).toBe(DEFAULT_PACING.initialScaleMs * 0.7)
    let pacing = fresh
    for (let i = 0; i < 40; i++)
      pacing = pacingAfter(
        pacing,
        answer({ remaining: 40, limit: 40, nowMs: 1_000_000 + i * 1_000 }),
      )
    expect(pacing.scaleMs).toBe(DEFAULT_PACING.minScaleMs)
  })

  it('without RateLimit headers lets what a 429 taught wear off', () => {
    const throttled = pacingAfter(fresh, answer({ status: 429 }))
    const next = pacingAfter(throttled, answer({ nowMs: 1_001_000 }))
    expect(next.delayMs).toBeCloseTo(throttled.delayMs * 0.9)
    expect(next.scaleMs).toBeCloseTo(throttled.scaleMs * 0.9)
    expect(pacingAfter({ ...fresh, delayMs: 4 }, answer({})).delayMs).toBe(0)
  })
})

describe('headerNumber', () => {
  it('reads whole numbers only', () => {
    expect(headerNumber('12')).toBe(12)
    expect(headerNumber(['3', '4'])).toBe(3)
    expect(headerNumber('1.5')).toBeUndefined()
    expect(headerNumber('')).toBeUndefined()
    expect(headerNumber(undefined)).toBeUndefined()
  })
})
