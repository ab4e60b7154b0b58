/**
 * Which unknown field of a revoke request looks meant for a known one. `revoke-request.ts`
 * ignores fields it does not know (`source`, `note`, `ticket`, `requestedBy`), except one that,
 * ignored, would change what the request does: that one is refused, naming the field meant, why,
 * and every field given. The rule for every word below: refusing costs the sender one clear 400,
 * ignoring may revoke what was only to be previewed, or answer for less than was asked.
 *
 * Refused whatever else the request holds (`refuseLookalikes`), in this order:
 *
 * 1. a dry-run flag under another name (`isDryRun`, `preview`, `test`, `whatIf`, `dry*`), or its
 *    opposite (`execute`, `live`, `confirm`, `noDryRun`), true or false, even next to `dryRun`:
 *    ignored, `"preview": true` or `"execute": false` would revoke for real;
 * 2. either, or `dryRun` itself, one level down in an unknown object (`options.dryRun`): only
 *    the top level is read;
 * 3. a list of invitations or of people (`invitationIds`, `usernames`, `emails`): a request
 *    revokes one invitation or one person's, and its answer would speak for that one only;
 * 4. a near miss of a known field (`userName`, `orgID`, `usrname`).
 *
 * On a person's request (`refusePersonScopeWords`): a project (`projectId`, `groupId`), and,
 * when it names no organization, another word for one (`organizationId`, `orgs`). A request
 * missing a field it needs points at a field given that looks meant for it (`requiredFieldError`).
 */

import { ValidationError } from '../errors.ts'

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
  /** The field as given; a path (`options.dryRun`) for one inside another. */
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
 * preview that revokes); then a list; then a near miss of any known field.
 *
 * @example
 * refuseLookalikes({ username: 'a@b.c', options: { dryRun: true } })
 * // throws 'unknown field "options.dryRun": fields inside "options" are not read: … (got: username, options)'
 */
export function refuseLookalikes(fields: Readonly<Record<string, unknown>>): void {
  const given = Object.keys(fields)
  const unknown = Object.entries(fields).filter(([name]) => !isKnownField(name))
  for (const [name] of unknown) {
    const kind = flagKind(name)
    if (kind !== undefined) throw flagRefusal(name, kind, given)
  }
  for (const [name, value] of unknown) {
    const inner = nestedFlag(value)
    if (inner === undefined) continue
    const [key, kind] = inner
    throw new UnknownFieldError(
      `${name}.${key}`,
      'dryRun',
      given,
      nestedFlagExplanation(name, kind),
    )
  }
  for (const [name] of unknown) {
    const list = LISTS.find(({ words }) => isListOf(name, words))
    if (list !== undefined) throw new UnknownFieldError(name, list.field, given, list.explanation)
  }
  for (const [name] of unknown) {
    const meant = misspelling(name)
    if (meant !== undefined) throw new UnknownFieldError(name, meant, given)
  }
}

/** How a field name bears on the dry run: it asks for one, or says the opposite. */
type FlagKind = 'dryRun' | 'opposite'

/** Whether a name (known or not) reads as a dry-run flag or as its opposite. */
function flagKind(name: string): FlagKind | undefined {
  const word = squashed(name)
  if (isOppositeOfDryRun(word)) return 'opposite'
  return looksLikeDryRun(word) ? 'dryRun' : undefined
}

/**
 * Next to `dryRun` a lookalike is no spelling mistake, but the two may disagree: which was meant?
 * The opposite of a dry run ignored revokes, which `"execute": false` did not ask for.
 */
function flagRefusal(name: string, kind: FlagKind, given: readonly string[]): UnknownFieldError {
  if (kind === 'opposite') return new UnknownFieldError(name, 'dryRun', given, REVOKES_UNLESS)
  const explanation = given.includes('dryRun')
    ? 'looks like a dry-run flag next to "dryRun", and the two may disagree: send "dryRun" alone'
    : undefined
  return new UnknownFieldError(name, 'dryRun', given, explanation)
}

const REVOKES_UNLESS =
  'a request revokes unless "dryRun": true; say that to preview, or leave this field out to revoke'

/** A dry-run flag (or `dryRun`, or its opposite) one level down in an object, as `[key, kind]`. */
function nestedFlag(value: unknown): [string, FlagKind] | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  for (const key of Object.keys(value)) {
    const kind = flagKind(key)
    if (kind !== undefined) return [key, kind]
  }
  return undefined
}

function nestedFlagExplanation(outer: string, kind: FlagKind): string {
  const where = `fields inside ${shown(outer)} are not read`
  return kind === 'opposite'
    ? `${where}, and ${REVOKES_UNLESS}`
    : `${where}: send "dryRun" at the top level of the request`
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

/** Whether a squashed name may ask for a dry run (`dry`, `dryrunonly`, `isdryrun`, `test`). */
function looksLikeDryRun(word: string): boolean {
  return (
    DRY_RUN_WORDS.has(word) ||
    word.startsWith('dry') ||
    DRY_RUN_STEMS.some((stem) => word.includes(stem))
  )
}

/**
 * Words for "do it for real", after `squashed` and an optional `is`, `do` or `should`
 * (`isLive`, `doExecute`, `shouldApply`). The schema says that by leaving `dryRun` out, so such
 * a field adds nothing when true, and when false (`"execute": false`, `"live": false`) asks
 * for a preview that, ignored, would revoke. Refused whatever its value, as a dry-run word is:
 * `commit` may be some system's commit hash, but that sender loses a 400, not a preview.
 * Not here: `force` (false means "not forcefully", not "preview"), `run` and `mode` (too
 * general to say either way on their own).
 */
const OPPOSITE_WORDS: ReadonlySet<string> = new Set([
  'execute',
  'exec',
  'live',
  'liverun',
  'livemode',
  'commit',
  'apply',
  'confirm',
  'confirmed',
  'forreal',
  'real',
  'realrun',
  'wetrun',
  'doit',
])
const OPPOSITE_PREFIXES = /^(is|do|should)/
/** A negation before a dry-run word says the opposite: `noDryRun`, `skipPreview`, `notTest`. */
const NEGATIONS = ['no', 'not', 'non', 'skip', 'disable', 'without'] as const

function isOppositeOfDryRun(word: string): boolean {
  return (
    OPPOSITE_WORDS.has(word) ||
    OPPOSITE_WORDS.has(word.replace(OPPOSITE_PREFIXES, '')) ||
    NEGATIONS.some((negation) => {
      const rest = word.slice(negation.length)
      return word.startsWith(negation) && rest !== '' && looksLikeDryRun(rest)
    })
  )
}

/**
 * Whether `name`, squashed, is one of `words` made plural: `invitations`, `orgIdList`, and
 * `es` after an `s` (`emailAddresses`).
 */
function isListOf(name: string, words: ReadonlySet<string>): boolean {
  const word = squashed(name)
  const singulars = [
    word.endsWith('list') ? word.slice(0, -'list'.length) : undefined,
    word.endsWith('s') ? word.slice(0, -1) : undefined,
    word.endsWith('ses') ? word.slice(0, -2) : undefined,
  ]
  return singulars.some((singular) => singular !== undefined && words.has(singular))
}

const INVITATION_WORDS: ReadonlySet<string> = new Set([
  'invitation',
  'invite',
  'invitationid',
  'inviteid',
])

/** Words for one person, after `squashed`; `isListOf` makes them plural. */
const PERSON_WORDS: ReadonlySet<string> = new Set([
  'username',
  'user',
  'email',
  'emailaddress',
  'mail',
  'login',
  'useremail',
  'userlogin',
  'invitee',
  'leaver',
])

/**
 * A request revokes one invitation, or one person's. A list is refused rather than ignored:
 * ignored, `{"username", "invitations": [...]}` would revoke every invitation of the person, not
 * the ones listed, and `{"username", "usernames": [...]}` would revoke one person's and answer
 * as if for all. "Did you mean invitationId?" would be the wrong advice for a list, so the
 * message says what a request can name instead (`invitationIds` and `usernames`, a letter or two
 * off a known field, get this message rather than the near miss's).
 */
const LISTS: readonly { words: ReadonlySet<string>; field: KnownField; explanation: string }[] = [
  {
    words: INVITATION_WORDS,
    field: 'invitationId',
    explanation:
      'a request revokes one invitation ("invitationId") or one person\'s pending invitations ("username"), not a list: send one request per invitation',
  },
  {
    words: PERSON_WORDS,
    field: 'username',
    explanation:
      'a request revokes one person\'s pending invitations ("username"), not a list: send one request per person',
  },
]

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
 * Words for a project (Atlas calls its id `groupId`), after `squashed`, and their plurals. Not
 * `group` nor `groups`: HR and identity systems send those for teams, and they name no project.
 */
const PROJECT_WORDS: ReadonlySet<string> = new Set([
  'project',
  'projectid',
  'projectname',
  'groupid',
])

function isProjectWord(name: string): boolean {
  return PROJECT_WORDS.has(squashed(name)) || isListOf(name, PROJECT_WORDS)
}

/**
 * Refused rather than ignored, though a person's search is never narrower than the project: it
 * covers each organization named, and their projects only where the deployment includes project
 * invitations. Where it does not, `{"username", "projectId"}` ignored would list the
 * organization alone and answer `already_gone` for a person whose invitation is pending in that
 * project: a success without evidence. Where it does, the caller would believe the search
 * limited to one project while it revoked across the organization. Either way the request is
 * not what the sender thinks; a 400 costs one resend. By id a project is not refused: the
 * organization's invitations hold no project's, so the answer is `not_found` (not a success),
 * whose detail says to ask by email.
 */
const PROJECTS_BY_ORGANIZATION =
  'a request names organizations ("orgId" or "orgIds"), not projects: name the project\'s organization; where this deployment includes project invitations, its projects are searched too'

/**
 * For a person's request: a project is refused (see `PROJECTS_BY_ORGANIZATION`) and, when the
 * request names no organization, so is another word for one: ignored, it would widen the search
 * from the organizations meant to every one the deployment may look in.
 */
export function refusePersonScopeWords(given: readonly string[], namesOrg: boolean): void {
  if (!namesOrg) {
    const meant = given.find((name) => orgScopeWord(name) !== undefined)
    if (meant !== undefined)
      throw new UnknownFieldError(meant, orgScopeWord(meant) as KnownField, given)
  }
  const project = given.find((name) => !isKnownField(name) && isProjectWord(name))
  if (project !== undefined)
    throw new UnknownFieldError(project, 'orgId', given, PROJECTS_BY_ORGANIZATION)
}

/**
 * The refusal of a request missing `missing`: an unknown field given that looks meant for it
 * (`user`, `email`, `invite` for `invitationId` or `username`; any word for an organization,
 * plural too, for the `orgId` an invitation lives in), or else the fields given.
 */
export function requiredFieldError(
  given: readonly string[],
  missing: 'invitationId' | 'orgId',
): ValidationError {
  if (missing === 'orgId') {
    const meant = given.find((name) => orgScopeWord(name) !== undefined)
    if (meant !== undefined) return new UnknownFieldError(meant, 'orgId', given)
    return new ValidationError('orgId', `is required (got: ${fieldList(given)})`)
  }
  for (const name of given) {
    const meant = synonymOf(name)
    if (meant !== undefined) return new UnknownFieldError(name, meant, given)
  }
  return new ValidationError('invitationId', `or username is required (got: ${fieldList(given)})`)
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
 * an organization are `ORG_WORDS`; lists of either are refused before, see `LISTS`).
 */
const SYNONYMS: Readonly<Record<string, 'username' | 'invitationId'>> = {
  user: 'username',
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

function synonymOf(name: string): 'username' | 'invitationId' | undefined {
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
