import { describe, expect, it } from 'vitest'
import { formatQuery, unwrapEnvelope } from '../../../lib/atlas/http/response-format.ts'

describe('formatQuery', () => {
  it('asks only for what is set', () => {
    expect(formatQuery({ pretty: true })).toEqual({ pretty: 'true', envelope: undefined })
    expect(formatQuery()).toEqual({ pretty: undefined, envelope: undefined })
  })
})

describe('unwrapEnvelope', () => {
  it('reads the status and body from the envelope when one was asked for', () => {
    expect(unwrapEnvelope(200, { content: {}, status: 204 }, 'json', true)).toEqual({
      status: 204,
      body: {},
      bodyKind: 'empty',
    })
    expect(unwrapEnvelope(200, { content: { errorCode: 'X' }, status: 404 }, 'json', true)).toEqual(
      { status: 404, body: { errorCode: 'X' }, bodyKind: 'json' },
    )
  })

  it('keeps a paginated list whole: the spec adds status beside its results', () => {
    const list = { links: [], results: [{ id: 'a' }], totalCount: 1 }
    expect(unwrapEnvelope(200, { ...list, status: 200 }, 'json', true)).toEqual({
      status: 200,
      body: list,
      bodyKind: 'json',
    })
  })

  it('calls an envelope without a numeric status something else, never a success', () => {
    expect(unwrapEnvelope(200, { content: {} }, 'json', true).bodyKind).toBe('other')
    expect(unwrapEnvelope(200, undefined, 'other', true).bodyKind).toBe('other')
  })

  it('leaves a body that only looks like an envelope alone when none was asked for', () => {
    expect(unwrapEnvelope(200, { content: {}, status: 404 }, 'json', false)).toEqual({
      status: 200,
      body: { content: {}, status: 404 },
      bodyKind: 'json',
    })
  })

  it('leaves non-200 answers (the Digest challenge comes unwrapped) alone', () => {
    expect(unwrapEnvelope(401, { error: 401 }, 'json', true)).toEqual({
      status: 401,
      body: { error: 401 },
      bodyKind: 'json',
    })
  })
})
