/**
 * The one schema every entry point accepts:
 *
 * - `{"orgId", "invitationId"}`: one invitation;
 * - `{"orgId", "username"}`: that person's pending invitations in one organization;
 * - `{"username"}` (or with `"orgIds": [...]`): the person's pending invitations everywhere the
 *   deployment may look (HR systems know the email, not the organization).
 *
 * `"dryRun": true` asks for a report of what would be revoked, revoking nothing. Unknown fields
 * are ignored, except one that would change what the request does were it ignored, which is
 * refused naming the field meant and the fields given (refusing is always safe, acting is not):
 *
 * - anything that may ask for a dry run (`isDryRun`, `preview`, `test`, `whatIf`, `dry_run`),
 *   even next to `dryRun` itself: ignored, it would revoke for real;
 * - a list of invitations (`invitations`, `invitationIds`): a request revokes one;
 * - a near miss of a known field (`userName`, `orgID`, `usrname`);
 * - on a person's request naming no organization, another word for one (`organizationId`,
 *   `org`; `orgs`, `organizationIds` for `orgIds`): ignored, the search would widen to every
 *   organization.
 *
 * A request that names neither invitationId nor username says which fields it had, and which of
 * them looks meant (`user`, `email`). A username is trimmed and lower-cased, the form in which
 * it is compared and sent.
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
  refuseLookalikes(given)
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
      // An invitation lives in one organization: whatever the word, `orgId` is what it needs.
      const meant = given.find((name) => orgScopeWord(name) !== undefined)
      if (meant !== undefined) throw new UnknownFieldError(meant, 'orgId', given)
      throw new ValidationError('orgId', `is required (got: ${fieldList(given)})`)
    }
    const orgId = atlasId(fields.orgId, 'orgId')
    const invitationId = atlasId(fields.invitationId, 'invitationId')
    // An organization id pasted as the invitation id: Atlas's "not found" could not tell them apart.
    if (invitationId === orgId) throw new ValidationError('invitationId', 'must differ from orgId')
    return { kind: 'invitation', orgId, invitationId, dryRun }
  }
  if (fields.orgId === undefined && fields.orgIds === undefined) refuseOrgScopeWords(given)
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

function isKnownField(name: string): boolean {
  return (KNOWN_FIELDS as readonly string[]).includes(name)
}

/**
 * A field the schema does not have, that looks meant for one it does. `field` is the one it
 * expected; the message names both (or says why, when "did you mean" would mislead), and every
 * field given.
 *
 * @example
 * new UnknownFieldError('userName', 'username', ['orgId', 'userName']).message
 * // → 'unknown field "userName": did you mean "username"? (got: orgId, userName)'
 */
export class UnknownFieldError extends ValidationError {
  /** The field as given. */
  readonly unknownField: string

  /** `explanation` replaces "did you mean …?" in the message. */
  constructor(
    unknownField: string,
    expected: KnownField,
    given: readonly string[],
    explanation = `did you mean "${expected}"?`,
  ) {
    super(expected, `was expected: unknown field ${shown(unknownField)} looks meant for it`)
    this.unknownField = unknownField
    this.message = `unknown field ${shown(unknownField)}: ${explanation} (got: ${fieldList(given)})`
  }
}

/**
 * Refuses, whatever else the request holds, an unknown field that ignored would change what it
 * does. The dry run comes first: of all the fields it is the one whose loss does harm (a
 * preview that revokes); then a list of invitations; then a near miss of any known field.
 */
function refuseLookalikes(given: readonly string[]): void {
  const unknown = given.filter((name) => !isKnownField(name))
  const dryRunLike = unknown.find(looksLikeDryRun)
  if (dryRunLike !== undefined) {
    // Next to `dryRun` it is no spelling mistake, but the two may disagree: which was meant?
    const explanation = given.includes('dryRun')
      ? 'looks like a dry-run flag next to "dryRun", and the two may disagree: send "dryRun" alone'
      : undefined
    throw new UnknownFieldError(dryRunLike, 'dryRun', given, explanation)
  }
  const list = unknown.find(looksLikeInvitationList)
  if (list !== undefined) throw new UnknownFieldError(list, 'invitationId', given, ONE_AT_A_TIME)
  const misspelt = unknown.find((name) => misspelling(name) !== undefined)
  if (misspelt !== undefined)
    throw new UnknownFieldError(misspelt, misspelling(misspelt) as KnownField, given)
}

/**
 * Words for "revoke nothing, show me": exactly these, after `squashed`. With `DRY_RUN_STEMS`
 * and the `dry` prefix they are deliberately wide: a field refused by mistake costs the sender
 * one clear 400, one ignored by mistake revokes what was only to be previewed.
 */
const DRY_RUN_WORDS: ReadonlySet<string> = new Set([
  'test',
  'testing',
  'testonly',
  'testmode',
  'testrun',
  'istest',
  'trial',
  'trialrun',
  'rehearsal',
  'noop',
  'checkonly',
  'reportonly',
  'validateonly',
])
/** Parts of a name that ask for a dry run wherever they are: `isDryRun`, `doPreview`, `simulation`. */
const DRY_RUN_STEMS = ['dryrun', 'whatif', 'preview', 'simulat'] as const

/** Whether an unknown field may ask for a dry run (`dry`, `dry_run_only`, `isDryRun`, `test`). */
function looksLikeDryRun(name: string): boolean {
  const word = squashed(name)
  return (
    DRY_RUN_WORDS.has(word) ||
    word.startsWith('dry') ||
    DRY_RUN_STEMS.some((stem) => word.includes(stem))
  )
}

/** How a name says "several": `orgs`, `orgList`, `invitationIds`. */
const LIST_SUFFIXES = ['s', 'list'] as const

/** Whether `name`, squashed, is one of `words` made plural (`invitations`, `orgIdList`). */
function isListOf(name: string, words: ReadonlySet<string>): boolean {
  const word = squashed(name)
  return LIST_SUFFIXES.some(
    (suffix) => word.endsWith(suffix) && words.has(word.slice(0, -suffix.length)),
  )
}

const INVITATION_WORDS: ReadonlySet<string> = new Set([
  'invitation',
  'invite',
  'invitationid',
  'inviteid',
])

/**
 * A request revokes one invitation, or one person's. A list of invitations is refused rather
 * than ignored (ignored, `{"username", "invitations": [...]}` would revoke every invitation of
 * the person, not the ones listed), but "did you mean invitationId?" would be the wrong advice
 * for a list, so the message says what a request can name instead. `invitationIds`, within two
 * letters of `invitationId`, is such a list too, and gets this message rather than the near miss's.
 */
const ONE_AT_A_TIME =
  'a request revokes one invitation ("invitationId") or one person\'s pending invitations ("username"), not a list: send one request per invitation'

/** Whether an unknown field looks like a list of invitations (`invitations`, `inviteIds`). */
function looksLikeInvitationList(name: string): boolean {
  return isListOf(name, INVITATION_WORDS)
}

/** Words for one organization, after `squashed`; `isListOf` makes them plural. */
const ORG_WORDS: ReadonlySet<string> = new Set([
  'org',
  'organization',
  'organisation',
  'orgid',
  'organizationid',
  'organisationid',
  'orgname',
  'organizationname',
  'organisationname',
])

/**
 * The field an unknown one that names an organization is meant for: `orgIds` when it looks
 * plural (`orgs`, `organizationIds`, `orgList`), else `orgId` (`organizationId`, `org`).
 */
function orgScopeWord(name: string): 'orgId' | 'orgIds' | undefined {
  if (isKnownField(name)) return undefined
  if (isListOf(name, ORG_WORDS)) return 'orgIds'
  return ORG_WORDS.has(squashed(name)) ? 'orgId' : undefined
}

/**
 * For a person's request that names no organization: ignored, another word for one would widen
 * the search from the organizations meant to every one the deployment may look in.
 */
function refuseOrgScopeWords(given: readonly string[]): void {
  const meant = given.find((name) => orgScopeWord(name) !== undefined)
  if (meant !== undefined)
    throw new UnknownFieldError(meant, orgScopeWord(meant) as KnownField, given)
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
  if (isKnownField(name)) return undefined
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

/**
 * Other words for a person or an invitation, offered only when neither field is there (words for
 * an organization are `ORG_WORDS`).
 */
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
