/**
 * The one schema every entry point accepts:
 *
 * - `{"orgId", "invitationId"}`: one invitation;
 * - `{"orgId", "username"}`: that person's pending invitations in one organization;
 * - `{"username"}` (or with `"orgIds": [...]`): the person's pending invitations everywhere the
 *   deployment may look (HR systems know the email, not the organization).
 *
 * `"dryRun": true` asks for a report of what would be revoked, revoking nothing. Unknown fields
 * are ignored, except one that, ignored, would make the request do more than its sender meant
 * (by its name and value: `"preview": true`, `"organizationId": "<atlas id>"`): that one is
 * refused, naming the field meant and the fields given (`lookalike-fields.ts` decides which).
 * A username is trimmed and lower-cased, the form in which it is compared and sent.
 */

import {
  atlasId,
  emailAddress,
  type InvitationRef,
  MAX_USERNAME_LENGTH,
  type Username,
} from '../atlas/api/index.ts'
import { ValidationError } from '../errors.ts'
import { refuseLookalikes, refuseScopeWords, requiredFieldError } from './lookalike-fields.ts'

export { emailAddress } from '../atlas/api/index.ts'
/** What `parseRevokeRequest` throws for a field that looks meant for a known one. */
export { UnknownFieldError } from './lookalike-fields.ts'

export type RevokeRequest =
  | ({ readonly kind: 'invitation'; readonly dryRun: boolean } & InvitationRef)
  | {
      readonly kind: 'username'
      readonly username: Username
      /** The organizations to search; absent: every one the deployment may look in. */
      readonly orgIds?: readonly string[]
      readonly dryRun: boolean
    }

const MAX_ORG_IDS = 100

/**
 * @example
 * parseRevokeRequest({ orgId: 'a012…', username: ' Leaver@Example.com ' })
 * // → { kind: 'username', orgIds: ['a012…'], username: 'leaver@example.com', dryRun: false }
 * parseRevokeRequest({ username: 'leaver@example.com', dryRun: true })
 * // → { kind: 'username', username: 'leaver@example.com', dryRun: true }
 */
export function parseRevokeRequest(input: unknown): RevokeRequest {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError(
      'body',
      'must be a JSON object with orgId and invitationId, or username (and orgId or orgIds)',
    )
  }
  const fields = input as Record<string, unknown>
  refuseLookalikes(fields)
  const dryRun = flag(fields.dryRun, 'dryRun')
  const hasInvitation = fields.invitationId !== undefined
  const hasUsername = fields.username !== undefined
  if (hasInvitation && hasUsername) {
    throw new ValidationError('username', 'must not be given together with invitationId')
  }
  if (fields.orgId !== undefined && fields.orgIds !== undefined)
    throw new ValidationError('orgIds', 'must not be given together with orgId')
  if (!hasInvitation && !hasUsername) throw requiredFieldError(fields, 'invitationId')
  if (hasInvitation) {
    // An invitation lives in one organization: whatever the word, `orgId` is what it needs.
    if (fields.orgId === undefined) throw requiredFieldError(fields, 'orgId')
    const orgId = atlasId(fields.orgId, 'orgId')
    const invitationId = atlasId(fields.invitationId, 'invitationId')
    // An organization id pasted as the invitation id: Atlas's "not found" could not tell them apart.
    if (invitationId === orgId) throw new ValidationError('invitationId', 'must differ from orgId')
    refuseScopeWords(fields, 'invitation')
    return { kind: 'invitation', orgId, invitationId, dryRun }
  }
  const orgIds =
    fields.orgId !== undefined ? [atlasId(fields.orgId, 'orgId')] : orgIdList(fields.orgIds)
  refuseScopeWords(fields, 'username')
  return {
    kind: 'username',
    username: username(fields.username),
    ...(orgIds === undefined ? {} : { orgIds }),
    dryRun,
  }
}

function username(value: unknown): Username {
  if (typeof value !== 'string')
    throw new ValidationError('username', `must be a string (got ${typeof value})`)
  const address = emailAddress(value)
  if (address === undefined)
    throw new ValidationError(
      'username',
      `must be an email address of at most ${MAX_USERNAME_LENGTH} characters`,
    )
  return address
}

/** A request in the input schema every entry point accepts: how it is handed over. */
export type RevokeInput =
  | { readonly orgId: string; readonly invitationId: string; readonly dryRun: boolean }
  | { readonly username: string; readonly orgIds?: readonly string[]; readonly dryRun: boolean }

/**
 * @example
 * toRevokeInput(parseRevokeRequest({ orgId: 'a012…', username: 'Leaver@Example.com' }))
 * // → { username: 'leaver@example.com', orgIds: ['a012…'], dryRun: false }
 */
export function toRevokeInput(request: RevokeRequest): RevokeInput {
  return request.kind === 'invitation'
    ? { orgId: request.orgId, invitationId: request.invitationId, dryRun: request.dryRun }
    : {
        username: request.username,
        ...(request.orgIds === undefined ? {} : { orgIds: request.orgIds }),
        dryRun: request.dryRun,
      }
}

function orgIdList(value: unknown): string[] | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_ORG_IDS)
    throw new ValidationError('orgIds', `must be a list of 1 to ${MAX_ORG_IDS} organization ids`)
  return [...new Set(value.map((id, index) => atlasId(id, `orgIds[${index}]`)))]
}

function flag(value: unknown, field: string): boolean {
  if (value === undefined) return false
  if (typeof value !== 'boolean') throw new ValidationError(field, 'must be true or false')
  return value
}
