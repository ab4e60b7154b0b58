import { describe, expect, it } from 'vitest'
import { outcomeOfFailure, outcomeOfTokenRefusal } from '../../../lib/atlas/http/failure-outcome.ts'

describe('outcomeOfFailure', () => {
  it('is a retryable upstream_error naming the network error', () => {
    expect(outcomeOfFailure('ECONNRESET', 'socket hang up')).toEqual({
      outcome: 'upstream_error',
      detail: 'ECONNRESET: socket hang up',
      retryable: true,
    })
  })

  it('says so when the deadline ended the call', () => {
    expect(
      outcomeOfFailure('TimeoutError', 'The operation was aborted due to timeout').detail,
    ).toBe('deadline reached before Atlas answered')
  })
})

describe('outcomeOfTokenRefusal', () => {
  it('is never a success: a refusal is our credentials, anything else an outage', () => {
    expect(outcomeOfTokenRefusal(200).outcome).toBe('upstream_error')
    expect(outcomeOfTokenRefusal(204).outcome).toBe('upstream_error')
    expect(outcomeOfTokenRefusal(400).outcome).toBe('unauthorized')
    expect(outcomeOfTokenRefusal(401).outcome).toBe('unauthorized')
    expect(outcomeOfTokenRefusal(429).outcome).toBe('throttled')
    expect(outcomeOfTokenRefusal(503)).toMatchObject({ outcome: 'upstream_error', retryable: true })
  })
})
