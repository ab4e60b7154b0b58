/**
 * The oracle's judgement of one case: what the answer claimed, checked against the simulator's
 * ground truth before and after. Each rule is the product's promise said about one kind of
 * answer; a broken rule is a violation, printed with the case's seed.
 */
import {
  callerUserId,
  type MemberRemoval,
  type SimulatedAtlasState,
} from '../../dev/simulator/simulated-atlas-state.ts'
import { emailAddress, normalizeUsername } from '../../lib/atlas/api/username.ts'
import { loadProtectedUsernames } from '../../lib/config/function-config.ts'
import { ACKED_OUTCOMES, OUTCOME_TABLE, type OutcomeKind } from '../../lib/outcome.ts'
import {
  allowedOrgIds,
  type OracleCase,
  protectedUsernames,
  type ResolvedRequest,
} from './oracle-case.ts'
import { ACCOUNT, KEY, type World } from './world.ts'

export interface Truth {
  /** Pending invitations: id → where and whose (and the invitee's Users API id). */
  readonly pending: ReadonlyMap<
    string,
    { orgId: string; groupId?: string; username: string; userId: string }
  >
  /** Active members, as `orgId userId`, with their usernames and organization roles. */
  readonly members: ReadonlySet<string>
  readonly memberNames: ReadonlyMap<string, string>
  readonly memberRoles: ReadonlyMap<string, readonly string[]>
  /** Members removed so far, in order (the simulator records each removal). */
  readonly removals: readonly MemberRemoval[]
}

export function truthOf(state: SimulatedAtlasState): Truth {
  const snapshot = state.snapshot()
  return {
    pending: new Map(
      snapshot.invitations.map((invitation) => [
        invitation.id,
        {
          orgId: invitation.orgId,
          ...(invitation.groupId === undefined ? {} : { groupId: invitation.groupId }),
          username: invitation.username,
          userId: invitation.userId,
        },
      ]),
    ),
    members: new Set(snapshot.members.map((member) => `${member.orgId} ${member.id}`)),
    memberNames: new Map(
      snapshot.members.map((member) => [`${member.orgId} ${member.id}`, member.username]),
    ),
    memberRoles: new Map(
      snapshot.members.map((member) => [`${member.orgId} ${member.id}`, member.roles]),
    ),
    removals: snapshot.removedMembers,
  }
}

/** What the entry point answered, as far as it says. */
export interface Answer {
  /** The request's outcome; `refused` when it never reached Atlas (bad input, allowlist). */
  readonly outcome: OutcomeKind | 'refused' | 'unknown'
  /** The queue: whether the record was acked. */
  readonly acked?: boolean
  readonly httpStatus?: number
  readonly cliExit?: number
  /**
   * A person: the scopes the answer says were searched (HTTP: its body; the queue: its audit
   * summary line).
   */
  readonly searched?: readonly { readonly orgId: string; readonly groupId?: string }[]
  /** The CLI, a person with nothing found: how many scopes its line says were searched. */
  readonly searchedCount?: number
}

export interface Observed {
  readonly before: Truth
  readonly after: Truth
  readonly answer: Answer
  /** API requests that reached the simulator, and the DELETEs among them (and their targets). */
  readonly apiRequests: number
  readonly deletes: number
  readonly deleteTargets: readonly string[]
  /**
   * The organizations (`orgId`) and projects (`groupId`, no `orgId`) whose list Atlas itself
   * answered with a 2xx (the simulator's log, less the answers a catalogue row replaced).
   */
  readonly listed: readonly { readonly orgId: string; readonly groupId?: string }[]
  /**
   * A case with the ledger: what its earlier requests (through the same entry) removed, as
   * `orgId id` for an invitation's id and its Users API id alike (the ground truth), and
   * whether the ledger held a record for the request's organization and id before it ran.
   */
  readonly ledger?: { readonly gone: ReadonlySet<string>; readonly recorded: boolean }
}

const SUCCESS: ReadonlySet<string> = new Set(['revoked', 'already_gone', 'removed_member'])

export function violations(
  oracle: OracleCase,
  built: World,
  request: ResolvedRequest,
  seen: Observed,
): string[] {
  const found: string[] = []
  const fail = (rule: string) => found.push(rule)
  const { before, after, answer } = seen
  const { outcome } = answer
  const removed = [...before.pending.keys()].filter((id) => !after.pending.has(id))

  // Nothing is deleted that is not a pending entry of the person asked about.
  const person = request.username === undefined ? undefined : normalizeUsername(request.username)
  const target =
    request.invitationId === undefined || request.orgId === undefined
      ? undefined
      : before.pending.get(resolvedInvitation(request.invitationId, request.orgId, oracle, before))
  const mayRemove = (
    id: string,
    entry: { orgId: string; groupId?: string; username: string },
  ): boolean => {
    const whose = normalizeUsername(entry.username)
    return person !== undefined
      ? whose === person && covers(scopesOf(oracle, built, request), entry)
      : (target !== undefined && entry === target) ||
          id === request.invitationId ||
          (oracle.api === 'users' &&
            target !== undefined &&
            entry.orgId === request.orgId &&
            entry.groupId === undefined &&
            whose === normalizeUsername(target.username))
  }
  for (const id of removed) {
    const entry = before.pending.get(id)
    if (entry && !mayRemove(id, entry))
      fail(`removed ${id} (${entry.username}), not an entry of the request`)
  }
  // No active member is removed unless opted in, by a person's request (never by id, never a dry
  // run), of that person, in an organization it covers; never a protected one, the functions'
  // own identity, or the last Organization Owner. The CLI has no opt-in.
  const optedIn = oracle.removeActiveMembers && oracle.entry !== 'cli'
  const guarded = loadProtectedUsernames(protectedUsernames(oracle))
  const covered = new Set(
    person === undefined ? [] : scopesOf(oracle, built, request).map((scope) => scope.orgId),
  )
  // Every removal Atlas carried out, and every removal we sent of someone who was a member
  // (Atlas refusing it, the last owner's say, makes it no less a guardrail broken).
  const sentToMembers: MemberRemoval[] = seen.deleteTargets.flatMap((target) => {
    const [, orgId, userId] = /\/orgs\/([0-9a-f]{24})\/users\/([0-9a-f]{24})/.exec(target) ?? []
    const key = `${orgId} ${userId}`
    if (orgId === undefined || userId === undefined || !before.members.has(key)) return []
    const username = before.memberNames.get(key) ?? ''
    return [
      {
        orgId,
        userId,
        username,
        roles: before.memberRoles.get(key) ?? [],
        at: '',
      } as MemberRemoval,
    ]
  })
  for (const removal of [...after.removals.slice(before.removals.length), ...sentToMembers]) {
    // Users mode: the DELETE of a pending user this request may remove, reaching them after they
    // accepted, is the window SECURITY.md describes (Atlas has no conditional delete); it is
    // judged as that pending entry, above.
    const wasPendingUser = [...before.pending.entries()].some(
      ([id, entry]) =>
        oracle.api === 'users' &&
        entry.userId === removal.userId &&
        entry.orgId === removal.orgId &&
        entry.groupId === undefined &&
        mayRemove(id, entry),
    )
    if (wasPendingUser) continue
    const whose = normalizeUsername(removal.username)
    const why = !optedIn
      ? 'REMOVE_ACTIVE_MEMBERS is off'
      : person === undefined
        ? 'asked by id'
        : request.dryRun
          ? 'a dry run'
          : whose !== person || !covered.has(removal.orgId)
            ? 'not the person asked about, where the request looks'
            : guarded.has(whose)
              ? 'protected'
              : lastOwner(before, removal)
                ? 'the last Organization Owner'
                : undefined
    if (why)
      fail(`removed (or asked to remove) active member ${removal.orgId} ${removal.userId} (${why})`)
  }
  const callerIds = [KEY.publicKey, ACCOUNT.clientId].map(callerUserId)
  for (const target of seen.deleteTargets)
    if (callerIds.some((id) => target.includes(`/users/${id}`)))
      fail(`sent a removal of the functions' own key or service account (${target})`)
  // Users mode sees members: an active member of a scope the request covers, under any
  // spelling (one who accepted while the request ran included), is never "gone". The
  // invitations API cannot see members, so in v1/v2 an acceptance racing the removal reads as
  // already_gone: the invitation is gone, the person is a member (docs/requests.md, SECURITY.md).
  const asked = person ?? (target ? normalizeUsername(target.username) : undefined)
  const coveredOrgs =
    person !== undefined
      ? new Set(scopesOf(oracle, built, request).map((scope) => scope.orgId))
      : new Set([request.orgId])
  const memberNow = [...after.members].some(
    (member) =>
      normalizeUsername(after.memberNames.get(member) ?? '') === asked &&
      coveredOrgs.has(member.split(' ')[0]) &&
      // By id, only a member who was the invitation's invitee and accepted meanwhile counts.
      (person !== undefined || !before.members.has(member)),
  )
  if (oracle.api === 'users' && SUCCESS.has(outcome) && memberNow)
    fail(`${outcome}, yet the person is an active member of a covered organization`)
  // Opted in, a person's request settles only when no membership of theirs is left where it
  // looked, in every mode (the members are the Cloud Users API's, whatever ATLAS_API is).
  const memberLeft = [...after.members].some(
    (member) =>
      normalizeUsername(after.memberNames.get(member) ?? '') === person &&
      covered.has(member.split(' ')[0] ?? ''),
  )
  if (optedIn && person !== undefined && SUCCESS.has(outcome) && memberLeft)
    fail(`${outcome} with REMOVE_ACTIVE_MEMBERS, yet the person is still a member where it looked`)
  const removedHere = after.removals
    .slice(before.removals.length)
    .some((removal) => normalizeUsername(removal.username) === person && covered.has(removal.orgId))
  if (outcome === 'removed_member' && !removedHere)
    fail('removed_member, yet no membership of the person was removed')
  if (outcome === 'would_remove') {
    const wasMember = [...before.members].some(
      (member) =>
        normalizeUsername(before.memberNames.get(member) ?? '') === person &&
        covered.has(member.split(' ')[0] ?? ''),
    )
    if (!optedIn || !request.dryRun || !wasMember)
      fail('would_remove without the opt-in, a dry run, or a membership of the person')
  }

  if (request.dryRun && seen.deletes > 0) fail(`a dry run sent ${seen.deletes} DELETE(s)`)
  if (outcome === 'refused' && seen.apiRequests > 0)
    fail(`refused before Atlas, yet ${seen.apiRequests} request(s) reached it`)

  // The queue acks exactly the outcomes the table acks; HTTP answers the table's status.
  if (answer.acked !== undefined && outcome !== 'unknown' && outcome !== 'refused') {
    const acked = ACKED_OUTCOMES.has(outcome)
    if (answer.acked !== acked) fail(`acked=${answer.acked} for ${outcome}`)
  }
  if (answer.acked === true && (outcome === 'unknown' || outcome === 'refused'))
    fail(`acked with no final outcome (${outcome})`)
  if (outcome in OUTCOME_TABLE) {
    const rules = OUTCOME_TABLE[outcome as OutcomeKind]
    // A non-final outcome may be handed to the queue (202) when one is configured; none is here.
    if (answer.httpStatus !== undefined && answer.httpStatus !== rules.httpStatus)
      fail(`HTTP ${answer.httpStatus} for ${outcome}`)
    if (answer.cliExit !== undefined && answer.cliExit !== rules.cliExit)
      fail(`exit ${answer.cliExit} for ${outcome}`)
  }

  const settled = SUCCESS.has(outcome)
  if (request.invitationId !== undefined && request.orgId !== undefined) {
    const key = resolvedInvitation(request.invitationId, request.orgId, oracle, before)
    const wasPending = pendingIn(before, key, request.orgId)
    const isPending = pendingIn(after, key, request.orgId)
    // A dry run by id answers would_revoke or not_found (or fails): it settles nothing.
    if (settled && request.dryRun) fail(`a dry run by id answered ${outcome}`)
    // With the ledger, a request by id for an invitation not pending may be `already_gone` when
    // an earlier request of ours removed that id from that organization (the ledger's word, on
    // the truth of the case's history). Never while it is pending there: a record does not make
    // a pending invitation gone, the same id invited again included.
    const goneEarlier =
      seen.ledger?.gone.has(`${request.orgId} ${key}`) === true ||
      seen.ledger?.gone.has(`${request.orgId} ${request.invitationId}`) === true
    const asRecorded = outcome === 'already_gone' && !wasPending && goneEarlier
    if (settled && !request.dryRun && (isPending || (!wasPending && !asRecorded)))
      fail(
        `${outcome} by id: pending before=${wasPending}, after=${isPending}${seen.ledger ? `, removed earlier by us=${goneEarlier}` : ''}`,
      )
    // The ledger is read, not idle: a 404 by id for an id it records as ours is `already_gone`.
    if (seen.ledger?.recorded && !request.dryRun && outcome === 'not_found')
      fail('not_found by id, yet the ledger records this tool revoked it before')
    if (outcome === 'not_found' && isPending) fail('not_found, yet pending in that organization')
    if (outcome === 'would_revoke' && !isPending) fail('would_revoke by id, yet not pending')
  }
  if (person !== undefined && outcome === 'would_revoke') {
    const had = [...before.pending.values()].some(
      (entry) =>
        normalizeUsername(entry.username) === person &&
        covers(scopesOf(oracle, built, request), entry),
    )
    if (!had) fail('would_revoke for a person with nothing pending in the scopes covered')
  }
  if (person !== undefined && settled) {
    const left = [...after.pending.entries()].filter(
      ([, entry]) =>
        normalizeUsername(entry.username) === person &&
        covers(scopesOf(oracle, built, request), entry) &&
        checkable(oracle, entry),
    )
    if (left.length > 0)
      fail(`${outcome} for a person, yet ${left.map(([id]) => id).join(', ')} pending`)
    if (answer.searched) {
      const missing = scopesOf(oracle, built, request).filter(
        (scope) =>
          !answer.searched?.some(
            (searched) => searched.orgId === scope.orgId && searched.groupId === scope.groupId,
          ),
      )
      if (missing.length > 0) fail(`settled without searching ${JSON.stringify(missing)}`)
    }
    // Whatever the entry reports (the CLI names no scope), each scope was listed by Atlas.
    const unlisted = scopesOf(oracle, built, request).filter(
      (scope) =>
        !seen.listed.some((listed) =>
          scope.groupId === undefined
            ? listed.groupId === undefined && listed.orgId === scope.orgId
            : listed.groupId === scope.groupId,
        ),
    )
    if (unlisted.length > 0) fail(`settled without Atlas listing ${JSON.stringify(unlisted)}`)
    const scopes = scopesOf(oracle, built, request).length
    if (answer.searchedCount !== undefined && answer.searchedCount < scopes)
      fail(`settled having searched ${answer.searchedCount} of ${scopes} scopes`)
  }
  return found
}

/**
 * Whether removing this member left (or would have left) its organization without another
 * person as Organization Owner, judged on the members before the case.
 */
function lastOwner(before: Truth, removal: MemberRemoval): boolean {
  if (!removal.roles.includes('ORG_OWNER')) return false
  const whose = normalizeUsername(removal.username)
  return ![...before.members].some((member) => {
    const name = normalizeUsername(before.memberNames.get(member) ?? '')
    return (
      member.startsWith(`${removal.orgId} `) &&
      name !== whose &&
      emailAddress(name) !== undefined &&
      (before.memberRoles.get(member) ?? []).includes('ORG_OWNER')
    )
  })
}

/**
 * The invitation a request by id is about. In users mode the id may be a pending user's own
 * (the Cloud Users API's), which stands for that user's invitation in the organization, when
 * the Users API shows it.
 */
function resolvedInvitation(id: string, orgId: string, oracle: OracleCase, truth: Truth): string {
  // When the Users API hides invitations made through the invitations API, no user has that id.
  const usersSeeInvitations = oracle.behaviour.usersListHidesLegacyInvitations !== true
  if (oracle.api !== 'users' || !usersSeeInvitations || truth.pending.has(id)) return id
  const ofUser = [...truth.pending.entries()].find(
    ([, entry]) => entry.userId === id && entry.orgId === orgId && entry.groupId === undefined,
  )
  return ofUser?.[0] ?? id
}

function pendingIn(truth: Truth, id: string, orgId: string): boolean {
  const entry = truth.pending.get(id)
  return entry !== undefined && entry.orgId === orgId && entry.groupId === undefined
}

/** The scopes a person's request covers: the organizations it names or the deployment's, and their projects when asked. */
export function scopesOf(
  oracle: OracleCase,
  built: World,
  request: ResolvedRequest,
): { orgId: string; groupId?: string }[] {
  const named = request.orgIds ?? (request.orgId === undefined ? undefined : [request.orgId])
  const orgs = named ?? allowedOrgIds(oracle, built) ?? built.visibleOrgs
  return orgs.flatMap((orgId) => [
    { orgId },
    ...(oracle.includeProjects
      ? built.projectsOf(orgId).map((groupId) => ({ orgId, groupId }))
      : []),
  ])
}

function covers(
  scopes: readonly { orgId: string; groupId?: string }[],
  entry: { orgId: string; groupId?: string },
): boolean {
  return scopes.some((scope) => scope.orgId === entry.orgId && scope.groupId === entry.groupId)
}

/**
 * Users mode with SEARCH_INVITATIONS_API=false searches the Cloud Users API alone: invitations it
 * does not show (a case where it hides those made through the invitations API) are what the
 * operator accepted not to see.
 */
function checkable(oracle: OracleCase, entry: { groupId?: string }): boolean {
  const usersOnly = oracle.api === 'users' && !oracle.searchInvitationsApi
  return !(usersOnly && oracle.behaviour.usersListHidesLegacyInvitations === true && !entry.groupId)
}
