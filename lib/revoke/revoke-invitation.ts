/**
 * The revoke use case: validate the ids, sign the DELETE with the current key, turn Atlas's
 * answer into an {@link Outcome}. A 401 re-reads the key once, since it may have been rotated.
 */
import type { AtlasClient, AtlasResponse } from '../atlas/atlas-client.ts'
import { RequestFailedError } from '../atlas/buffered-dispatch.ts'
import { deleteInvitationCall, type ResponseFormat } from '../atlas/invitation-endpoints.ts'
import { type Outcome, outcomeOfDelete, outcomeOfFailure } from '../atlas/outcome.ts'
import type { AtlasApiKey } from '../credentials/atlas-api-key.ts'
import type { CredentialsSource } from '../credentials/credentials-source.ts'
import { type InvitationRef, invitationRef } from './invitation-ref.ts'

export interface RevokeDependencies {
  readonly atlas: AtlasClient
  readonly credentials: CredentialsSource
}

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
 * if (result.outcome === 'revoked' || result.outcome === 'already_gone') ack()
 */
export async function revokeInvitation(
  dependencies: RevokeDependencies,
  input: { readonly orgId?: unknown; readonly invitationId?: unknown },
  options: RevokeOptions,
): Promise<Revocation> {
  const ref = invitationRef(input)
  const { atlas, credentials } = dependencies
  const attempt = async (key: AtlasApiKey) => {
    try {
      const response = await atlas.send({
        ...deleteInvitationCall(ref, options),
        credentials: key,
        deadline: options.deadline,
      })
      return { ...outcomeOf(response, options), attempts: response.attempts }
    } catch (error) {
      if (!(error instanceof RequestFailedError)) throw error
      return { ...outcomeOfFailure(error.code, error.message), attempts: error.attempts }
    }
  }

  const key = await credentials.current()
  const first = await attempt(key)
  if (first.outcome !== 'unauthorized' || !credentials.reload) return { ...ref, ...first }
  const reloaded = await credentials.reload()
  if (reloaded.sameAs(key)) return { ...ref, ...first }
  const second = await attempt(reloaded)
  return { ...ref, ...second, attempts: first.attempts + second.attempts }
}

function outcomeOf(response: AtlasResponse, format: ResponseFormat): Outcome {
  return outcomeOfDelete({ ...response, envelope: format.envelope === true })
}
