/**
 * The invitations APIs (`v1`: v1.0; `v2`: version 2023-01-01, deprecated): an invitation is
 * revoked by deleting it; a 404 is read by the shared evidence rules, re-listing the
 * organization's pending invitations when it names nothing.
 */

import type { Outcome } from '../outcome.ts'
import {
  type AtlasAdapter,
  type Revocation,
  readSearch,
  removeWithEvidence,
  type Search,
} from './atlas-adapter.ts'
import { type ListedEntry, partitionByUsername, readInvitationList } from './atlas-lists.ts'
import type { AtlasSession } from './atlas-session.ts'
import {
  deleteInvitationCall,
  type InvitationsVersion,
  listInvitationsCall,
} from './invitation-endpoints.ts'

/** After the sunset Atlas answers 410 `VERSION_GONE`: say what to change, not just "invalid". */
const SUNSET_ADVICE =
  'the invitations API is gone (sunset 2027-07-01): set ATLAS_API=users and revoke by username'

export function invitationsAdapter(version: InvitationsVersion): AtlasAdapter {
  const search = async (
    session: AtlasSession,
    orgId: string,
    username: string | undefined,
  ): Promise<Search> => {
    const result = await session.call(listInvitationsCall(version, orgId, username))
    const listed = readSearch(result, orgId, 'the invitation list', readInvitationList)
    if (listed.kind === 'failed') return withSunsetAdvice(listed)
    if (username === undefined) return { kind: 'found', entries: listed.entries, ignored: [] }
    const { matching, others } = partitionByUsername(listed.entries, username)
    return { kind: 'found', entries: matching, ignored: others }
  }

  const revoke = async (
    session: AtlasSession,
    orgId: string,
    invitationId: string,
    username: string | undefined,
  ): Promise<Revocation> => {
    const outcome = await removeWithEvidence(
      session,
      deleteInvitationCall(version, orgId, invitationId),
      { id: invitationId, orgId, what: 'invitation' },
      async () => {
        const again = await search(session, orgId, username)
        return again.kind === 'failed'
          ? again.outcome
          : again.entries.some((entry) => entry.id === invitationId)
      },
    )
    return {
      orgId,
      invitationId,
      ...(username === undefined ? {} : { username }),
      ...sunsetAdvice(outcome),
    }
  }

  return {
    findPending: search,
    revokeEntry: (session, orgId, entry: ListedEntry) =>
      revoke(session, orgId, entry.id, entry.username),
    revokeInvitation: async (session, ref) => [
      await revoke(session, ref.orgId, ref.invitationId, undefined),
    ],
  }
}

function sunsetAdvice(outcome: Outcome): Outcome {
  return outcome.status === 410 ? { ...outcome, detail: SUNSET_ADVICE } : outcome
}

function withSunsetAdvice(failed: Extract<Search, { kind: 'failed' }>): Search {
  return { kind: 'failed', outcome: sunsetAdvice(failed.outcome) }
}
