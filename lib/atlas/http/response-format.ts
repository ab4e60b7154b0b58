/**
 * Atlas's response options `pretty=true` (indented JSON) and `envelope=true` (status and body
 * wrapped in a 200). Only the operator CLI asks for them; the Atlas client adds them to the
 * query and unwraps the envelope, so no other layer ever sees one.
 */

export interface ResponseFormat {
  /** `pretty=true`: Atlas indents the JSON it returns. */
  readonly pretty?: boolean
  /** `envelope=true`: Atlas answers 200 with `{status, content}` in the body. */
  readonly envelope?: boolean
}

export function formatQuery(format: ResponseFormat = {}): Record<string, string | undefined> {
  return {
    pretty: format.pretty ? 'true' : undefined,
    envelope: format.envelope ? 'true' : undefined,
  }
}

/** What an answer's body was: nothing, JSON, or something else (an HTML page, a broken envelope). */
export type BodyKind = 'empty' | 'json' | 'other'

/**
 * The real status and body of an answer to a call that asked for `envelope=true`. Atlas wraps
 * a single resource as `{status, content}`; a paginated list keeps its `{results, …}` object and
 * gains `status` beside them. An envelope without a numeric status is not one: `other`.
 *
 * @example
 * unwrapEnvelope(200, { status: 404, content: { errorCode: 'X' } }, 'json', true)
 * // → { status: 404, body: { errorCode: 'X' }, bodyKind: 'json' }
 */
export function unwrapEnvelope(
  status: number,
  body: unknown,
  bodyKind: BodyKind,
  envelope: boolean,
): { status: number; body: unknown; bodyKind: BodyKind } {
  if (!envelope || status !== 200 || bodyKind !== 'json') return { status, body, bodyKind }
  const wrapped = body as { status?: unknown; content?: unknown; results?: unknown } | null
  if (typeof wrapped?.status !== 'number') return { status, body, bodyKind: 'other' }
  if ('content' in wrapped) {
    const content = wrapped.content
    const isEmpty = content === undefined || content === null || isEmptyObject(content)
    return { status: wrapped.status, body: content, bodyKind: isEmpty ? 'empty' : 'json' }
  }
  const { status: real, ...list } = wrapped
  return { status: real, body: list, bodyKind: 'json' }
}

function isEmptyObject(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 0
  )
}
