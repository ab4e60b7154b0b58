/**
 * The one schema every entry point accepts:
 *
 * - `{"orgId", "invitationId"}`: one invitation;
 * - `{"orgId", "username"}`: that person's pending invitations in one organization;
 * - `{"username"}` (or with `"orgIds": [...]`): the person's pending invitations everywhere the
 *   deployment may look (HR systems know the email, not the organization).
 *
 * `"dryRun": true` asks for a report of what would be revoked, revoking nothing. Unknown fields
 * are ignored, except a near miss of a known one (`userName`, `orgID`, `dry_run`, `invitationIds`),
 * which is refused naming the field meant and the fields given: ignoring it would change what
 * the request does (`orgID` ignored searches everywhere, `dry_run` ignored revokes). A request
 * that names neither invitationId nor username says which fields it had, and which of them
 * looks meant (`user`, `email`). A username is trimmed and lower-cased, the form in which it is
 * compared and sent.
 */

import {
  atlasId,
  emailAddress,
  type InvitationRef,
  MAX_USERNAME_LENGTH,
  type Username,
} from '../atlas/api/index.ts'
import { ValidationError } from '../errors.ts'

export { emailAddress } from '../atlas/api/index.ts'

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
  const given = Object.keys(fields)
  const misspelt = given.find((name) => misspelling(name) !== undefined)
  if (misspelt !== undefined)
    throw new UnknownFieldError(misspelt, misspelling(misspelt) as KnownField, given)
  const dryRun = flag(fields.dryRun, 'dryRun')
  const hasInvitation = fields.invitationId !== undefined
  const hasUsername = fields.username !== undefined
  if (hasInvitation && hasUsername) {
    throw new ValidationError('username', 'must not be given together with invitationId')
  }
  if (fields.orgId !== undefined && fields.orgIds !== undefined)
    throw new ValidationError('orgIds', 'must not be given together with orgId')
  if (!hasInvitation && !hasUsername) {
    const meant = given.find((name) => {
      const field = synonymOf(name)
      return field === 'username' || field === 'invitationId'
    })
    if (meant !== undefined)
      throw new UnknownFieldError(meant, synonymOf(meant) as KnownField, given)
    throw new ValidationError('invitationId', `or username is required (got: ${fieldList(given)})`)
  }
  if (hasInvitation) {
    if (fields.orgId === undefined) {
      const meant = given.find((name) => synonymOf(name) === 'orgId')
      if (meant !== undefined) throw new UnknownFieldError(meant, 'orgId', given)
      throw new ValidationError('orgId', `is required (got: ${fieldList(given)})`)
    }
    const orgId = atlasId(fields.orgId, 'orgId')
    const invitationId = atlasId(fields.invitationId, 'invitationId')
    // An organization id pasted as the invitation id: Atlas's "not found" could not tell them apart.
    if (invitationId === orgId) throw new ValidationError('invitationId', 'must differ from orgId')
    return { kind: 'invitation', orgId, invitationId, dryRun }
  }
  const orgIds =
    fields.orgId !== undefined ? [atlasId(fields.orgId, 'orgId')] : orgIdList(fields.orgIds)
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

/** The fields of the schema. */
const KNOWN_FIELDS = ['orgId', 'orgIds', 'invitationId', 'username', 'dryRun'] as const
type KnownField = (typeof KNOWN_FIELDS)[number]

/**
 * A field the schema does not have, that looks meant for one it does. `field` is the one it
 * expected; the message names both, and every field given.
 *
 * @example
 * new UnknownFieldError('userName', 'username', ['orgId', 'userName']).message
 * // → 'unknown field "userName": did you mean "username"? (got: orgId, userName)'
 */
export class UnknownFieldError extends ValidationError {
  /** The field as given. */
  readonly unknownField: string

  constructor(unknownField: string, expected: KnownField, given: readonly string[]) {
    super(expected, `was expected: unknown field ${shown(unknownField)} looks meant for it`)
    this.unknownField = unknownField
    this.message = `unknown field ${shown(unknownField)}: did you mean "${expected}"? (got: ${fieldList(given)})`
  }
}

/** Names as the schema would spell them, without case or separators: `org_ID` → `orgid`. */
function squashed(name: string): string {
  return name.toLowerCase().replace(/[\s_.-]/g, '')
}

/**
 * The known field an unknown one misspells: the same but for case or separators (`userName`,
 * `orgID`, `dry_run`), or a letter off (`usrname`, `orgIdd`; two for `invitationId`). A
 * known field is no misspelling, nor is a name far from every known one (`source`, `note`).
 */
function misspelling(name: string): KnownField | undefined {
  if ((KNOWN_FIELDS as readonly string[]).includes(name)) return undefined
  const candidate = squashed(name)
  if (candidate === '') return undefined
  const exact = KNOWN_FIELDS.find((field) => squashed(field) === candidate)
  if (exact) return exact
  let best: { field: KnownField; distance: number } | undefined
  for (const field of KNOWN_FIELDS) {
    const target = squashed(field)
    // One letter off, two for the long invitationId: `surname` is no `username`.
    const allowed = target.length >= 10 ? 2 : 1
    const distance = editDistance(candidate, target, allowed)
    if (distance <= allowed && (best === undefined || distance < best.distance))
      best = { field, distance }
  }
  return best?.field
}

/** Other words for a known field, offered only when the field itself is missing. */
const SYNONYMS: Readonly<Record<string, KnownField>> = {
  user: 'username',
  users: 'username',
  email: 'username',
  emailaddress: 'username',
  mail: 'username',
  login: 'username',
  useremail: 'username',
  userlogin: 'username',
  invitation: 'invitationId',
  invite: 'invitationId',
  inviteid: 'invitationId',
  org: 'orgId',
  organization: 'orgId',
  organisation: 'orgId',
  organizationid: 'orgId',
  organisationid: 'orgId',
}

function synonymOf(name: string): KnownField | undefined {
  return Object.hasOwn(SYNONYMS, squashed(name)) ? SYNONYMS[squashed(name)] : undefined
}

/** Optimal string alignment distance, or `limit + 1` once it is sure to exceed `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1
  let before: number[] = []
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let distance = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      )
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        distance = Math.min(distance, (before[j - 2] ?? 0) + 1)
      current.push(distance)
    }
    before = previous
    previous = current
  }
  return previous[b.length] ?? limit + 1
}

const MAX_LISTED_FIELDS = 20
const MAX_SHOWN_NAME = 64

/** A field name as a message shows it: quoted, and cut short when long. */
function shown(name: string): string {
  return JSON.stringify(name.length > MAX_SHOWN_NAME ? `${name.slice(0, MAX_SHOWN_NAME)}…` : name)
}

/** The fields a body gave, for a message: `orgId, userName`, or `no fields`. */
function fieldList(given: readonly string[]): string {
  if (given.length === 0) return 'no fields'
  const names = given
    .slice(0, MAX_LISTED_FIELDS)
    .map((name) => (name.length > MAX_SHOWN_NAME ? `${name.slice(0, MAX_SHOWN_NAME)}…` : name))
  const more = given.length - names.length
  return more > 0 ? `${names.join(', ')} and ${more} more` : names.join(', ')
}

function flag(value: unknown, field: string): boolean {
  if (value === undefined) return false
  if (typeof value !== 'boolean') throw new ValidationError(field, 'must be true or false')
  return value
}
