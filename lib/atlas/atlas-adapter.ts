/**
 * One adapter per Atlas API (`v1`, `v2` invitations; `users`, the Cloud Users API), each with
 * the same small interface and its own evidence rule for "gone". Nothing outside `lib/atlas/`
 * knows which API is in use. The shared evidence rules live here:
 *
 * - a removal settles as `revoked` on a 2xx with the documented body (empty, or JSON);
 * - a 404 settles as `already_gone` only when it names the invitation or user (and not its
 *   container too), or when a follow-up list shows it no longer pending; a 404 naming the
 *   organization or project is `invalid`; any other 404 is an `upstream_error`;
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

/** Where invitations live: an organization, or one of its projects. */
export interface Scope {
  readonly orgId: string
  /** A project (Atlas calls them groups); absent for the organization itself. */
  readonly groupId?: string
}

/** The outcome for one invitation (or pending user), and which one. */
export type Revocation = Outcome & {
  readonly orgId: string
  readonly groupId?: string
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

/** Organizations or projects: their ids, or why they could not be listed. */
export type Listing =
  | { readonly kind: 'listed'; readonly ids: readonly string[] }
  | { readonly kind: 'failed'; readonly outcome: Outcome }

export interface RevokeOptions {
  /** Report what would be revoked (`would_revoke`); send no removal. */
  readonly dryRun?: boolean
}

export interface AtlasAdapter {
  /** The organizations the key can see. */
  listOrganizations(session: AtlasSession): Promise<Listing>
  /** The projects of an organization. */
  listProjects(session: AtlasSession, orgId: string): Promise<Listing>
  /** Pending invitations (users mode: pending or active users) of `username` in a scope. */
  findPending(session: AtlasSession, scope: Scope, username: string): Promise<Search>
  /** Revokes one entry {@link findPending} returned (a dry run only reports it). */
  revokeEntry(
    session: AtlasSession,
    scope: Scope,
    entry: ListedEntry,
    options?: RevokeOptions,
  ): Promise<Revocation>
  /** Revokes an organization invitation by id: one revocation, or (users mode) one per user. */
  revokeInvitation(
    session: AtlasSession,
    ref: InvitationRef,
    options?: RevokeOptions,
  ): Promise<Revocation[]>
}

/** The scope's ids, the organization first: what a 404 may name as not found. */
export function containersOf(scope: Scope): string[] {
  return scope.groupId === undefined ? [scope.orgId] : [scope.orgId, scope.groupId]
}

/** The fields of a revocation that say where it happened. */
export function whereOf(scope: Scope): Pick<Revocation, 'orgId' | 'groupId'> {
  return scope.groupId === undefined
    ? { orgId: scope.orgId }
    : { orgId: scope.orgId, groupId: scope.groupId }
}

/** A dry run's answer for something that would be revoked. */
export const WOULD_REVOKE: Outcome = {
  outcome: 'would_revoke',
  detail: 'dry run: pending, not revoked',
  retryable: false,
}

/** What a removal is aimed at: its id, what it is, and the ids of what contains it. */
export interface RemovalTarget {
  readonly id: string
  /** `invitation`, `pending user`, … for the explanations. */
  readonly what: string
  readonly scope: Scope
}

/**
 * Sends a removal and reads its answer by the evidence rules. `stillPending` lists again when
 * the answer alone proves nothing (a 404 naming nothing, a 2xx that is not the documented empty
 * or JSON body): `true` when the target is still listed, `false` when not, or the outcome of a
 * list that could not be read.
 */
export async function removeWithEvidence(
  session: AtlasSession,
  removal: CallShape,
  target: RemovalTarget,
  stillPending: () => Promise<boolean | Outcome>,
): Promise<Outcome> {
  const result = await session.call(removal)
  if (result.kind === 'failed') return result.outcome
  const { response } = result
  const { status } = response
  const success = status >= 200 && status < 300
  if (success && response.bodyKind !== 'other')
    return { outcome: 'revoked', status, retryable: false }
  if (!success && status !== 404) return outcomeOfRefusal(response)
  if (!success) {
    const gone = goneByName(response, target)
    if (gone) return gone
  }
  const listed = await stillPending()
  if (typeof listed !== 'boolean') return listed
  const answered = success ? `${status} in an undocumented shape` : '404 naming nothing'
  if (listed) {
    return {
      outcome: 'upstream_error',
      status,
      detail: `Atlas answered ${answered} for ${target.what} ${target.id} but still lists it as pending`,
      retryable: true,
    }
  }
  return {
    outcome: success ? 'revoked' : 'already_gone',
    status,
    detail: `Atlas answered ${answered} for ${target.what} ${target.id} and no longer lists it as pending`,
    retryable: false,
  }
}

/**
 * A 404 that names the target (`already_gone`) or its container (`invalid`); `undefined` when
 * it names neither, which a follow-up list must then decide.
 */
export function goneByName(answer: AtlasAnswer, target: RemovalTarget): Outcome | undefined {
  const missing = missingThing(answer, target.id, containersOf(target.scope))
  if (missing === 'container') return containerNotFound(answer, target.scope)
  if (missing !== 'target') return undefined
  return {
    outcome: 'already_gone',
    status: answer.status,
    ...atlasError(answer),
    detail: `Atlas says ${target.what} ${target.id} does not exist`,
    retryable: false,
  }
}

/**
 * Reads a list call's result: entries by `read` from a 2xx in the documented shape, a scope
 * that does not exist, or the refusal's outcome.
 */
export function readListResult<T>(
  result: CallResult,
  scope: Scope,
  what: string,
  read: (body: unknown) => T | undefined,
):
  | { readonly kind: 'listed'; readonly value: T }
  | { readonly kind: 'failed'; readonly outcome: Outcome } {
  if (result.kind === 'failed') return result
  const { response } = result
  if (response.status >= 200 && response.status < 300) {
    const value = response.bodyKind === 'json' ? read(response.body) : undefined
    return value === undefined
      ? { kind: 'failed', outcome: unexpectedAnswer(response, what) }
      : { kind: 'listed', value }
  }
  if (missingThing(response, undefined, containersOf(scope)) === 'container')
    return { kind: 'failed', outcome: containerNotFound(response, scope) }
  return { kind: 'failed', outcome: outcomeOfRefusal(response) }
}

/** The organization (or project) does not exist: retrying cannot help, the request is wrong. */
export function containerNotFound(answer: AtlasAnswer, scope: Scope): Outcome {
  const parameters = (answer.body as { parameters?: unknown } | undefined)?.parameters
  const names = (id: string | undefined) => Array.isArray(parameters) && parameters.includes(id)
  const [what, id] =
    scope.groupId !== undefined && names(scope.groupId)
      ? ['project', scope.groupId]
      : ['organization', scope.orgId]
  return {
    ...outcomeOfRefusal(answer),
    outcome: 'invalid',
    detail: `Atlas says ${what} ${id} does not exist`,
    retryable: false,
  }
}
