/**
 * The invitations APIs (`v1`: v1.0; `v2`: version 2023-01-01, deprecated), for organizations and
 * their projects: an invitation is revoked by deleting it, and every answer is read by the
 * evidence ladder, with a fresh list of the scope as the second look. A person's invitations are
 * found in the scope's whole list, matched here: MongoDB does not say how its `username` filter
 * compares, and a filter that is case-sensitive would hide a `Leaver@` behind a `leaver@`.
 */
import type { Outcome } from '../../outcome.ts'
import type { AtlasSession } from '../http/index.ts'
import type { AtlasAdapter, Listing, Revocation, RevokeOptions, Search } from './adapter.ts'
import {
  deleteInvitationCall,
  getInvitationCall,
  type InvitationsVersion,
  listInvitationsCall,
  listOrganizationsCall,
  listProjectsCall,
} from './endpoints.ts'
import { askAbout, type Presence, type Relisted, wouldRevokeListed } from './evidence.ts'
import type { InvitationRef } from './invitation-ref.ts'
import {
  type ListedEntry,
  partitionByUsername,
  readInvitation,
  readInvitationList,
  readListResult,
  readScopeId,
} from './lists.ts'
import { readAllPages } from './paged-list.ts'
import { type Scope, whereOf } from './scope.ts'
import type { Username } from './username.ts'

/** After the sunset Atlas answers 410 `VERSION_GONE`: say what to change, not just "invalid". */
const SUNSET_ADVICE =
  'the invitations API is gone (sunset 2027-07-01): set ATLAS_API=users and revoke by username'

export function invitationsAdapter(version: InvitationsVersion): AtlasAdapter {
  const revoke = async (
    session: AtlasSession,
    scope: Scope,
    invitationId: string,
    presence: Presence,
  ): Promise<Outcome> => {
    const { outcome } = await askAbout(
      session,
      deleteInvitationCall(version, scope, invitationId),
      { id: invitationId, what: 'invitation', scope },
      {
        purpose: 'remove',
        presence,
        relist: () => lookAgain(version, session, scope, invitationId),
      },
    )
    return sunsetAdvice(outcome)
  }

  /** A dry run by id: is the invitation pending there? The same ladder, read with a GET. */
  const probe = async (session: AtlasSession, ref: InvitationRef): Promise<Revocation> => {
    const scope = { orgId: ref.orgId }
    const { outcome, username } = await askAbout(
      session,
      getInvitationCall(version, scope, ref.invitationId),
      { id: ref.invitationId, what: 'invitation', scope },
      {
        purpose: 'read',
        shows: readInvitation,
        relist: () => lookAgain(version, session, scope, ref.invitationId),
      },
    )
    return {
      orgId: ref.orgId,
      invitationId: ref.invitationId,
      ...(username === undefined ? {} : { username }),
      ...sunsetAdvice(outcome),
    }
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
    findPending: (session, scope, username) => findInvitations(version, session, scope, username),
    revokeEntry: async (session, scope, entry: ListedEntry, options: RevokeOptions = {}) => ({
      ...whereOf(scope),
      invitationId: entry.id,
      username: entry.username,
      ...(options.dryRun
        ? wouldRevokeListed()
        : await revoke(session, scope, entry.id, 'seen_pending')),
    }),
    revokeInvitation: async (session, ref, options: RevokeOptions = {}) => [
      options.dryRun
        ? await probe(session, ref)
        : {
            orgId: ref.orgId,
            invitationId: ref.invitationId,
            ...(await revoke(session, { orgId: ref.orgId }, ref.invitationId, undefined)),
          },
    ],
  }
}

/** A scope's pending invitations of `username`: its whole list, matched here. */
export async function findInvitations(
  version: InvitationsVersion,
  session: AtlasSession,
  scope: Scope,
  username: Username,
): Promise<Search> {
  const all = await listInvitations(version, session, scope)
  if (all.kind === 'failed') return all
  return { kind: 'found', entries: partitionByUsername(all.entries, username).matching }
}

/** A scope's whole list of pending invitations, in the documented shape (a bare array). */
export async function listInvitations(
  version: InvitationsVersion,
  session: AtlasSession,
  scope: Scope,
): Promise<
  | { readonly kind: 'listed'; readonly entries: readonly ListedEntry[] }
  | { readonly kind: 'failed'; readonly outcome: Outcome }
> {
  const result = await session.call(listInvitationsCall(version, scope))
  const listed = readListResult(result, scope, 'the invitation list', readInvitationList)
  return listed.kind === 'failed'
    ? { kind: 'failed', outcome: sunsetAdvice(listed.outcome) }
    : { kind: 'listed', entries: listed.value }
}

/** The second look at an invitation: the scope's whole list, with it or without it. */
export async function lookAgain(
  version: InvitationsVersion,
  session: AtlasSession,
  scope: Scope,
  invitationId: string,
): Promise<Relisted> {
  const listed = await listInvitations(version, session, scope)
  if (listed.kind === 'failed') return { found: 'unknown', outcome: listed.outcome }
  const entry = listed.entries.find((candidate) => candidate.id === invitationId)
  return entry
    ? { found: 'pending', username: entry.username }
    : { found: 'absent', by: 'unlisted' }
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
  return {
    kind: 'listed',
    ids: listed.items.filter((id): id is string => id !== null),
    ...(listed.note === undefined ? {} : { notes: [listed.note] }),
  }
}

/** A 410 from an invitation endpoint is the sunset: it says what to change. */
export function sunsetAdvice(outcome: Outcome): Outcome {
  return outcome.status === 410 && outcome.evidence === undefined
    ? { ...outcome, detail: SUNSET_ADVICE }
    : outcome
}

/** Whether an outcome is the invitations API being gone (its documented sunset answer). */
export function isSunset(outcome: Outcome): boolean {
  return outcome.status === 410
}
