import { describe, expect, it } from 'vitest'
import { outcomeOfRefusal, unexpectedAnswer } from '../../../lib/atlas/api/answer-outcome.ts'

const answer = (status: number, body?: unknown, headers: Record<string, string> = {}) =>
  outcomeOfRefusal({ status, body, headers }, 0)

const atlasError = (status: number, errorCode: string, detail = 'd') => ({
  detail,
  error: status,
  errorCode,
  parameters: [],
  reason: 'r',
})

describe('outcomeOfRefusal', () => {
  it.each([
    [401, atlasError(401, 'UNEXPECTED_ERROR'), 'unauthorized', false],
    [403, atlasError(403, 'IP_ADDRESS_NOT_ON_ACCESS_LIST'), 'forbidden', false],
    [400, atlasError(400, 'INVALID_ORG_ID'), 'invalid', false],
    [409, atlasError(409, 'CONFLICT'), 'invalid', false],
    [410, atlasError(410, 'VERSION_GONE'), 'invalid', false],
    [429, atlasError(429, 'RATE_LIMITED_TOKEN_BUCKET'), 'throttled', true],
    [500, atlasError(500, 'UNEXPECTED_ERROR'), 'upstream_error', true],
    [502, undefined, 'upstream_error', true],
    [503, undefined, 'upstream_error', true],
    [504, undefined, 'upstream_error', true],
    [302, undefined, 'upstream_error', true],
  ])('maps %i to %s', (status, body, outcome, retryable) => {
    expect(answer(status, body)).toMatchObject({ outcome, status, retryable })
  })

  it('never settles a 404 on its own: without evidence it is an upstream_error', () => {
    expect(answer(404, atlasError(404, 'INVITATION_NOT_FOUND'))).toMatchObject({
      outcome: 'upstream_error',
      status: 404,
      retryable: true,
    })
    expect(answer(404, undefined).detail).toBe('Atlas answered 404 without naming what is missing')
  })

  it("carries Atlas's errorCode and detail, the detail apart from ours", () => {
    expect(answer(403, atlasError(403, 'USER_UNAUTHORIZED', 'not an owner'))).toEqual({
      outcome: 'forbidden',
      status: 403,
      errorCode: 'USER_UNAUTHORIZED',
      atlasDetail: 'not an owner',
      detail: expect.stringContaining('Organization Owner'),
      retryable: false,
    })
  })

  it('falls back to the X-Error-Code header when the body is not JSON', () => {
    expect(answer(403, undefined, { 'x-error-code': 'USER_UNAUTHORIZED' })).toMatchObject({
      outcome: 'forbidden',
      errorCode: 'USER_UNAUTHORIZED',
    })
  })

  it('passes Retry-After on for throttled answers', () => {
    expect(
      answer(429, atlasError(429, 'RATE_LIMITED_TOKEN_BUCKET'), { 'retry-after': '12' }),
    ).toMatchObject({
      outcome: 'throttled',
      retryAfterSeconds: 12,
    })
  })
})

describe('unexpectedAnswer', () => {
  it('is a retryable upstream_error saying what was not in the documented shape', () => {
    expect(unexpectedAnswer({ status: 200, headers: {}, body: undefined }, 'the list')).toEqual({
      outcome: 'upstream_error',
      status: 200,
      detail: 'Atlas answered the list in an undocumented shape',
      retryable: true,
    })
  })
})
