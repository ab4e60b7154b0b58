/**
 * Reading Atlas's list answers without trusting them. A list in any other shape than the spec
 * documents (a bare JSON array of invitations; `{results: [...]}` of users, organizations,
 * projects) proves nothing and reads as `undefined`; a scope's entries of a person are matched
 * here, trimmed and case-insensitive, never left to Atlas's filters. Pure.
 */
import type { Outcome } from '../../outcome.ts'
import type { CallResult } from '../http/index.ts'
import { outcomeOfRefusal, unexpectedAnswer } from './answer-outcome.ts'
import { containerNotFound } from './evidence.ts'
import { ATLAS_ID_PATTERN } from './invitation-ref.ts'
import { missingThing } from './not-found-evidence.ts'
import { containersOf, type Scope } from './scope.ts'
import { normalizeUsername, type Username } from './username.ts'

export interface ListedEntry {
  /** The invitation id, or the user id in the Cloud Users API. */
  readonly id: string
  /** As Atlas showed it, normalized where it was read. */
  readonly username: Username
  /** `PENDING` for an invitation; the `orgMembershipStatus` of a user. */
  readonly status: string
  /** Which API listed it, so the same one removes it. */
  readonly via: 'invitations' | 'users'
  /**
   * Users mode: the invitations API's ids of this pending user's invitation. The user and its
   * invitation are one pending access, revoked together and counted once.
   */
  readonly invitationIds?: readonly string[]
}

/** One page of `{links, results, totalCount}`. */
export interface ListedPage<T> {
  readonly items: readonly T[]
  /** Atlas's count of all items, an estimate it may leave out. */
  readonly totalCount: number | undefined
}

/** `GET …/invites`: a JSON array of invitations, each with an Atlas id and a username. */
export function readInvitationList(body: unknown): ListedEntry[] | undefined {
  if (!Array.isArray(body)) return undefined
  const entries = body.map(readInvitation)
  return entries.every((entry) => entry !== undefined) ? (entries as ListedEntry[]) : undefined
}

/** `GET …/invites/{id}`: one invitation. */
export function readInvitation(body: unknown): ListedEntry | undefined {
  const fields = fieldsOf(body)
  if (!fields || !isAtlasId(fields.id) || typeof fields.username !== 'string') return undefined
  return {
    id: fields.id,
    username: normalizeUsername(fields.username),
    status: 'PENDING',
    via: 'invitations',
  }
}

/** One user of `GET …/users`: an id, a username and a membership status. */
export function readUser(item: unknown): ListedEntry | undefined {
  const fields = fieldsOf(item)
  if (!fields || !isAtlasId(fields.id) || typeof fields.username !== 'string') return undefined
  if (typeof fields.orgMembershipStatus !== 'string') return undefined
  return {
    id: fields.id,
    username: normalizeUsername(fields.username),
    status: fields.orgMembershipStatus,
    via: 'users',
  }
}

/** An organization or project of `GET /orgs` or `GET /orgs/{id}/groups`: its id (deleted ones left out). */
export function readScopeId(item: unknown): string | null | undefined {
  const fields = fieldsOf(item)
  if (!fields || !isAtlasId(fields.id)) return undefined
  return fields.isDeleted === true ? null : fields.id
}

/** A page of `{results: [...]}` whose every item `read` accepts. */
export function readPage<T>(
  body: unknown,
  read: (item: unknown) => T | undefined,
): ListedPage<T> | undefined {
  const fields = fieldsOf(body)
  if (!fields || Array.isArray(body) || !Array.isArray(fields.results)) return undefined
  const items = fields.results.map(read)
  if (!items.every((item) => item !== undefined)) return undefined
  return {
    items: items as T[],
    totalCount: typeof fields.totalCount === 'number' ? fields.totalCount : undefined,
  }
}

/** Splits entries into those of `username` and the rest (which a filtered list should not hold). */
export function partitionByUsername(
  entries: readonly ListedEntry[],
  username: Username,
): { readonly matching: ListedEntry[]; readonly others: ListedEntry[] } {
  const matching: ListedEntry[] = []
  const others: ListedEntry[] = []
  for (const entry of entries) (entry.username === username ? matching : others).push(entry)
  return { matching, others }
}

function fieldsOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)
    : undefined
}

function isAtlasId(value: unknown): value is string {
  return typeof value === 'string' && ATLAS_ID_PATTERN.test(value)
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
