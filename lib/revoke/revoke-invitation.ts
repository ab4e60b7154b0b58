/**
 * Revoking one invitation: validate the ids, sign the DELETE (re-reading a rotated key once),
 * turn Atlas's answer into an {@link Outcome}.
 */
import { deleteInvitationCall, type ResponseFormat } from '../atlas/invitation-endpoints.ts'
import { type Outcome, outcomeOfDelete } from '../atlas/outcome.ts'
import { type InvitationRef, invitationRef } from './invitation-ref.ts'
import { type RevokeDependencies, signedCall } from './signed-call.ts'

export type { RevokeDependencies } from './signed-call.ts'

export interface RevokeOptions extends ResponseFormat {
  /** Absolute deadline, epoch milliseconds, for the whole revocation, retries included. */
  readonly deadline: number
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
  const envelope = options.envelope === true
  const result = await signedCall(
    dependencies,
    { ...deleteInvitationCall(ref, options), deadline: options.deadline },
    envelope,
  )
  const outcome =
    result.kind === 'answered' ? outcomeOfDelete({ ...result.response, envelope }) : result.outcome
  return { ...ref, ...outcome, attempts: result.attempts }
}
