/**
 * The Cloud Users API (version 2025-02-19), MongoDB's replacement for the invitations API. A
 * pending invitation is a PENDING user whose id is a user id, not the invitation id: users are
 * found by username and removed by user id. An ACTIVE match is reported as `active_member` and
 * never removed.
 *
 * What the Users API does not cover is still looked at through the (v2) invitations API while
 * it exists: invitations made through it, which the Users API may not list as pending (MongoDB's
 * Terraform notes say so), and project invitations, which it does not show at all. An
 * invitation id is resolved the same way (invitation → username → pending user), and removed as
 * an invitation when no pending user answers to it. After the sunset (410) those lists are
 * skipped and an invitation id can no longer be resolved: the request must name the username.
 */
import type { Outcome } from '../outcome.ts'
import { outcomeOfRefusal, unexpectedAnswer } from './answer-outcome.ts'
import {
  type AtlasAdapter,
  containerNotFound,
  type Revocation,
  type RevokeOptions,
  removeWithEvidence,
  type Search,
  WOULD_REVOKE,
  whereOf,
} from './atlas-adapter.ts'
import {
  type ListedEntry,
  normalizeUsername,
  partitionByUsername,
  readInvitation,
  readUser,
} from './atlas-lists.ts'
import type { AtlasSession } from './atlas-session.ts'
import { getInvitationCall } from './invitation-endpoints.ts'
import type { InvitationRef } from './invitation-ref.ts'
import { invitationsAdapter, isSunset, listInvitations } from './invitations-adapter.ts'
import { afterUnexplainedNotFound, missingThing } from './not-found-evidence.ts'
import { readAllPages } from './paged-list.ts'
import { listOrgUsersCall, removeOrgUserCall } from './users-endpoints.ts'

/** Statuses worth acting on: a pending invitation, or a member to report (never to remove). */
const ACTIONABLE = new Set(['PENDING', 'ACTIVE'])

const SEND_THE_USERNAME =
  'send the username instead: the invitations API that maps an invitation id to its user is gone (sunset 2027-07-01)'

const legacy = invitationsAdapter('v2')

export const usersAdapter: AtlasAdapter = {
  listOrganizations: (session) => legacy.listOrganizations(session),
  listProjects: (session, orgId) => legacy.listProjects(session, orgId),

  async findPending(session, scope, username) {
    const invitationsApi = session.knowingItIsDeprecated()
    // Project invitations are not users of the organization: only the invitations API sees them.
    if (scope.groupId !== undefined)
      return withoutSunset(await legacy.findPending(invitationsApi, scope, username))
    const users = await findUsers(session, scope.orgId, username)
    if (users.kind === 'failed') return users
    const invitations = withoutSunset(await legacy.findPending(invitationsApi, scope, username))
    if (invitations.kind === 'failed') return invitations
    return {
      kind: 'found',
      entries: [...users.entries, ...invitations.entries],
      ignored: [...users.ignored, ...invitations.ignored],
    }
  },

  async revokeEntry(session, scope, entry, options: RevokeOptions = {}) {
    if (entry.via === 'invitations')
      return legacy.revokeEntry(session.knowingItIsDeprecated(), scope, entry, options)
    const target = { ...whereOf(scope), userId: entry.id, username: entry.username }
    if (entry.status === 'ACTIVE') {
      return {
        ...target,
        outcome: 'active_member',
        status: 200,
        detail: `${entry.username} is an active member of the organization, not pending; not removed`,
        retryable: false,
      }
    }
    if (options.dryRun) return { ...target, ...WOULD_REVOKE }
    // The PENDING observation and the removal are back to back: Atlas offers no conditional
    // delete, so an acceptance in between is the window SECURITY.md describes.
    const outcome = await removeWithEvidence(
      session,
      removeOrgUserCall(scope.orgId, entry.id),
      { id: entry.id, what: 'pending user', scope },
      async () => {
        const again = await findUsers(session, scope.orgId, entry.username)
        return again.kind === 'failed'
          ? again.outcome
          : again.entries.some((user) => user.id === entry.id && user.status === 'PENDING')
      },
    )
    return { ...target, ...outcome }
  },

  async revokeInvitation(session, ref, options: RevokeOptions = {}) {
    const invitation = await readInvitationUsername(session, ref)
    if ('outcome' in invitation) return [{ ...ref, ...invitation }]
    const users = await findUsers(session, ref.orgId, invitation.username)
    if (users.kind === 'failed')
      return [{ ...ref, username: invitation.username, ...users.outcome }]
    const pending = users.entries.filter((user) => user.status === 'PENDING')
    // No pending user answers to it (made through the invitations API): remove the invitation.
    if (pending.length === 0)
      return legacy.revokeInvitation(session.knowingItIsDeprecated(), ref, options)
    const revocations: Revocation[] = []
    for (const user of pending) {
      const revocation = await usersAdapter.revokeEntry(
        session,
        { orgId: ref.orgId },
        user,
        options,
      )
      revocations.push({ ...revocation, invitationId: ref.invitationId })
    }
    // The invitation itself must be gone too (normally it went with its user): Atlas says so,
    // or a stray invitation the Users API did not show is removed now.
    if (!options.dryRun)
      revocations.push(
        ...(await legacy.revokeInvitation(session.knowingItIsDeprecated(), ref, options)),
      )
    return revocations
  },
}

/**
 * The organization's pending and active users of `username`, every page. When the filtered list
 * shows no pending match, the pending users are listed whole and matched here, because MongoDB
 * does not publish whether the `username` filter ignores case.
 */
async function findUsers(session: AtlasSession, orgId: string, username: string): Promise<Search> {
  const filtered = await listUsers(session, orgId, { username: normalizeUsername(username) })
  if (filtered.kind === 'failed') return filtered
  const byName = partitionByUsername(filtered.users, username)
  let matching = byName.matching
  if (!matching.some((user) => user.status === 'PENDING')) {
    const pending = await listUsers(session, orgId, { statuses: ['PENDING'] })
    if (pending.kind === 'failed') return pending
    matching = [...matching, ...partitionByUsername(pending.users, username).matching]
  }
  return {
    kind: 'found',
    entries: unique(matching.filter((user) => ACTIONABLE.has(user.status))),
    ignored: byName.others,
  }
}

async function listUsers(
  session: AtlasSession,
  orgId: string,
  filter: Parameters<typeof listOrgUsersCall>[1],
): Promise<
  { kind: 'listed'; users: readonly ListedEntry[] } | Extract<Search, { kind: 'failed' }>
> {
  const listed = await readAllPages(
    session,
    (pageNum) => listOrgUsersCall(orgId, filter, pageNum),
    { orgId },
    'the user list',
    readUser,
  )
  return listed.kind === 'failed' ? listed : { kind: 'listed', users: listed.items }
}

/** The username of a pending invitation, read through the (v2) invitations API, or the outcome. */
async function readInvitationUsername(
  session: AtlasSession,
  ref: InvitationRef,
): Promise<{ readonly username: string } | Outcome> {
  const scope = { orgId: ref.orgId }
  const invitationsApi = session.knowingItIsDeprecated()
  const result = await invitationsApi.call(getInvitationCall('v2', scope, ref.invitationId))
  if (result.kind === 'failed') return result.outcome
  const { response } = result
  if (response.status >= 200 && response.status < 300) {
    const invitation = response.bodyKind === 'json' ? readInvitation(response.body) : undefined
    return invitation?.id === ref.invitationId
      ? { username: invitation.username }
      : unexpectedAnswer(response, 'the invitation')
  }
  if (response.status === 410) return sendTheUsername(response.status)
  if (response.status !== 404) return outcomeOfRefusal(response)
  const missing = missingThing(response, ref.invitationId, [ref.orgId])
  if (missing === 'target') {
    return {
      outcome: 'already_gone',
      status: 404,
      detail: `Atlas says invitation ${ref.invitationId} does not exist`,
      retryable: false,
    }
  }
  if (missing === 'container') return containerNotFound(response, scope)
  // A 404 naming nothing: the invitation is gone, or the invitations API is.
  const listed = await listInvitations('v2', invitationsApi, scope, undefined)
  if (listed.kind === 'failed') {
    const { outcome, status } = listed.outcome
    const apiGone = status === 410 || (status === 404 && outcome === 'upstream_error')
    return apiGone ? sendTheUsername(status) : listed.outcome
  }
  return afterUnexplainedNotFound(
    ref.invitationId,
    listed.entries.some((entry) => entry.id === ref.invitationId),
  )
}

/** After the sunset the invitations API has nothing left to show: an empty search, not a failure. */
function withoutSunset(search: Search): Search {
  return search.kind === 'failed' && isSunset(search.outcome)
    ? { kind: 'found', entries: [], ignored: [] }
    : search
}

function sendTheUsername(status: number): Outcome {
  return { outcome: 'invalid', status, detail: SEND_THE_USERNAME, retryable: false }
}

function unique(entries: readonly ListedEntry[]): ListedEntry[] {
  const seen = new Set<string>()
  return entries.filter((entry) => !seen.has(entry.id) && seen.add(entry.id) !== undefined)
}
