/**
 * The Cloud Users API (version 2025-02-19), MongoDB's replacement for the invitations API. A
 * pending invitation is a PENDING user whose id is a user id, not the invitation id: users are
 * found by username and removed by user id. An ACTIVE match is reported as `active_member` and
 * never removed here: with REMOVE_ACTIVE_MEMBERS on, a person's membership is the member
 * phase's (offboard-members.ts), and this adapter leaves it to that.
 *
 * A person's pending users come from the organization's whole PENDING list, matched here; their
 * active membership (the opt-in off) from its whole ACTIVE list. What the Users API does not
 * cover is looked at through the (v2) invitations API while `SEARCH_INVITATIONS_API` is on (the
 * default): invitations made through it, which the Users API may not list (MongoDB's migration
 * guide says so), and project invitations, which it does not show at all. After the sunset that
 * API answers 410: a search that needs it fails rather than reading "gone" as "nothing there",
 * until the operator turns it off and accepts what it can no longer see.
 */
import { OUTCOME_TABLE, type Outcome } from '../../outcome.ts'
import type { AtlasSession } from '../http/index.ts'
import type { AtlasAdapter, Revocation, RevokeOptions, Search } from './adapter.ts'
import { outcomeOfRefusal, unexpectedAnswer } from './answer-outcome.ts'
import {
  getInvitationCall,
  getOrgUserCall,
  listOrgUsersCall,
  removeOrgUserCall,
} from './endpoints.ts'
import {
  activeMemberSeen,
  askAbout,
  containerNotFound,
  type Relisted,
  wouldRevokeListed,
} from './evidence.ts'
import type { InvitationRef } from './invitation-ref.ts'
import { findInvitations, invitationsAdapter, isSunset, lookAgain } from './invitations-adapter.ts'
import { type ListedEntry, partitionByUsername, readInvitation, readUser } from './lists.ts'
import { missingThing } from './not-found-evidence.ts'
import { readAllPages } from './paged-list.ts'
import { type Scope, whereOf } from './scope.ts'
import { normalizeUsername, type Username } from './username.ts'

export interface UsersAdapterOptions {
  /**
   * Look at the invitations API too (`SEARCH_INVITATIONS_API`, default on): for invitations
   * made through it, project invitations and invitation ids. Off after the sunset.
   */
  readonly searchInvitationsApi: boolean
  /**
   * REMOVE_ACTIVE_MEMBERS: a person's active membership is found and removed by the member
   * phase, so a person's search here looks for pending users only. Default off.
   */
  readonly removeActiveMembers?: boolean
}

const SUNSET_DETAIL =
  'the invitations API is gone (sunset 2027-07-01), so invitations made through it (and project invitations) cannot be checked here; set SEARCH_INVITATIONS_API=false to search the Cloud Users API alone, accepting that'
const SEND_THE_USERNAME =
  'send the username instead: the invitations API that maps an invitation id to its user is gone (sunset 2027-07-01)'
const NO_INVITATIONS_API =
  'send the username instead: SEARCH_INVITATIONS_API=false, and only the invitations API maps an invitation id to its user'

const NO_PROJECTS =
  'project invitations are found only through the invitations API, and SEARCH_INVITATIONS_API=false'

const legacy = invitationsAdapter('v2')

export function usersAdapter(options: UsersAdapterOptions): AtlasAdapter {
  const { searchInvitationsApi } = options
  const membersApart = options.removeActiveMembers === true
  const notRemoved = membersApart
    ? 'not removed by id: a person request (by username) removes a member'
    : 'not removed (REMOVE_ACTIVE_MEMBERS is off)'

  const revokeUser = async (
    session: AtlasSession,
    scope: Scope,
    entry: ListedEntry,
    revokeOptions: RevokeOptions,
  ): Promise<Revocation> => {
    const target = { ...whereOf(scope), userId: entry.id, username: entry.username }
    if (entry.status === 'ACTIVE')
      return {
        ...target,
        ...activeMemberSeen(
          'listed',
          `${entry.username} is an active member of the organization, not pending; ${notRemoved}`,
        ),
      }
    if (revokeOptions.dryRun) return { ...target, ...wouldRevokeListed() }
    // The PENDING observation and the removal are back to back: Atlas offers no conditional
    // delete, so an acceptance in between is the window SECURITY.md describes.
    const { outcome } = await askAbout(
      session,
      removeOrgUserCall(scope.orgId, entry.id),
      { id: entry.id, what: 'pending user', scope },
      {
        purpose: 'remove',
        presence: 'seen_pending',
        relist: () => lookAtUser(session, scope.orgId, entry.id),
      },
    )
    return { ...target, ...outcome }
  }

  /**
   * A person's pending access in an organization: the pending user and its invitation, one
   * revocation (combined only when surely the same access: see {@link oneEntryPerAccess}). The
   * user goes first; the invitation must then be gone too (normally it went with its user: Atlas
   * says so, or a stray invitation is removed now). Every part is tried; the most telling speaks
   * for all, with its own ids (the other part's id is added alongside, never over them), so the
   * access is settled only when every part is. A dry run reads the user.
   */
  const revokeAccess = async (
    session: AtlasSession,
    orgId: string,
    user: ListedEntry,
    invitationIds: readonly string[],
    revokeOptions: RevokeOptions,
  ): Promise<Revocation> => {
    const removed = await revokeUser(session, { orgId }, user, revokeOptions)
    const [invitationId] = invitationIds
    if (invitationId === undefined) return removed
    const parts: [Revocation, ...Revocation[]] = [removed]
    if (!revokeOptions.dryRun)
      for (const id of invitationIds)
        parts.push(
          await revokeLegacy(
            session,
            { orgId, invitationId: id },
            user.username,
            revokeOptions,
            removed.outcome === 'revoked',
          ),
        )
    const speaking = mostTelling(parts)
    return {
      ...speaking,
      userId: speaking.userId ?? user.id,
      invitationId: speaking.invitationId ?? invitationId,
    }
  }

  /**
   * An invitation removed through the invitations API. That API cannot see members: when it
   * says the invitation is already gone, the Users API tells whether its invitee accepted
   * meanwhile (an active member now, never "gone").
   */
  const revokeThroughInvitations = async (
    session: AtlasSession,
    scope: Scope,
    entry: ListedEntry,
    revokeOptions: RevokeOptions,
    checkMembers = true,
  ): Promise<Revocation> => {
    const revocation = await legacy.revokeEntry(
      session.knowingItIsDeprecated(),
      scope,
      entry,
      revokeOptions,
    )
    if (revocation.outcome !== 'already_gone' || !checkMembers) return revocation
    const active = await listUsers(session, scope.orgId, { statuses: ['ACTIVE'] })
    if (active.kind === 'failed')
      return {
        ...whereOf(scope),
        invitationId: entry.id,
        username: entry.username,
        ...active.outcome,
      }
    const member = partitionByUsername(active.users, entry.username).matching.find(
      (user) => user.status === 'ACTIVE',
    )
    return member
      ? {
          ...whereOf(scope),
          invitationId: entry.id,
          userId: member.id,
          username: entry.username,
          ...activeMemberSeen(
            'listed',
            `${entry.username} accepted the invitation meanwhile: an active member of the organization now; not removed here`,
          ),
        }
      : revocation
  }

  /**
   * The invitation itself, through the invitations API; this request read it as pending. When
   * its pending user was just removed, the invitation went with it: no one accepted.
   */
  const revokeLegacy = (
    session: AtlasSession,
    ref: InvitationRef,
    username: Username,
    revokeOptions: RevokeOptions,
    userRemoved: boolean,
  ): Promise<Revocation> =>
    revokeThroughInvitations(
      session,
      { orgId: ref.orgId },
      { id: ref.invitationId, username, status: 'PENDING', via: 'invitations' },
      revokeOptions,
      !userRemoved,
    )

  return {
    listOrganizations: (session) => legacy.listOrganizations(session),
    listProjects: (session, orgId) => legacy.listProjects(session, orgId),

    async findPending(session, scope, username) {
      // Project invitations are not users of the organization: only the invitations API sees them.
      if (scope.groupId !== undefined)
        return searchInvitationsApi
          ? searchLegacy(session, scope, username)
          : {
              kind: 'failed',
              outcome: { outcome: 'invalid', detail: NO_PROJECTS, retryable: false },
            }
      const users = await findUsers(session, scope.orgId, username, !membersApart)
      if (users.kind === 'failed' || !searchInvitationsApi) return users
      const invitations = await searchLegacy(session, scope, username)
      if (invitations.kind === 'failed') return invitations
      return {
        kind: 'found',
        entries: oneEntryPerAccess(users.entries, invitations.entries),
        notes: [...(users.notes ?? []), ...(invitations.notes ?? [])],
      }
    },

    async revokeEntry(session, scope, entry, revokeOptions: RevokeOptions = {}) {
      if (entry.via === 'invitations')
        return revokeThroughInvitations(session, scope, entry, revokeOptions)
      return revokeAccess(session, scope.orgId, entry, entry.invitationIds ?? [], revokeOptions)
    },

    async revokeInvitation(session, request, revokeOptions: RevokeOptions = {}) {
      const ref = { orgId: request.orgId, invitationId: request.invitationId }
      const invitation = searchInvitationsApi
        ? await readInvitationUsername(session, ref)
        : ({ outcome: 'invalid', detail: NO_INVITATIONS_API, retryable: false } as const)
      // Not an invitation we can see: the id may be the pending user's own (the Users API's).
      if ('outcome' in invitation) {
        const asUser =
          invitation.outcome === 'not_found' || invitation.outcome === 'invalid'
            ? await byUserId(session, ref, invitation, revokeOptions)
            : undefined
        return [asUser ?? { ...ref, ...invitation }]
      }
      const users = await findUsers(session, ref.orgId, invitation.username, true)
      if (users.kind === 'failed')
        return [{ ...ref, username: invitation.username, ...users.outcome }]
      const pendingUsers = users.entries.filter((user) => user.status === 'PENDING')
      const [only] = pendingUsers
      // The person's one pending user: the invitation is its, one access, counted once.
      if (only && pendingUsers.length === 1)
        return [await revokeAccess(session, ref.orgId, only, [ref.invitationId], revokeOptions)]
      // No pending user, or several (which one is the invitation's, nothing says): the
      // invitation alone, which this request read as pending, then each user on its own.
      const revocations = [
        await revokeLegacy(session, ref, invitation.username, revokeOptions, false),
      ]
      for (const user of pendingUsers)
        revocations.push(await revokeUser(session, { orgId: ref.orgId }, user, revokeOptions))
      return revocations
    },
  }

  /**
   * An id that names no invitation, read as a user id: a pending user is removed (it was just
   * read as pending), an active member reported. `undefined` when it is no user either, and the
   * invitation's outcome stands; a failed read is the answer, since nothing is then proven.
   */
  async function byUserId(
    session: AtlasSession,
    ref: InvitationRef,
    asInvitation: Outcome,
    revokeOptions: RevokeOptions,
  ): Promise<Revocation | undefined> {
    const user = await lookAtUser(session, ref.orgId, ref.invitationId)
    const scope = { orgId: ref.orgId }
    switch (user.found) {
      case 'pending': {
        const entry = {
          id: ref.invitationId,
          username: user.username ?? normalizeUsername(''),
          status: 'PENDING',
          via: 'users',
        } as const
        return revokeUser(session, scope, entry, revokeOptions)
      }
      case 'active':
        // By id a member is never removed, whatever REMOVE_ACTIVE_MEMBERS says.
        return {
          ...whereOf(scope),
          userId: ref.invitationId,
          ...(user.username === undefined ? {} : { username: user.username }),
          ...activeMemberSeen(
            'read',
            `user ${ref.invitationId} is an active member of the organization, not pending; ${notRemoved}`,
          ),
        }
      case 'absent':
        return undefined
      case 'unknown':
        return asInvitation.outcome === 'not_found' ? { ...ref, ...user.outcome } : undefined
    }
  }

  /** A scope's pending invitations through the invitations API; its 410 fails the search. */
  async function searchLegacy(
    session: AtlasSession,
    scope: Scope,
    username: Username,
  ): Promise<Search> {
    const search = await findInvitations('v2', session.knowingItIsDeprecated(), scope, username)
    if (search.kind === 'failed' && isSunset(search.outcome))
      return { kind: 'failed', outcome: { ...search.outcome, detail: SUNSET_DETAIL } }
    return search
  }
}

/**
 * The organization's pending users of `username` (its whole PENDING list, every page, matched
 * here) or, when none is pending and `withMembers`, its active member of that username (its
 * whole ACTIVE list, matched here too: the `username` filter may compare case-sensitively). A
 * user is one or the other in an organization. A match in a status MongoDB does not document
 * proves nothing.
 */
async function findUsers(
  session: AtlasSession,
  orgId: string,
  username: Username,
  withMembers: boolean,
): Promise<Search> {
  const pending = await listUsers(session, orgId, { statuses: ['PENDING'] })
  if (pending.kind === 'failed') return pending
  const pendingMatches = partitionByUsername(pending.users, username).matching
  const unknown = pendingMatches.find((user) => !MEMBERSHIP_STATUSES.has(user.status))
  if (unknown) return undocumentedStatus(unknown)
  const pendingUsers = pendingMatches.filter((user) => user.status === 'PENDING')
  if (pendingUsers.length > 0 || !withMembers)
    return { kind: 'found', entries: unique(pendingUsers), notes: pending.notes }
  const active = await listUsers(session, orgId, { statuses: ['ACTIVE'] })
  if (active.kind === 'failed') return active
  const activeMatches = partitionByUsername(active.users, username).matching
  const strange = activeMatches.find((user) => !MEMBERSHIP_STATUSES.has(user.status))
  if (strange) return undocumentedStatus(strange)
  return {
    kind: 'found',
    entries: unique(activeMatches.filter((user) => user.status === 'ACTIVE')),
    notes: [...pending.notes, ...active.notes],
  }
}

/** The membership statuses MongoDB's spec lists for the Cloud Users API. */
const MEMBERSHIP_STATUSES: ReadonlySet<string> = new Set([
  'ACTIVE',
  'PENDING',
  'INVITATION_EXPIRED',
  'INVITATION_REJECTED',
])

function undocumentedStatus(user: ListedEntry): Search {
  return {
    kind: 'failed',
    outcome: {
      outcome: 'upstream_error',
      status: 200,
      detail: `Atlas lists user ${user.id} of this username with the undocumented status ${JSON.stringify(user.status)}: nothing is concluded from it`,
      retryable: true,
    },
  }
}

async function listUsers(
  session: AtlasSession,
  orgId: string,
  filter: Parameters<typeof listOrgUsersCall>[1],
): Promise<
  | { kind: 'listed'; users: readonly ListedEntry[]; notes: readonly string[] }
  | { kind: 'failed'; outcome: Outcome }
> {
  const listed = await readAllPages(
    session,
    (pageNum) => listOrgUsersCall(orgId, filter, pageNum),
    { orgId },
    'the user list',
    readUser,
  )
  if (listed.kind === 'failed') return listed
  return { kind: 'listed', users: listed.items, notes: listed.note ? [listed.note] : [] }
}

/** The second look at a pending user: read by id, now pending, active, or gone. */
async function lookAtUser(session: AtlasSession, orgId: string, userId: string): Promise<Relisted> {
  const result = await session.call(getOrgUserCall(orgId, userId))
  if (result.kind === 'failed') return { found: 'unknown', outcome: result.outcome }
  const { response } = result
  if (response.status >= 200 && response.status < 300) {
    const user = response.bodyKind === 'json' ? readUser(response.body) : undefined
    if (user?.id !== userId || !MEMBERSHIP_STATUSES.has(user.status))
      return { found: 'unknown', outcome: unexpectedAnswer(response, 'the user') }
    if (user.status === 'PENDING') return { found: 'pending', username: user.username }
    if (user.status === 'ACTIVE') return { found: 'active', by: 'read', username: user.username }
    return { found: 'absent', by: 'unlisted' }
  }
  if (response.status !== 404) return { found: 'unknown', outcome: outcomeOfRefusal(response) }
  const missing = missingThing(response, userId, [orgId])
  if (missing === 'target') return { found: 'absent', by: 'named_404' }
  if (missing === 'container')
    return { found: 'unknown', outcome: containerNotFound(response, { orgId }) }
  return { found: 'unknown', outcome: outcomeOfRefusal(response) }
}

/** The username of a pending invitation, read through the (v2) invitations API, or the outcome. */
async function readInvitationUsername(
  session: AtlasSession,
  ref: InvitationRef,
): Promise<{ readonly username: Username } | Outcome> {
  const scope = { orgId: ref.orgId }
  const invitationsApi = session.knowingItIsDeprecated()
  const { outcome, username } = await askAbout(
    invitationsApi,
    getInvitationCall('v2', scope, ref.invitationId),
    { id: ref.invitationId, what: 'invitation', scope },
    {
      purpose: 'read',
      shows: readInvitation,
      relist: async () => {
        const again = await lookAgain('v2', invitationsApi, scope, ref.invitationId)
        // A 404 naming nothing, then a list that is gone too: the invitations API is gone.
        if (again.found !== 'unknown') return again
        const { status, outcome: failed } = again.outcome
        const apiGone = status === 410 || (status === 404 && failed === 'upstream_error')
        return apiGone ? { found: 'unknown', outcome: sendTheUsername(status) } : again
      },
    },
  )
  if (outcome.outcome === 'would_revoke' && username !== undefined) return { username }
  if (outcome.status === 410 && outcome.evidence === undefined)
    return sendTheUsername(outcome.status)
  return outcome
}

function sendTheUsername(status: number | undefined): Outcome {
  return {
    outcome: 'invalid',
    ...(status === undefined ? {} : { status }),
    detail: SEND_THE_USERNAME,
    retryable: false,
  }
}

function unique(entries: readonly ListedEntry[]): ListedEntry[] {
  const seen = new Set<string>()
  return entries.filter((entry) => !seen.has(entry.id) && seen.add(entry.id) !== undefined)
}

/**
 * A username's pending user and its invitation in one organization are one pending access when
 * they are surely the same: the organization holds exactly one pending user and exactly one
 * invitation of the person. The invitation then rides on the user, so the access is counted and
 * reported once. Otherwise (two spellings of the username, two invitations of one user, a member
 * and an invitation, …) nothing says which invitation is whose: each part is its own entry, with
 * its own outcome, and every one is revoked (or tried) all the same.
 */
export function oneEntryPerAccess(
  users: readonly ListedEntry[],
  invitations: readonly ListedEntry[],
): ListedEntry[] {
  const pendingUsers = users.filter((user) => user.status === 'PENDING')
  const [user] = pendingUsers
  const [invitation] = invitations
  if (!user || !invitation || pendingUsers.length !== 1 || invitations.length !== 1)
    return [...users, ...invitations]
  return users.map((entry) =>
    entry === user ? { ...entry, invitationIds: [invitation.id] } : entry,
  )
}

/** The part whose outcome speaks for several (the outcome table's precedence; the first on a tie). */
export function mostTelling(parts: readonly [Revocation, ...Revocation[]]): Revocation {
  return parts.reduce((telling, part) =>
    OUTCOME_TABLE[part.outcome].precedence < OUTCOME_TABLE[telling.outcome].precedence
      ? part
      : telling,
  )
}
