/**
 * Revoking one invitation: validate the ids, then per API — `v1`/`v2` delete the invitation;
 * `users` looks the user up and removes it only while its membership is pending (an active
 * member is its own outcome and is never touched). Calls are signed with the current
 * credentials, re-read once after a 401.
 */
import type { AtlasApi } from '../atlas/atlas-api.ts'
import { deleteInvitationCall, type ResponseFormat } from '../atlas/invitation-endpoints.ts'
import { type Outcome, outcomeOfDelete, unwrapEnvelope } from '../atlas/outcome.ts'
import {
  getOrgUserCall,
  type OrgUser,
  readOrgUser,
  removeOrgUserCall,
} from '../atlas/users-endpoints.ts'
import { type InvitationRef, invitationRef } from './invitation-ref.ts'
import { type RevokeDependencies, type SignedCallResult, signedCall } from './signed-call.ts'

export type { RevokeDependencies } from './signed-call.ts'

export interface RevokeOptions extends ResponseFormat {
  /** Absolute deadline, epoch milliseconds, for the whole revocation, retries included. */
  readonly deadline: number
  /** Default `v1`. */
  readonly api?: AtlasApi
}

export type Revocation = InvitationRef &
  Outcome & {
    /** Requests sent to Atlas for this revocation. */
    readonly attempts: number
  }

/**
 * @example
 * const result = await revokeInvitation(
 *   { atlas: new AtlasClient(), credentials: fixedCredentials(key) },
 *   { orgId, invitationId },
 *   { deadline: Date.now() + 10_000 },
 * )
 * if (SETTLED_OUTCOMES.has(result.outcome)) ack()
 */
export async function revokeInvitation(
  dependencies: RevokeDependencies,
  input: { readonly orgId?: unknown; readonly invitationId?: unknown },
  options: RevokeOptions,
): Promise<Revocation> {
  const ref = invitationRef(input)
  const api = options.api ?? 'v1'
  if (api !== 'users') {
    const result = await signedCall(
      dependencies,
      { ...deleteInvitationCall(api, ref, options), deadline: options.deadline },
      options.envelope === true,
    )
    return { ...ref, ...outcomeOf(result, options), attempts: result.attempts }
  }
  const lookup = await signedCall(
    dependencies,
    { ...getOrgUserCall(ref.orgId, ref.invitationId, options), deadline: options.deadline },
    options.envelope === true,
  )
  const found =
    lookup.kind === 'answered'
      ? unwrapEnvelope({ ...lookup.response, envelope: options.envelope === true })
      : undefined
  if (found?.status !== 200)
    return { ...ref, ...outcomeOf(lookup, options), attempts: lookup.attempts }
  const user = readOrgUser(found.body)
  if (!user) {
    return {
      ...ref,
      outcome: 'upstream_error',
      status: 200,
      detail: 'Atlas answered the user lookup without a user',
      retryable: true,
      attempts: lookup.attempts,
    }
  }
  const removal = await removePendingUser(dependencies, ref.orgId, user, options)
  return { ...removal, attempts: lookup.attempts + removal.attempts }
}

/** Users API: removes a pending user; an active one is reported, never removed. */
export async function removePendingUser(
  dependencies: RevokeDependencies,
  orgId: string,
  user: OrgUser,
  options: RevokeOptions,
): Promise<Revocation> {
  const ref = { orgId, invitationId: user.id }
  if (user.status !== 'PENDING') {
    return {
      ...ref,
      outcome: 'active_member',
      status: 200,
      detail: `${user.username || user.id} is ${user.status.toLowerCase()} in the organization, not pending; not removed`,
      retryable: false,
      attempts: 0,
    }
  }
  const result = await signedCall(
    dependencies,
    { ...removeOrgUserCall(orgId, user.id, options), deadline: options.deadline },
    options.envelope === true,
  )
  return { ...ref, ...outcomeOf(result, options), attempts: result.attempts }
}

function outcomeOf(result: SignedCallResult, options: RevokeOptions): Outcome {
  return result.kind === 'answered'
    ? outcomeOfDelete({ ...result.response, envelope: options.envelope === true })
    : result.outcome
}
