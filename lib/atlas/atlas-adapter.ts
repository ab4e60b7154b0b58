/**
 * One adapter per Atlas API (`v1`, `v2` invitations; `users`, the Cloud Users API), each with
 * the same small interface and its own evidence rule for "gone". Nothing outside `lib/atlas/`
 * knows which API is in use. The shared evidence rules live here:
 *
 * - a removal settles as `revoked` on 2xx;
 * - a 404 settles as `already_gone` only when it names the invitation or user, or when a
 *   follow-up list shows it no longer pending; a 404 naming the organization is `invalid`;
 *   any other 404 is an `upstream_error`;
 * - a list settles nothing unless it has the documented shape, and only its entries for the
 *   username asked for count.
 */

import type { Outcome } from '../outcome.ts'
import {
  type AtlasAnswer,
  atlasError,
  outcomeOfRefusal,
  unexpectedAnswer,
} from './answer-outcome.ts'
import type { ListedEntry } from './atlas-lists.ts'
import type { AtlasSession, CallResult, CallShape } from './atlas-session.ts'
import type { InvitationRef } from './invitation-ref.ts'
import { missingThing } from './not-found-evidence.ts'

/** The outcome for one invitation (or pending user), and which one. */
export type Revocation = Outcome & {
  readonly orgId: string
  /** The invitation, when known (always in v1/v2; in users mode when asked for by id). */
  readonly invitationId?: string
  /** The Cloud Users API user that was (or would be) removed, in users mode. */
  readonly userId?: string
  readonly username?: string
}

export type Search =
  | {
      readonly kind: 'found'
      /** Entries of the username asked for that can be revoked (or, in users mode, are active). */
      readonly entries: readonly ListedEntry[]
      /** Entries for other usernames: a list that ignored its filter. Never revoked. */
      readonly ignored: readonly ListedEntry[]
    }
  | { readonly kind: 'failed'; readonly outcome: Outcome }

export interface AtlasAdapter {
  /** Pending invitations (users mode: pending or active users) of `username` in an organization. */
  findPending(session: AtlasSession, orgId: string, username: string): Promise<Search>
  /** Revokes one entry {@link findPending} returned. */
  revokeEntry(session: AtlasSession, orgId: string, entry: ListedEntry): Promise<Revocation>
  /** Revokes the invitation with this id: one revocation, or (users mode) one per matching user. */
  revokeInvitation(session: AtlasSession, ref: InvitationRef): Promise<Revocation[]>
}

/**
 * Sends a removal and reads its answer by the evidence rules. `stillPending` lists again after
 * an unexplained 404: `true` when the target is still listed, `false` when not, or the outcome
 * of a list that could not be read.
 */
export async function removeWithEvidence(
  session: AtlasSession,
  removal: CallShape,
  target: { readonly id: string; readonly orgId: string; readonly what: string },
  stillPending: () => Promise<boolean | Outcome>,
): Promise<Outcome> {
  const result = await session.call(removal)
  if (result.kind === 'failed') return result.outcome
  const { response } = result
  if (response.status >= 200 && response.status < 300)
    return { outcome: 'revoked', status: response.status, retryable: false }
  if (response.status !== 404) return outcomeOfRefusal(response)
  const missing = missingThing(response, target.id, [target.orgId])
  if (missing === 'target') {
    return {
      outcome: 'already_gone',
      status: 404,
      ...atlasError(response),
      detail: `Atlas says ${target.what} ${target.id} does not exist`,
      retryable: false,
    }
  }
  if (missing === 'container') return orgNotFound(response, target.orgId)
  const listed = await stillPending()
  if (typeof listed !== 'boolean') return listed
  return listed
    ? {
        outcome: 'upstream_error',
        status: 404,
        detail: `Atlas answered 404 for ${target.what} ${target.id} but still lists it as pending`,
        retryable: true,
      }
    : {
        outcome: 'already_gone',
        status: 404,
        detail: `Atlas answered 404 for ${target.what} ${target.id} and no longer lists it as pending`,
        retryable: false,
      }
}

/**
 * Reads a list call's result: entries by `read` from a 2xx in the documented shape (split by
 * username), an organization that does not exist, or the refusal's outcome.
 */
export function readSearch(
  result: CallResult,
  orgId: string,
  what: string,
  read: (body: unknown) => ListedEntry[] | undefined,
):
  | { readonly kind: 'listed'; readonly entries: ListedEntry[] }
  | Extract<Search, { kind: 'failed' }> {
  if (result.kind === 'failed') return result
  const { response } = result
  if (response.status >= 200 && response.status < 300) {
    const entries = read(response.body)
    return entries
      ? { kind: 'listed', entries }
      : { kind: 'failed', outcome: unexpectedAnswer(response, what) }
  }
  if (missingThing(response, undefined, [orgId]) === 'container')
    return { kind: 'failed', outcome: orgNotFound(response, orgId) }
  return { kind: 'failed', outcome: outcomeOfRefusal(response) }
}

/** The organization itself does not exist: retrying cannot help, the request is wrong. */
export function orgNotFound(answer: AtlasAnswer, orgId: string): Outcome {
  return {
    ...outcomeOfRefusal(answer),
    outcome: 'invalid',
    detail: `Atlas says organization ${orgId} does not exist`,
    retryable: false,
  }
}
