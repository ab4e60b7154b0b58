/**
 * One adapter per Atlas API (`v1`, `v2` invitations; `users`, the Cloud Users API), each with
 * the same small interface. Nothing outside `lib/atlas/` knows which API is in use. Every answer
 * about one invitation or user is read by the evidence ladder (evidence.ts); a scope's entries
 * come from its whole list, matched here (lists.ts), never from Atlas's filters alone.
 */
import type { Outcome } from '../../outcome.ts'
import type { AtlasSession } from '../http/index.ts'
import type { InvitationRef } from './invitation-ref.ts'
import type { ListedEntry } from './lists.ts'
import type { Scope } from './scope.ts'
import type { Username } from './username.ts'

export type { Scope } from './scope.ts'

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
      /** What Atlas's answers left open without failing the search (a count that was off). */
      readonly notes?: readonly string[]
    }
  | { readonly kind: 'failed'; readonly outcome: Outcome }

/** Organizations or projects: their ids, or why they could not be listed. */
export type Listing =
  | { readonly kind: 'listed'; readonly ids: readonly string[]; readonly notes?: readonly string[] }
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
  /**
   * Pending invitations (users mode: pending or active users) of `username` in a scope, from
   * the scope's whole list, matched trimmed and case-insensitive.
   */
  findPending(session: AtlasSession, scope: Scope, username: Username): Promise<Search>
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
