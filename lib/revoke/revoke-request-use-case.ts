/**
 * What both Lambda triggers run: a revoke request by invitation id, or by username (list the
 * organization's pending invitations for that user, revoke each). The report's own outcome
 * sums the parts up for the caller: settled only when every part is.
 */
import { invitationIds, listInvitationsCall } from '../atlas/invitation-endpoints.ts'
import {
  type Outcome,
  type OutcomeKind,
  outcomeOfDelete,
  SETTLED_OUTCOMES,
  unwrapEnvelope,
} from '../atlas/outcome.ts'
import { listOrgUsersCall, readOrgUsers } from '../atlas/users-endpoints.ts'
import {
  type Revocation,
  type RevokeOptions,
  removePendingUser,
  revokeInvitation,
} from './revoke-invitation.ts'
import type { RevokeRequest } from './revoke-request.ts'
import { type RevokeDependencies, signedCall } from './signed-call.ts'

export type RevokeReport = Outcome & {
  readonly request: RevokeRequest
  /** One entry per invitation revoked or tried; empty when a username had none pending. */
  readonly revocations: readonly Revocation[]
  /** Requests sent to Atlas for the whole request. */
  readonly attempts: number
}

/**
 * Which unsettled outcome speaks for a report with several, lowest first: our setup's faults,
 * then what needs a person, then what passes. A Record, so a new outcome cannot be forgotten.
 */
const PRECEDENCE: Readonly<Record<Exclude<OutcomeKind, 'revoked' | 'already_gone'>, number>> = {
  unauthorized: 0,
  forbidden: 1,
  active_member: 2,
  invalid: 3,
  upstream_error: 4,
  throttled: 5,
}

export async function executeRevokeRequest(
  dependencies: RevokeDependencies,
  request: RevokeRequest,
  options: RevokeOptions,
): Promise<RevokeReport> {
  if (request.kind === 'invitation') {
    const revocation = await revokeInvitation(dependencies, request, options)
    return {
      ...outcomeFields(revocation),
      request,
      revocations: [revocation],
      attempts: revocation.attempts,
    }
  }
  const envelope = options.envelope === true
  const api = options.api ?? 'v1'
  const list =
    api === 'users'
      ? listOrgUsersCall(request.orgId, request.username, options)
      : listInvitationsCall(api, request.orgId, request.username, options)
  const listed = await signedCall(dependencies, { ...list, deadline: options.deadline }, envelope)
  if (listed.kind === 'failed')
    return { ...listed.outcome, request, revocations: [], attempts: listed.attempts }
  const { status, body } = unwrapEnvelope({ ...listed.response, envelope })
  if (status !== 200) {
    const outcome = outcomeOfDelete({ ...listed.response, envelope })
    return { ...outcome, request, revocations: [], attempts: listed.attempts }
  }
  const revocations: Revocation[] = []
  if (api === 'users') {
    for (const user of readOrgUsers(body))
      revocations.push(await removePendingUser(dependencies, request.orgId, user, options))
  } else {
    for (const invitationId of invitationIds(body)) {
      revocations.push(
        await revokeInvitation(dependencies, { orgId: request.orgId, invitationId }, options),
      )
    }
  }
  const attempts = revocations.reduce(
    (sum, revocation) => sum + revocation.attempts,
    listed.attempts,
  )
  return { ...summarize(revocations), request, revocations, attempts }
}

/** The outcome of several revocations: settled when all are, else the most telling failure. */
export function summarize(revocations: readonly Revocation[]): Outcome {
  if (revocations.length === 0) return { outcome: 'already_gone', status: 200, retryable: false }
  if (revocations.every((revocation) => SETTLED_OUTCOMES.has(revocation.outcome))) {
    const revoked = revocations.some((revocation) => revocation.outcome === 'revoked')
    return { outcome: revoked ? 'revoked' : 'already_gone', retryable: false }
  }
  const rank = (revocation: Revocation) =>
    SETTLED_OUTCOMES.has(revocation.outcome)
      ? Number.POSITIVE_INFINITY
      : PRECEDENCE[revocation.outcome as keyof typeof PRECEDENCE]
  const worstRank = Math.min(...revocations.map(rank))
  const worst = revocations.filter((revocation) => rank(revocation) === worstRank)
  const retryAfter = Math.max(0, ...worst.map((revocation) => revocation.retryAfterSeconds ?? 0))
  return {
    ...outcomeFields(worst[0] as Revocation),
    ...(retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
  }
}

function outcomeFields(revocation: Revocation): Outcome {
  const { orgId: _org, invitationId: _invitation, attempts: _attempts, ...outcome } = revocation
  return outcome
}
