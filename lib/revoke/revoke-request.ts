/**
 * The one schema every entry point accepts: `{"orgId","invitationId"}` or `{"orgId","username"}`
 * (HR systems know the email, not the invitation id). Unknown fields are ignored; a username is
 * trimmed and lower-cased, the form in which it is compared and sent to Atlas.
 */
import { normalizeUsername } from '../atlas/atlas-lists.ts'
import { atlasId, type InvitationRef } from '../atlas/invitation-ref.ts'
import { ValidationError } from '../errors.ts'

export type RevokeRequest =
  | ({ readonly kind: 'invitation' } & InvitationRef)
  | { readonly kind: 'username'; readonly orgId: string; readonly username: string }

const MAX_USERNAME_LENGTH = 254

/**
 * @example
 * parseRevokeRequest({ orgId: 'a012…', username: ' Leaver@Example.com ' })
 * // → { kind: 'username', orgId: 'a012…', username: 'leaver@example.com' }
 */
export function parseRevokeRequest(input: unknown): RevokeRequest {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError(
      'body',
      'must be a JSON object with orgId and invitationId or username',
    )
  }
  const fields = input as Record<string, unknown>
  const orgId = atlasId(fields.orgId, 'orgId')
  const hasInvitation = fields.invitationId !== undefined
  const hasUsername = fields.username !== undefined
  if (hasInvitation && hasUsername) {
    throw new ValidationError('username', 'must not be given together with invitationId')
  }
  if (hasInvitation)
    return { kind: 'invitation', orgId, invitationId: atlasId(fields.invitationId, 'invitationId') }
  if (hasUsername) return { kind: 'username', orgId, username: username(fields.username) }
  throw new ValidationError('invitationId', 'or username is required')
}

function username(value: unknown): string {
  if (typeof value !== 'string')
    throw new ValidationError('username', `must be a string (got ${typeof value})`)
  const trimmed = normalizeUsername(value)
  if (
    trimmed.length === 0 ||
    trimmed.length > MAX_USERNAME_LENGTH ||
    !/^[^\s@]+@[^\s@]+$/.test(trimmed)
  ) {
    throw new ValidationError(
      'username',
      `must be an email address of at most ${MAX_USERNAME_LENGTH} characters`,
    )
  }
  return trimmed
}
