/**
 * Reading Atlas's list answers without trusting them. A list in any other shape than the spec
 * documents (a bare JSON array of invitations; `{results: [...]}` of users) proves nothing and
 * reads as `undefined`; entries for another username than the one asked for are set apart, so a
 * list that ignored its filter can never make us revoke someone else. Pure.
 */
import { ATLAS_ID_PATTERN } from './invitation-ref.ts'

export interface ListedEntry {
  /** The invitation id, or the user id in the Cloud Users API. */
  readonly id: string
  readonly username: string
  /** `PENDING` for an invitation; the `orgMembershipStatus` of a user. */
  readonly status: string
}

/** A page of `{links, results, totalCount}`. */
export interface ListedPage {
  readonly entries: readonly ListedEntry[]
  readonly totalCount: number | undefined
}

/** Usernames are emails: compared and sent trimmed and in lower case. */
export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase()
}

/** `GET …/invites`: a JSON array of invitations, each with an Atlas id and a username. */
export function readInvitationList(body: unknown): ListedEntry[] | undefined {
  if (!Array.isArray(body)) return undefined
  const entries = body.map((item) => readEntry(item, 'PENDING'))
  return entries.every((entry) => entry !== undefined) ? (entries as ListedEntry[]) : undefined
}

/** `GET …/invites/{id}`: one invitation. */
export function readInvitation(body: unknown): ListedEntry | undefined {
  return readEntry(body, 'PENDING')
}

/** `GET …/users`: `{results: [...]}` of users, each with an id, a username and a membership status. */
export function readUserPage(body: unknown): ListedPage | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined
  const { results, totalCount } = body as { results?: unknown; totalCount?: unknown }
  if (!Array.isArray(results)) return undefined
  const entries = results.map((item) => readEntry(item, undefined))
  if (!entries.every((entry) => entry !== undefined)) return undefined
  return {
    entries: entries as ListedEntry[],
    totalCount: typeof totalCount === 'number' ? totalCount : undefined,
  }
}

/** Splits entries into those of `username` and the rest (which a filtered list should not hold). */
export function partitionByUsername(
  entries: readonly ListedEntry[],
  username: string,
): { readonly matching: ListedEntry[]; readonly others: ListedEntry[] } {
  const wanted = normalizeUsername(username)
  const matching: ListedEntry[] = []
  const others: ListedEntry[] = []
  for (const entry of entries)
    (normalizeUsername(entry.username) === wanted ? matching : others).push(entry)
  return { matching, others }
}

function readEntry(item: unknown, fixedStatus: string | undefined): ListedEntry | undefined {
  if (typeof item !== 'object' || item === null) return undefined
  const { id, username, orgMembershipStatus } = item as Record<string, unknown>
  if (typeof id !== 'string' || !ATLAS_ID_PATTERN.test(id) || typeof username !== 'string')
    return undefined
  const status = fixedStatus ?? orgMembershipStatus
  if (typeof status !== 'string') return undefined
  return { id, username, status }
}
