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

/**
 * The real status and body of an answer to a call that asked for `envelope=true`.
 *
 * @example
 * unwrapEnvelope(200, { status: 404, content: { errorCode: 'X' } }, true) // → { status: 404, body: { errorCode: 'X' } }
 */
export function unwrapEnvelope(
  status: number,
  body: unknown,
  envelope: boolean,
): { status: number; body: unknown } {
  const wrapped = body as { status?: unknown; content?: unknown } | undefined
  if (envelope && status === 200 && typeof wrapped?.status === 'number') {
    return { status: wrapped.status, body: wrapped.content }
  }
  return { status, body }
}
