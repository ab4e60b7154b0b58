/**
 * The invitations the simulator holds, to an organization or to one of its projects: sent,
 * pending until they expire, then expired; revoked (recorded, in order) or taken back out when
 * the invitee accepts.
 */
import { DAY_MS, isoSeconds, newObjectId, sameUsername } from './atlas-ids.ts'
import type { OrgRole } from './member-registry.ts'

export interface SimulatedInvitation {
  readonly id: string
  /**
   * The invitee's id in the Cloud Users API while the invitation is pending: a user id, not
   * the invitation id (Atlas keeps the two apart; one recorded run: invitation …6c2d, user …6c2e).
   */
  readonly userId: string
  readonly orgId: string
  /** Set for a project invitation: the project it invites to. */
  readonly groupId?: string
  readonly username: string
  readonly roles: readonly OrgRole[]
  readonly createdAt: string
  readonly expiresAt: string
  readonly inviterUsername: string
  readonly teamIds: readonly string[]
}

export interface RevocationRecord {
  readonly orgId: string
  readonly groupId?: string
  readonly invitationId: string
  readonly username: string
  readonly at: string
}

/** What sending an invitation takes; the rest is filled in as Atlas fills it in. */
export type InvitationRequest = Pick<SimulatedInvitation, 'orgId' | 'username' | 'roles'> & {
  readonly id?: string
  readonly userId?: string
  readonly groupId?: string
  readonly expiresAt?: string
}

/** An organization id (org-level invitations) or `{ groupId }` (a project's invitations). */
export type InvitationScope = string | { readonly groupId: string }

export class InvitationRegistry {
  readonly #invitations = new Map<string, SimulatedInvitation>()
  readonly #revoked: RevocationRecord[] = []
  readonly #now: () => number

  constructor(now: () => number) {
    this.#now = now
  }

  invite(invitation: InvitationRequest): SimulatedInvitation {
    const created = this.#now()
    const stored: SimulatedInvitation = {
      id: invitation.id ?? newObjectId(),
      userId: invitation.userId ?? newObjectId(),
      orgId: invitation.orgId,
      ...(invitation.groupId === undefined ? {} : { groupId: invitation.groupId }),
      username: invitation.username,
      roles: invitation.roles,
      createdAt: isoSeconds(created),
      expiresAt: invitation.expiresAt ?? isoSeconds(created + 30 * DAY_MS),
      inviterUsername: 'simulator-admin',
      teamIds: [],
    }
    this.#invitations.set(stored.id, stored)
    return stored
  }

  /** Invitations of an organization that expired unanswered (INVITATION_EXPIRED users). */
  expiredInvitations(
    orgId: string,
    username?: string,
    same: (a: string, b: string) => boolean = sameUsername,
  ): SimulatedInvitation[] {
    return [...this.#invitations.values()].filter(
      (invitation) =>
        inScope(invitation, orgId) &&
        !this.#isPending(invitation) &&
        (username === undefined || same(invitation.username, username)),
    )
  }

  /** The pending invitation whose invitee has this Cloud Users API id. */
  pendingInvitationOfUser(orgId: string, userId: string): SimulatedInvitation | undefined {
    return this.pendingInvitations(orgId).find((invitation) => invitation.userId === userId)
  }

  /**
   * Pending (unexpired) invitations of an organization (`scope` an org id) or of a project
   * (`{ groupId }`), optionally for one username (compared by `same`, case-insensitive by default).
   */
  pendingInvitations(
    scope: InvitationScope,
    username?: string,
    same: (a: string, b: string) => boolean = sameUsername,
  ): SimulatedInvitation[] {
    return [...this.#invitations.values()].filter(
      (invitation) =>
        inScope(invitation, scope) &&
        this.#isPending(invitation) &&
        (username === undefined || same(invitation.username, username)),
    )
  }

  pendingInvitation(scope: InvitationScope, invitationId: string): SimulatedInvitation | undefined {
    const invitation = this.#invitations.get(invitationId)
    return invitation && inScope(invitation, scope) && this.#isPending(invitation)
      ? invitation
      : undefined
  }

  /** Every pending invitation, of every organization and project, in order. */
  allPendingInvitations(): SimulatedInvitation[] {
    return [...this.#invitations.values()].filter((invitation) => this.#isPending(invitation))
  }

  /** Removes a pending invitation; false when there is none (never sent, accepted, revoked, expired). */
  revoke(scope: InvitationScope, invitationId: string): boolean {
    const invitation = this.pendingInvitation(scope, invitationId)
    if (!invitation) return false
    this.#invitations.delete(invitationId)
    this.#revoked.push({
      orgId: invitation.orgId,
      ...(invitation.groupId === undefined ? {} : { groupId: invitation.groupId }),
      invitationId,
      username: invitation.username,
      at: new Date(this.#now()).toISOString(),
    })
    return true
  }

  /** Removes an invitation, pending or expired, and returns it; `undefined` when there is none. */
  take(invitationId: string): SimulatedInvitation | undefined {
    const invitation = this.#invitations.get(invitationId)
    if (!invitation) return undefined
    this.#invitations.delete(invitationId)
    return invitation
  }

  revocations(): readonly RevocationRecord[] {
    return this.#revoked
  }

  #isPending(invitation: SimulatedInvitation): boolean {
    return Date.parse(invitation.expiresAt) > this.#now()
  }
}

/** An organization id is an org-level invitation's scope; `{ groupId }` a project's. */
function inScope(invitation: SimulatedInvitation, scope: InvitationScope): boolean {
  return typeof scope === 'string'
    ? invitation.orgId === scope && invitation.groupId === undefined
    : invitation.groupId === scope.groupId
}
