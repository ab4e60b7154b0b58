/** The identity of one invitation, and the rule both of its ids follow (Atlas's OpenAPI pattern). */
import { ValidationError } from '../../errors.ts'

export interface InvitationRef {
  readonly orgId: string
  readonly invitationId: string
}

export const ATLAS_ID_PATTERN = /^[0-9a-f]{24}$/

export const ATLAS_ID_RULE = 'must be 24 lowercase hex digits'

/** Returns `value` when it is an Atlas id, or throws a ValidationError naming `field`. */
export function atlasId(value: unknown, field: string): string {
  if (value === undefined || value === null || value === '') {
    throw new ValidationError(field, 'is required')
  }
  if (typeof value !== 'string') {
    throw new ValidationError(
      field,
      `must be a string (got ${Array.isArray(value) ? 'array' : typeof value})`,
    )
  }
  if (!ATLAS_ID_PATTERN.test(value)) {
    throw new ValidationError(field, `${ATLAS_ID_RULE} (got ${describe(value)})`)
  }
  return value
}

/**
 * @example
 * invitationRef({ orgId: '5f1d…', invitationId: '6a79…' }) // → the same, typed
 * invitationRef({ orgId: 'acme' })                          // throws: orgId must be 24 lowercase hex digits
 */
export function invitationRef(input: {
  readonly orgId?: unknown
  readonly invitationId?: unknown
}): InvitationRef {
  return {
    orgId: atlasId(input.orgId, 'orgId'),
    invitationId: atlasId(input.invitationId, 'invitationId'),
  }
}

/** A short, printable echo of a bad value, so the caller sees what was sent without a flood. */
function describe(value: string): string {
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value
  return `${JSON.stringify(shown)}, ${value.length} characters`
}
