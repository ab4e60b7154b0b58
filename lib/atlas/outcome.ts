/**
 * What an Atlas answer means for a revocation. Pure: a status, headers and body in, an
 * {@link Outcome} out; the same table serves the CLI, the HTTP function and the queue.
 */
import { parseRetryAfter } from './retry-policy.ts'

export type OutcomeKind =
  | 'revoked'
  | 'already_gone'
  | 'unauthorized'
  | 'forbidden'
  | 'invalid'
  | 'throttled'
  | 'upstream_error'
  /** Users API only: the person accepted the invitation; an active member is never removed. */
  | 'active_member'

export interface Outcome {
  readonly outcome: OutcomeKind
  /** Atlas's status (from the envelope when one was asked for); absent when no answer came. */
  readonly status?: number
  readonly errorCode?: string
  readonly detail?: string
  /** Whether trying again later can change the result. */
  readonly retryable: boolean
  /** From Atlas's `Retry-After`, when it sent one. */
  readonly retryAfterSeconds?: number
}

/** Outcomes after which the invitation no longer exists: the job is done. */
export const SETTLED_OUTCOMES: ReadonlySet<OutcomeKind> = new Set(['revoked', 'already_gone'])

export interface AtlasAnswer {
  readonly status: number
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  /** Parsed JSON, or `undefined` for an empty or non-JSON body. */
  readonly body: unknown
  /** True when the call asked for `envelope=true`: the real status is in the body. */
  readonly envelope: boolean
}

/**
 * @example
 * outcomeOfDelete({ status: 204, headers: {}, body: undefined, envelope: false })
 * // → { outcome: 'revoked', status: 204, retryable: false }
 */
export function outcomeOfDelete(answer: AtlasAnswer, nowMs = Date.now()): Outcome {
  const { status, body } = unwrapEnvelope(answer)
  const error = atlasError(body, answer.headers)
  const base = { status, ...error }
  if (status >= 200 && status < 300) return { outcome: 'revoked', status, retryable: false }
  if (status === 404) return { outcome: 'already_gone', ...base, retryable: false }
  if (status === 401) return { outcome: 'unauthorized', ...base, retryable: false }
  if (status === 403) return { outcome: 'forbidden', ...base, retryable: false }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(answer.headers['retry-after'], nowMs)
    return {
      outcome: 'throttled',
      ...base,
      retryable: true,
      ...(retryAfterMs === undefined ? {} : { retryAfterSeconds: Math.ceil(retryAfterMs / 1000) }),
    }
  }
  if (status >= 400 && status < 500) return { outcome: 'invalid', ...base, retryable: false }
  return { outcome: 'upstream_error', ...base, retryable: true }
}

/** The outcome when no answer came: a network error, a timeout or the deadline. */
export function outcomeOfFailure(code: string | undefined, message: string): Outcome {
  const detail =
    code === 'TimeoutError' || code === 'AbortError'
      ? 'deadline reached before Atlas answered'
      : `${code ?? 'network error'}: ${message}`
  return { outcome: 'upstream_error', detail, retryable: true }
}

/** With `envelope=true` Atlas answers 200 and puts `{status, content}` in the body. */
export function unwrapEnvelope(answer: AtlasAnswer): { status: number; body: unknown } {
  const body = answer.body as { status?: unknown; content?: unknown } | undefined
  if (answer.envelope && answer.status === 200 && typeof body?.status === 'number') {
    return { status: body.status, body: body.content }
  }
  return { status: answer.status, body: answer.body }
}

function atlasError(
  body: unknown,
  headers: AtlasAnswer['headers'],
): { errorCode?: string; detail?: string } {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  const header = headers['x-error-code']
  const errorCode =
    typeof fields.errorCode === 'string'
      ? fields.errorCode
      : typeof header === 'string'
        ? header
        : undefined
  const detail = typeof fields.detail === 'string' ? fields.detail : undefined
  return {
    ...(errorCode === undefined ? {} : { errorCode }),
    ...(detail === undefined ? {} : { detail }),
  }
}
