/**
 * Which unknown field of a revoke request looks meant for a known one. `revoke-request.ts`
 * ignores fields it does not know (`source`, `note`, `ticket`, `requestedBy`), except one that,
 * ignored, would make the request do more than (or other than) what its sender plausibly meant:
 * that one is refused, naming the field meant, why, and every field given. A field is judged by
 * its name AND its value: `"test": false`, `"livemode": true`, `"organization": "Engineering"`
 * say nothing the request does not already do, and a 400 on an HR or Okta webhook is worse than
 * harmless, since such senders rarely retry it and the offboarding would not happen.
 *
 * Refused whatever else the request holds (`refuseLookalikes`), in this order:
 *
 * 1. a dry-run word (`FLAG_FAMILIES`): another name for a dry run (`isDryRun`, `preview`,
 *    `whatIf`, `dry*`) unless clearly false, or disagreeing with `dryRun`; its opposite or an
 *    action word (`execute`, `live`, `confirm`, `revoke`) when clearly false; a mode
 *    (`mode`, `action`, `flags`) whose string value, or one of its strings, asks for a preview;
 * 2. the same one level down, in an unknown object or a list of objects (`options.dryRun`,
 *    `options[0].dryRun`): only the top level is read. At most `NESTED_BUDGET` keys and items
 *    are looked at there, so a huge body stays cheap;
 * 3. a list of invitations or of people (`invitationIds`, `usernames`, `emails`), whatever it
 *    holds: a request revokes one invitation or one person's, and its answer would speak for
 *    that one only;
 * 4. a near miss of a known field (`userName`, `usrname`), unless a family above already judged
 *    it by its value (`dry_run: false`, `orgID: "Sales"` are ignored).
 *
 * Then, by what the request names (`refuseScopeWords`): another word for an organization whose
 * value looks like Atlas ids (`organizationId`, `orgs`), when no organization is named or it
 * names others; on a person's request, a project by Atlas id (`projectId`, `groupId`), and a
 * second person field holding another email address (`email`, `leaver`). A request missing a
 * field it needs points at a field given that looks meant for it (`requiredFieldError`).
 */

import { emailAddress } from '../atlas/api/index.ts'
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
  /** The field as given; a path (`options.dryRun`, `options[0].dryRun`) for one inside another. */
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
 * Refuses, whatever else the request holds, an unknown field that ignored would make it do more
 * than asked. The dry run comes first: of all the fields it is the one whose loss does harm (a
 * preview that revokes); then a list; then a near miss of any known field.
 *
 * @example
 * refuseLookalikes({ username: 'a@b.c', options: { dryRun: true } })
 * // throws 'unknown field "options.dryRun": fields inside "options" are not read: … (got: username, options)'
 * refuseLookalikes({ username: 'a@b.c', test: false, livemode: true }) // passes: both ignored
 */
export function refuseLookalikes(fields: Readonly<Record<string, unknown>>): void {
  const given = Object.keys(fields)
  const unknown = Object.entries(fields).filter(([name]) => !isKnownField(name))
  for (const [name, value] of unknown) {
    const family = flagFamily(name)
    if (family?.refuses(value, fields.dryRun))
      throw new UnknownFieldError(name, 'dryRun', given, family.why(fields.dryRun))
  }
  const budget = { left: NESTED_BUDGET }
  for (const [name, value] of unknown) {
    const inner = nestedRefusal(name, value, fields.dryRun, budget)
    if (inner !== undefined) throw new UnknownFieldError(inner.path, 'dryRun', given, inner.why)
  }
  for (const [name] of unknown) {
    const list = LISTS.find(({ words }) => isListOf(name, words))
    if (list !== undefined) throw new UnknownFieldError(name, list.field, given, list.explanation)
  }
  for (const [name] of unknown) {
    if (isJudgedByValue(name)) continue
    const meant = misspelling(name)
    if (meant !== undefined) throw new UnknownFieldError(name, meant, given)
  }
}

/**
 * The words that bear on the dry run, each with the value that, ignored, would revoke what the
 * sender meant only to preview. `refuses` sees the field's value and the request's own `dryRun`
 * (at the top level; undefined when absent); `why` is the message's explanation, `undefined` for
 * "did you mean "dryRun"?". The first family whose `matches` takes the squashed name decides.
 */
interface FlagFamily {
  readonly matches: (word: string) => boolean
  readonly refuses: (value: unknown, dryRun: unknown) => boolean
  readonly why: (dryRun: unknown) => string | undefined
  /** The explanation one level down, after `where` ("fields inside … are not read"). */
  readonly nestedWhy: (where: string) => string
}

const AT_THE_TOP = (where: string) => `${where}: send "dryRun" at the top level of the request`

const REVOKES_UNLESS =
  'a request revokes unless "dryRun": true; say that to preview, or leave this field out to revoke'

const FLAG_FAMILIES: readonly FlagFamily[] = [
  {
    // `execute`, `live`, `confirm`, `noDryRun`, `revoke`: true adds nothing (leaving `dryRun`
    // out says it), false asks for a preview that, ignored, would revoke. `"commit": "<sha>"`
    // and `"livemode": true` are not false, so ignored.
    matches: isOppositeOfDryRun,
    refuses: (value) => isClearlyFalse(value),
    why: () => REVOKES_UNLESS,
    nestedWhy: (where) => `${where}, and ${REVOKES_UNLESS}`,
  },
  {
    // `isDryRun`, `preview`, `test`, `whatIf`, `dry*`: anything but clearly false may ask for a
    // preview; next to `dryRun`, refused only when the two disagree.
    matches: looksLikeDryRun,
    refuses: (value, dryRun) =>
      dryRun === undefined ? !isClearlyFalse(value) : isClearlyFalse(value) === (dryRun === true),
    why: (dryRun) =>
      dryRun === undefined
        ? undefined
        : 'looks like a dry-run flag that disagrees with "dryRun": send "dryRun" alone',
    nestedWhy: AT_THE_TOP,
  },
  {
    // `"mode": "dry-run"`, `"action": "preview"`, `"flags": ["dryRun"]`: a value asking for a
    // preview, unless `dryRun` already says one. Values of other fields are not read.
    matches: (word) => MODE_WORDS.has(word),
    refuses: (value, dryRun) => dryRun !== true && asksForPreview(value),
    why: () => 'asks for a dry run, which a request makes only with "dryRun": true',
    nestedWhy: AT_THE_TOP,
  },
]

function flagFamily(name: string): FlagFamily | undefined {
  const word = squashed(name)
  return FLAG_FAMILIES.find(({ matches }) => matches(word))
}

/** `false`, `0` and their strings, `"no"`: a value that plainly says no. */
function isClearlyFalse(value: unknown): boolean {
  if (value === false || value === 0) return true
  return typeof value === 'string' && ['false', 'no', '0'].includes(value.trim().toLowerCase())
}

/**
 * Whether a mode's value asks for a preview: a string such as `dry-run`, `preview`, `plan`,
 * `whatif`, `test`, `validate`, `noop`, or a list holding one.
 */
function asksForPreview(value: unknown): boolean {
  const strings = Array.isArray(value) ? value.slice(0, NESTED_BUDGET) : [value]
  return strings.some((item) => {
    if (typeof item !== 'string') return false
    const word = squashed(item)
    return looksLikeDryRun(word) || PREVIEW_VALUES.has(word)
  })
}

/** Fields whose string value may name what the request does: `mode`, `runMode`, `flags`. */
const MODE_WORDS: ReadonlySet<string> = new Set([
  'mode',
  'modes',
  'runmode',
  'action',
  'actions',
  'run',
  'operation',
  'op',
  'intent',
  'execution',
  'executionmode',
  'flag',
  'flags',
])
/** Values of a mode that ask for a preview, besides those `looksLikeDryRun` takes. */
const PREVIEW_VALUES: ReadonlySet<string> = new Set([
  'plan',
  'check',
  'validate',
  'validation',
  'verify',
  'report',
])

/** At most this many keys and items are looked at inside unknown fields, all of them together. */
const NESTED_BUDGET = 1000

/**
 * A dry-run word one level down, in an unknown object (`options.dryRun`) or in an object of an
 * unknown list (`options[0].dryRun`), judged as at the top level, as its path and why.
 */
function nestedRefusal(
  outer: string,
  value: unknown,
  dryRun: unknown,
  budget: { left: number },
): { path: string; why: string } | undefined {
  const objects = Array.isArray(value)
    ? value
        .slice(0, Math.max(budget.left, 0))
        .map((item, index) => [`${outer}[${index}]`, item] as const)
    : [[outer, value] as const]
  for (const [prefix, object] of objects) {
    if (budget.left <= 0) return undefined
    budget.left -= 1
    if (!isPlainObject(object)) continue
    for (const [key, inner] of Object.entries(object)) {
      if (budget.left <= 0) return undefined
      budget.left -= 1
      const family = flagFamily(key)
      if (family === undefined || !family.refuses(inner, dryRun)) continue
      const why = family.nestedWhy(`fields inside ${shown(outer)} are not read`)
      return { path: `${prefix}.${key}`, why }
    }
  }
  return undefined
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Words for "revoke nothing, show me": exactly these, after `squashed`. With `DRY_RUN_STEMS`
 * and the `dry` prefix they are deliberately wide, since a clearly false value is still ignored.
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
 * Words for "do it for real", and for the action itself, after `squashed` and an optional `is`,
 * `do` or `should` (`isLive`, `doExecute`, `shouldRevoke`). The schema says that by leaving
 * `dryRun` out, so such a field adds nothing unless false. Not here: `force` (false means "not
 * forcefully", not "preview"), `run` and `mode` (their values are read, see `MODE_WORDS`).
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
  'revoke',
  'delete',
  'remove',
  'offboard',
  'deprovision',
  'perform',
  'enforce',
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
 * A request revokes one invitation, or one person's. A list is refused rather than ignored,
 * whatever it holds: ignored, `{"username", "invitations": [...]}` would revoke every invitation
 * of the person, not the ones listed, and `{"username", "usernames": [...]}` would revoke one
 * person's and answer as if for all. "Did you mean invitationId?" would be the wrong advice for
 * a list, so the message says what a request can name instead (`invitationIds` and
 * `usernames`, a letter or two off a known field, get this message rather than the near miss's).
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
  'orgname',
  'organizationname',
  'organisationname',
])

/**
 * The field an unknown one that names an organization is meant for: `orgIds` when it looks
 * plural (`orgs`, `organizationIds`, `additionalOrgIds`, `orgList`), else `orgId`
 * (`organizationId`, `org`). Any name holding `orgid` or `organi[sz]ation…id` is one.
 */
function orgScopeWord(name: string): 'orgId' | 'orgIds' | undefined {
  if (isKnownField(name)) return undefined
  const word = squashed(name)
  const ids = /(orgid|organi[sz]ation\w*id)(s|list)$/.test(word)
  if (ids || isListOf(name, ORG_WORDS)) return 'orgIds'
  return ORG_WORDS.has(word) || /orgid|organi[sz]ation\w*id/.test(word) ? 'orgId' : undefined
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

/** A second person field beside `username`: `email`, `user`, `leaver` (lists are `LISTS`'). */
function isPersonWord(name: string): boolean {
  const word = squashed(name)
  return word !== 'username' && PERSON_WORDS.has(word)
}

/**
 * Names whose value decides whether they are refused: a near miss among them (`dry_run`,
 * `orgID`) is not refused by its name alone.
 */
function isJudgedByValue(name: string): boolean {
  return (
    flagFamily(name) !== undefined ||
    orgScopeWord(name) !== undefined ||
    isProjectWord(name) ||
    isPersonWord(name)
  )
}

const ATLAS_ID = /^[0-9a-f]{24}$/i

/** The Atlas ids (24 hex digits) a value holds: itself, or the strings of a list. */
function atlasIdsIn(value: unknown): string[] {
  const items = Array.isArray(value) ? value.slice(0, NESTED_BUDGET) : [value]
  return items.flatMap((item) =>
    typeof item === 'string' && ATLAS_ID.test(item.trim()) ? [item.trim().toLowerCase()] : [],
  )
}

/**
 * Refused rather than ignored, though a person's search is never narrower than the project: it
 * covers each organization named, and their projects only where the deployment includes project
 * invitations. Where it does not, `{"username", "projectId"}` ignored would list the
 * organization alone and answer `already_gone` for a person whose invitation is pending in that
 * project: a success without evidence. Where it does, the caller would believe the search
 * limited to one project while it revoked across the organization. Only a value that looks like
 * an Atlas id names a project: `"project": "OFFB"` (a Jira key) or `"groupId": "00g…"` (an
 * Okta group) are ignored. By id a project is not refused: the organization's invitations hold
 * no project's, so the answer is `not_found` (not a success), whose detail says to ask by email.
 */
const PROJECTS_BY_ORGANIZATION =
  'a request names organizations ("orgId" or "orgIds"), not projects: name the project\'s organization; where this deployment includes project invitations, its projects are searched too'

const ANOTHER_PERSON =
  'holds an email address other than "username": a request revokes one person\'s pending invitations, so send one request per person'

/**
 * Refuses what, ignored, would widen or misstate the scope of the request:
 *
 * - another word for an organization holding Atlas ids (`"organizationId": "a01…"`), when the
 *   request names no organization (ignored, the search would widen to every one in scope) or
 *   names others (`{orgId: X, organizationIds: [Y]}` would search X only and answer for less);
 * - on a person's request, a project by Atlas id (see `PROJECTS_BY_ORGANIZATION`), and a second
 *   person field holding another email address than `username` (its answer would not be theirs).
 *
 * `"organization": "Engineering"`, `"project": "OFFB"`, `"email"` equal to `username` are ignored.
 */
export function refuseScopeWords(
  fields: Readonly<Record<string, unknown>>,
  kind: 'invitation' | 'username',
): void {
  const given = Object.keys(fields)
  const named = atlasIdsIn(fields.orgId ?? fields.orgIds)
  const namedField = fields.orgId !== undefined ? 'orgId' : 'orgIds'
  for (const [name, value] of Object.entries(fields)) {
    const word = orgScopeWord(name)
    const ids = new Set(atlasIdsIn(value))
    if (word === undefined || ids.size === 0) continue
    if (named.length === 0)
      throw new UnknownFieldError(name, kind === 'invitation' ? 'orgId' : word, given)
    const same = ids.size === new Set(named).size && named.every((id) => ids.has(id))
    if (!same)
      throw new UnknownFieldError(
        name,
        namedField,
        given,
        `looks like organization ids other than "${namedField}"'s, and only "${namedField}" would be searched: name every organization in "${namedField}" alone`,
      )
  }
  if (kind === 'invitation') return
  const project = given.find(
    (name) => !isKnownField(name) && isProjectWord(name) && atlasIdsIn(fields[name]).length > 0,
  )
  if (project !== undefined)
    throw new UnknownFieldError(project, 'orgId', given, PROJECTS_BY_ORGANIZATION)
  const username = typeof fields.username === 'string' ? emailAddress(fields.username) : undefined
  const other = given.find((name) => {
    const value = fields[name]
    if (!isPersonWord(name) || typeof value !== 'string') return false
    const address = emailAddress(value)
    return address !== undefined && address !== username
  })
  if (other !== undefined) throw new UnknownFieldError(other, 'username', given, ANOTHER_PERSON)
}

/**
 * The refusal of a request missing `missing`: an unknown field given that looks meant for it
 * (`user`, `email`, `invite` for `invitationId` or `username`; a word for an organization
 * holding an Atlas id, plural too, for the `orgId` an invitation lives in), or else the fields
 * given.
 */
export function requiredFieldError(
  fields: Readonly<Record<string, unknown>>,
  missing: 'invitationId' | 'orgId',
): ValidationError {
  const given = Object.keys(fields)
  if (missing === 'orgId') {
    const meant = given.find(
      (name) => orgScopeWord(name) !== undefined && atlasIdsIn(fields[name]).length > 0,
    )
    if (meant !== undefined) return new UnknownFieldError(meant, 'orgId', given)
    return new ValidationError('orgId', `is required (got: ${fieldList(given)})`)
  }
  for (const name of given) {
    const meant = synonymOf(name)
    if (meant !== undefined) return new UnknownFieldError(name, meant, given)
  }
  return new ValidationError('invitationId', `or username is required (got: ${fieldList(given)})`)
}

/**
 * Names as the schema would spell them, without case, width or separators: `org_ID` → `orgid`,
 * `ｄｒｙＲｕｎ` → `dryrun`.
 */
function squashed(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_.-]/g, '')
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
