import { describe, expect, it } from 'vitest'
import {
  DEFAULT_RETRY_SETTINGS,
  isRetryable,
  mayHaveBeenCarriedOut,
  parseRetryAfter,
  retryDelay,
} from '../../../lib/atlas/http/retry-policy.ts'

const settings = {
  ...DEFAULT_RETRY_SETTINGS,
  maxAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 1000,
  minAttemptMs: 100,
}
const at = (input: Partial<Parameters<typeof retryDelay>[0]>) =>
  retryDelay(
    { attempts: 1, retryAfterMs: undefined, nowMs: 0, deadlineMs: 60_000, random: 0.5, ...input },
    settings,
  )

describe('retryDelay', () => {
  it('draws full jitter from [0, base·2^(n-1)) capped at maxDelayMs', () => {
    expect(at({ attempts: 1, random: 0.5 })).toBe(100)
    expect(at({ attempts: 2, random: 0.5 })).toBe(200)
    expect(at({ attempts: 3, random: 0.999 })).toBe(799)
    const many = { ...settings, maxAttempts: 10 }
    const capped = retryDelay(
      { attempts: 6, retryAfterMs: undefined, nowMs: 0, deadlineMs: 60_000, random: 0.999 },
      many,
    )
    expect(capped).toBe(999) // 200·2^5 = 6400, capped at 1000
    expect(at({ attempts: 1, random: 0 })).toBe(0)
  })

  it('stops after maxAttempts attempts in all', () => {
    expect(at({ attempts: 3 })).toBeDefined()
    expect(at({ attempts: 4 })).toBeUndefined()
  })

  it('counts 429s apart: up to maxThrottledAttempts of them, whatever the other attempts', () => {
    expect(at({ attempts: 1, throttled: settings.maxThrottledAttempts - 1, retryAfterMs: 0 })).toBe(
      0,
    )
    expect(
      at({ attempts: 1, throttled: settings.maxThrottledAttempts, retryAfterMs: 0 }),
    ).toBeUndefined()
  })

  it('waits exactly what Retry-After says, jitter aside', () => {
    expect(at({ retryAfterMs: 3000, random: 0.1 })).toBe(3000)
    expect(at({ retryAfterMs: 0 })).toBe(0)
  })

  it('gives up rather than wait a Retry-After beyond maxRetryAfterMs', () => {
    expect(at({ retryAfterMs: settings.maxRetryAfterMs + 1 })).toBeUndefined()
  })

  it('never plans an attempt that could not finish before the deadline', () => {
    expect(at({ nowMs: 1000, deadlineMs: 1000 + 100 + 100 - 1, random: 0.5 })).toBeUndefined()
    expect(at({ nowMs: 1000, deadlineMs: 1000 + 100 + 100, random: 0.5 })).toBe(100)
    expect(at({ retryAfterMs: 5000, nowMs: 0, deadlineMs: 4000 })).toBeUndefined()
  })
})

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP-dates', () => {
    expect(parseRetryAfter('7', 0)).toBe(7000)
    expect(parseRetryAfter(['2'], 0)).toBe(2000)
    const now = Date.parse('2026-11-26T10:00:00Z')
    expect(parseRetryAfter('Thu, 26 Nov 2026 10:00:05 GMT', now)).toBe(5000)
    expect(parseRetryAfter('Thu, 26 Nov 2026 09:00:00 GMT', now)).toBe(0)
  })

  it('ignores absent and unreadable values', () => {
    expect(parseRetryAfter(undefined, 0)).toBeUndefined()
    expect(parseRetryAfter('', 0)).toBeUndefined()
    expect(parseRetryAfter('soon', 0)).toBeUndefined()
  })
})

describe('isRetryable', () => {
  it('retries 429 and 5xx answers, nothing else with a status', () => {
    for (const status of [429, 500, 502, 503, 504])
      expect(isRetryable({ statusCode: status })).toBe(true)
    for (const status of [400, 401, 403, 404, 409, 501])
      expect(isRetryable({ statusCode: status })).toBe(false)
  })

  it('retries resets, refusals and timeouts, but not an abort', () => {
    for (const code of [
      'ECONNRESET',
      'ECONNREFUSED',
      'UND_ERR_SOCKET',
      'UND_ERR_HEADERS_TIMEOUT',
      'UND_ERR_CONNECT_TIMEOUT',
    ]) {
      expect(isRetryable({ code })).toBe(true)
    }
    expect(isRetryable({ code: 'UND_ERR_ABORTED' })).toBe(false)
    expect(isRetryable({ code: 'UND_ERR_REQ_RETRY', statusCode: 404 })).toBe(false)
    expect(isRetryable({})).toBe(false)
  })
})

describe('mayHaveBeenCarriedOut', () => {
  it('counts a broken or timed-out connection and a 5xx, never a refused connection', () => {
    for (const code of ['ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'EPIPE'])
      expect(mayHaveBeenCarriedOut({ code }), code).toBe(true)
    for (const statusCode of [500, 502, 503, 504])
      expect(mayHaveBeenCarriedOut({ statusCode }), String(statusCode)).toBe(true)
    for (const code of ['ECONNREFUSED', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'ENETUNREACH'])
      expect(mayHaveBeenCarriedOut({ code }), code).toBe(false)
    expect(mayHaveBeenCarriedOut({ statusCode: 429 })).toBe(false)
  })
})
