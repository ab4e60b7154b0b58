import { describe, expect, it } from 'vitest'
import { outcomeOfDelete, outcomeOfFailure } from '../../lib/atlas/outcome.ts'

const answer = (
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
  envelope = false,
) => outcomeOfDelete({ status, body, headers, envelope }, 0)

const atlasError = (status: number, errorCode: string, detail = 'd') => ({
  detail,
  error: status,
  errorCode,
  parameters: [],
  reason: 'r',
})

describe('outcomeOfDelete', () => {
  it.each([
    [204, undefined, 'revoked', false],
    [200, {}, 'revoked', false],
    [404, atlasError(404, 'INVITATION_NOT_FOUND'), 'already_gone', false],
    [401, atlasError(401, 'UNEXPECTED_ERROR'), 'unauthorized', false],
    [403, atlasError(403, 'IP_ADDRESS_NOT_ON_ACCESS_LIST'), 'forbidden', false],
    [400, atlasError(400, 'INVALID_ORG_ID'), 'invalid', false],
    [409, atlasError(409, 'CONFLICT'), 'invalid', false],
    [429, atlasError(429, 'RATE_LIMITED'), 'throttled', true],
    [500, atlasError(500, 'UNEXPECTED_ERROR'), 'upstream_error', true],
    [502, undefined, 'upstream_error', true],
    [503, undefined, 'upstream_error', true],
    [504, undefined, 'upstream_error', true],
    [302, undefined, 'upstream_error', true],
  ])('maps %i to %s', (status, body, outcome, retryable) => {
    expect(answer(status, body)).toMatchObject({ outcome, status, retryable })
  })

  it("carries Atlas's errorCode and detail", () => {
    expect(answer(403, atlasError(403, 'USER_UNAUTHORIZED', 'not an owner'))).toEqual({
      outcome: 'forbidden',
      status: 403,
      errorCode: 'USER_UNAUTHORIZED',
      detail: 'not an owner',
      retryable: false,
    })
  })

  it('falls back to the X-Error-Code header when the body is not JSON', () => {
    expect(answer(404, undefined, { 'x-error-code': 'GROUP_NOT_FOUND' })).toMatchObject({
      outcome: 'already_gone',
      errorCode: 'GROUP_NOT_FOUND',
    })
  })

  it('passes Retry-After on for throttled answers', () => {
    expect(answer(429, atlasError(429, 'RATE_LIMITED'), { 'retry-after': '12' })).toMatchObject({
      outcome: 'throttled',
      retryAfterSeconds: 12,
    })
  })

  it('reads the status from the body when envelope=true was asked for', () => {
    expect(answer(200, { content: {}, status: 204 }, {}, true)).toMatchObject({
      outcome: 'revoked',
      status: 204,
    })
    expect(
      answer(200, { content: atlasError(404, 'INVITATION_NOT_FOUND'), status: 404 }, {}, true),
    ).toMatchObject({
      outcome: 'already_gone',
      status: 404,
      errorCode: 'INVITATION_NOT_FOUND',
    })
    expect(
      answer(200, { content: atlasError(403, 'USER_UNAUTHORIZED'), status: 403 }, {}, true),
    ).toMatchObject({
      outcome: 'forbidden',
    })
  })

  it('does not unwrap a body that only looks like an envelope when none was asked for', () => {
    expect(answer(200, { content: {}, status: 404 }, {}, false)).toMatchObject({
      outcome: 'revoked',
      status: 200,
    })
  })
})

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
