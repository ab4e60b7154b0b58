/**
 * The Cloud Users API (version 2025-02-19), MongoDB's replacement for the invitations API. A
 * pending invitation is a PENDING user whose id is a user id, not the invitation id: users are
 * found by username and removed by user id. An ACTIVE match is reported as `active_member` and
 * never removed. An invitation id is resolved through the invitations API while it exists
 * (invitation → username → pending user); after its sunset the request must name the username.
 */

import type { Outcome } from '../outcome.ts'
import { outcomeOfRefusal, unexpectedAnswer } from './answer-outcome.ts'
import {
  type AtlasAdapter,
  orgNotFound,
  type Revocation,
  readSearch,
  removeWithEvidence,
  type Search,
} from './atlas-adapter.ts'
import {
  type ListedEntry,
  partitionByUsername,
  readInvitation,
  readInvitationList,
  readUserPage,
} from './atlas-lists.ts'
import type { AtlasSession } from './atlas-session.ts'
import { getInvitationCall, listInvitationsCall } from './invitation-endpoints.ts'
import type { InvitationRef } from './invitation-ref.ts'
import { missingThing } from './not-found-evidence.ts'
import { listOrgUsersCall, removeOrgUserCall, USERS_PAGE_SIZE } from './users-endpoints.ts'

/** Statuses worth acting on: a pending invitation, or a member to report (never to remove). */
const ACTIONABLE = new Set(['PENDING', 'ACTIVE'])
/** Pages of one username's users read at most; a longer list is not what was asked for. */
const MAX_PAGES = 10

const SEND_THE_USERNAME =
  'send the username instead: the invitations API that maps an invitation id to its user is gone (sunset 2027-07-01)'

export const usersAdapter: AtlasAdapter = {
  findPending: (session, orgId, username) => findUsers(session, orgId, username, []),

  async revokeEntry(session, orgId, entry) {
    const target = { orgId, userId: entry.id, username: entry.username }
    if (entry.status === 'ACTIVE') {
      return {
        ...target,
        outcome: 'active_member',
        status: 200,
        detail: `${entry.username} is an active member of the organization, not pending; not removed`,
        retryable: false,
      }
    }
    // The PENDING observation and the removal are back to back: Atlas offers no conditional
    // delete, so an acceptance in between is the window SECURITY.md describes.
    const outcome = await removeWithEvidence(
      session,
      removeOrgUserCall(orgId, entry.id),
      { id: entry.id, orgId, what: 'pending user' },
      async () => {
        const again = await findUsers(session, orgId, entry.username, ['PENDING'])
        return again.kind === 'failed'
          ? again.outcome
          : again.entries.some((user) => user.id === entry.id)
      },
    )
    return { ...target, ...outcome }
  },

  async revokeInvitation(session, ref) {
    const invitation = await readInvitationUsername(session, ref)
    if ('outcome' in invitation) return [{ ...ref, ...invitation }]
    const users = await findUsers(session, ref.orgId, invitation.username, ['PENDING'])
    const context = { ...ref, username: invitation.username }
    if (users.kind === 'failed') return [{ ...context, ...users.outcome }]
    if (users.entries.length === 0) {
      return [
        {
          ...context,
          outcome: 'upstream_error',
          status: 200,
          detail: `invitation ${ref.invitationId} is pending but Atlas lists no pending user for its username`,
          retryable: true,
        },
      ]
    }
    const revocations: Revocation[] = []
    for (const user of users.entries)
      revocations.push({
        ...(await usersAdapter.revokeEntry(session, ref.orgId, user)),
        invitationId: ref.invitationId,
      })
    return revocations
  },
}

/**
 * The organization's users of `username`, every page, in the given statuses (none: Atlas's
 * default, ACTIVE and PENDING), keeping only ACTIVE and PENDING entries of that username.
 */
async function findUsers(
  session: AtlasSession,
  orgId: string,
  username: string,
  statuses: readonly string[],
): Promise<Search> {
  const entries: ListedEntry[] = []
  for (let pageNum = 1; pageNum <= MAX_PAGES; pageNum++) {
    const result = await session.call(listOrgUsersCall(orgId, username, statuses, pageNum))
    let totalCount: number | undefined
    const page = readSearch(result, orgId, 'the user list', (body) => {
      const read = readUserPage(body)
      totalCount = read?.totalCount
      return read ? [...read.entries] : undefined
    })
    if (page.kind === 'failed') return page
    entries.push(...page.entries)
    const complete =
      totalCount === undefined
        ? page.entries.length < USERS_PAGE_SIZE
        : entries.length >= totalCount
    if (complete || page.entries.length === 0) {
      const { matching, others } = partitionByUsername(entries, username)
      return {
        kind: 'found',
        entries: matching.filter((entry) => ACTIONABLE.has(entry.status)),
        ignored: others,
      }
    }
  }
  return {
    kind: 'failed',
    outcome: {
      outcome: 'upstream_error',
      status: 200,
      detail: `the user list for ${username} ran past ${MAX_PAGES} pages; a filtered list is never that long`,
      retryable: true,
    },
  }
}

/** The username of a pending invitation, read through the (v2) invitations API, or the outcome. */
async function readInvitationUsername(
  session: AtlasSession,
  ref: InvitationRef,
): Promise<{ readonly username: string } | Outcome> {
  const result = await session.call(getInvitationCall('v2', ref.orgId, ref.invitationId))
  if (result.kind === 'failed') return result.outcome
  const { response } = result
  if (response.status >= 200 && response.status < 300) {
    const invitation = readInvitation(response.body)
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
  if (missing === 'container') return orgNotFound(response, ref.orgId)
  // A 404 naming nothing: the invitation is gone, or the invitations API is.
  const list = await session.call(listInvitationsCall('v2', ref.orgId, undefined))
  const listed = readSearch(list, ref.orgId, 'the invitation list', readInvitationList)
  if (listed.kind === 'listed') {
    return listed.entries.some((entry) => entry.id === ref.invitationId)
      ? {
          outcome: 'upstream_error',
          status: 404,
          detail: `Atlas answered 404 for invitation ${ref.invitationId} but still lists it as pending`,
          retryable: true,
        }
      : {
          outcome: 'already_gone',
          status: 404,
          detail: `Atlas answered 404 for invitation ${ref.invitationId} and no longer lists it as pending`,
          retryable: false,
        }
  }
  const { outcome, status } = listed.outcome
  const apiGone = status === 410 || (status === 404 && outcome === 'upstream_error')
  return apiGone ? sendTheUsername(status) : listed.outcome
}

function sendTheUsername(status: number): Outcome {
  return { outcome: 'invalid', status, detail: SEND_THE_USERNAME, retryable: false }
}
