import { describe, expect, it } from 'vitest'
import { formatQuery, unwrapEnvelope } from '../../lib/atlas/response-format.ts'

describe('formatQuery', () => {
  it('asks only for what is set', () => {
    expect(formatQuery({ pretty: true })).toEqual({ pretty: 'true', envelope: undefined })
    expect(formatQuery()).toEqual({ pretty: undefined, envelope: undefined })
  })
})

describe('unwrapEnvelope', () => {
  it('reads the status and body from the envelope when one was asked for', () => {
    expect(unwrapEnvelope(200, { content: {}, status: 204 }, true)).toEqual({
      status: 204,
      body: {},
    })
    expect(unwrapEnvelope(200, { content: { errorCode: 'X' }, status: 404 }, true)).toEqual({
      status: 404,
      body: { errorCode: 'X' },
    })
  })

  it('leaves a body that only looks like an envelope alone when none was asked for', () => {
    expect(unwrapEnvelope(200, { content: {}, status: 404 }, false)).toEqual({
      status: 200,
      body: { content: {}, status: 404 },
    })
  })

  it('leaves non-200 answers (the Digest challenge comes unwrapped) alone', () => {
    expect(unwrapEnvelope(401, { error: 401 }, true)).toEqual({ status: 401, body: { error: 401 } })
  })
})
