/**
 * The invitations APIs (`v1`: v1.0; `v2`: version 2023-01-01, deprecated), for organizations and
 * their projects: an invitation is revoked by deleting it; a 404 is read by the shared evidence
 * rules, re-listing the pending invitations when it names nothing. A list filtered by username
 * that comes back without a match is checked against the whole list, because MongoDB does not
 * publish whether that filter ignores case.
 */
import type { Outcome } from '../outcome.ts'
import { outcomeOfRefusal, unexpectedAnswer } from './answer-outcome.ts'
import {
  type AtlasAdapter,
  goneByName,
  type Listing,
  type Revocation,
  type RevokeOptions,
  readListResult,
  removeWithEvidence,
  type Scope,
  type Search,
  WOULD_REVOKE,
  whereOf,
} from './atlas-adapter.ts'
import {
  type ListedEntry,
  normalizeUsername,
  partitionByUsername,
  readInvitation,
  readInvitationList,
  readScopeId,
} from './atlas-lists.ts'
import type { AtlasSession } from './atlas-session.ts'
import {
  deleteInvitationCall,
  getInvitationCall,
  type InvitationsVersion,
  listInvitationsCall,
} from './invitation-endpoints.ts'
import type { InvitationRef } from './invitation-ref.ts'
import { afterUnexplainedNotFound } from './not-found-evidence.ts'
import { readAllPages } from './paged-list.ts'
import { listOrganizationsCall, listProjectsCall } from './scope-endpoints.ts'

/** After the sunset Atlas answers 410 `VERSION_GONE`: say what to change, not just "invalid". */
const SUNSET_ADVICE =
  'the invitations API is gone (sunset 2027-07-01): set ATLAS_API=users and revoke by username'

export function invitationsAdapter(version: InvitationsVersion): AtlasAdapter {
  const list = (session: AtlasSession, scope: Scope, username: string | undefined) =>
    listInvitations(version, session, scope, username)

  const findPending = async (
    session: AtlasSession,
    scope: Scope,
    username: string,
  ): Promise<Search> => {
    const filtered = await list(session, scope, normalizeUsername(username))
    if (filtered.kind === 'failed' || filtered.entries.length > 0) return filtered
    // None matched: read the whole list rather than trust the filter to ignore case.
    const all = await list(session, scope, undefined)
    if (all.kind === 'failed') return all
    const { matching } = partitionByUsername(all.entries, username)
    return { kind: 'found', entries: matching, ignored: filtered.ignored }
  }

  const stillListed = async (
    session: AtlasSession,
    scope: Scope,
    invitationId: string,
    username: string | undefined,
  ): Promise<boolean | Outcome> => {
    const again =
      username === undefined
        ? await list(session, scope, undefined)
        : await findPending(session, scope, username)
    return again.kind === 'failed'
      ? again.outcome
      : again.entries.some((entry) => entry.id === invitationId)
  }

  const revoke = async (
    session: AtlasSession,
    scope: Scope,
    invitationId: string,
    username: string | undefined,
  ): Promise<Revocation> => {
    const outcome = await removeWithEvidence(
      session,
      deleteInvitationCall(version, scope, invitationId),
      { id: invitationId, what: 'invitation', scope },
      () => stillListed(session, scope, invitationId, username),
    )
    return {
      ...whereOf(scope),
      invitationId,
      ...(username === undefined ? {} : { username }),
      ...sunsetAdvice(outcome),
    }
  }

  /** A dry run by id: is the invitation there? The same evidence rules, read with a GET. */
  const probe = async (session: AtlasSession, ref: InvitationRef): Promise<Revocation> => {
    const scope = { orgId: ref.orgId }
    const result = await session.call(getInvitationCall(version, scope, ref.invitationId))
    const found = (outcome: Outcome, username?: string): Revocation => ({
      ...ref,
      ...(username === undefined ? {} : { username }),
      ...sunsetAdvice(outcome),
    })
    if (result.kind === 'failed') return found(result.outcome)
    const { response } = result
    if (response.status >= 200 && response.status < 300) {
      const invitation = readInvitation(response.body)
      return invitation?.id === ref.invitationId
        ? found(WOULD_REVOKE, invitation.username)
        : found(unexpectedAnswer(response, 'the invitation'))
    }
    if (response.status !== 404) return found(outcomeOfRefusal(response))
    const gone = goneByName(response, { id: ref.invitationId, what: 'invitation', scope })
    if (gone) return found(gone)
    const listed = await stillListed(session, scope, ref.invitationId, undefined)
    if (typeof listed !== 'boolean') return found(listed)
    return found(afterUnexplainedNotFound(ref.invitationId, listed))
  }

  return {
    listOrganizations: (session) =>
      listIds(
        session,
        (pageNum) => listOrganizationsCall(version, pageNum),
        { orgId: '' },
        'the organization list',
      ),
    listProjects: (session, orgId) =>
      listIds(
        session,
        (pageNum) => listProjectsCall(version, orgId, pageNum),
        { orgId },
        'the project list',
      ),
    findPending,
    revokeEntry: async (session, scope, entry: ListedEntry, options: RevokeOptions = {}) =>
      options.dryRun
        ? { ...whereOf(scope), invitationId: entry.id, username: entry.username, ...WOULD_REVOKE }
        : revoke(session, scope, entry.id, entry.username),
    revokeInvitation: async (session, ref, options: RevokeOptions = {}) => [
      options.dryRun
        ? await probe(session, ref)
        : await revoke(session, { orgId: ref.orgId }, ref.invitationId, undefined),
    ],
  }
}

/** A scope's pending invitations (of `username`, when given), in the documented shape. */
export async function listInvitations(
  version: InvitationsVersion,
  session: AtlasSession,
  scope: Scope,
  username: string | undefined,
): Promise<Search> {
  const result = await session.call(listInvitationsCall(version, scope, username))
  const listed = readListResult(result, scope, 'the invitation list', readInvitationList)
  if (listed.kind === 'failed') return { kind: 'failed', outcome: sunsetAdvice(listed.outcome) }
  if (username === undefined) return { kind: 'found', entries: listed.value, ignored: [] }
  const { matching, others } = partitionByUsername(listed.value, username)
  return { kind: 'found', entries: matching, ignored: others }
}

/** Ids of a paged list of organizations or projects, leaving out deleted ones. */
export async function listIds(
  session: AtlasSession,
  pageCall: Parameters<typeof readAllPages>[1],
  scope: Scope,
  what: string,
): Promise<Listing> {
  const listed = await readAllPages(session, pageCall, scope, what, readScopeId)
  if (listed.kind === 'failed') return listed
  return { kind: 'listed', ids: listed.items.filter((id): id is string => id !== null) }
}

/** A 410 from an invitation endpoint is the sunset: it says what to change. */
export function sunsetAdvice(outcome: Outcome): Outcome {
  return outcome.status === 410 ? { ...outcome, detail: SUNSET_ADVICE } : outcome
}

/** Whether an outcome is the invitations API being gone (its documented sunset answer). */
export function isSunset(outcome: Outcome): boolean {
  return outcome.status === 410
}
