/**
 * The data the Atlas simulator serves: organizations, pending invitations, active members with
 * their organization roles, and API keys and service accounts with per-organization roles.
 * Plain in-memory state with the few operations the routes need.
 */
import { createHash, randomBytes } from 'node:crypto'

export type OrgRole =
  | 'ORG_OWNER'
  | 'ORG_MEMBER'
  | 'ORG_READ_ONLY'
  | 'ORG_BILLING_ADMIN'
  | 'ORG_GROUP_CREATOR'

export interface SimulatedOrg {
  readonly id: string
  readonly name: string
}

/** A project (Atlas calls them groups) of an organization. */
export interface SimulatedProject {
  readonly id: string
  readonly orgId: string
  readonly name: string
}

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

/** Whoever calls the API: an API key or a service account. */
export interface SimulatedPrincipal {
  /** Roles per organization id; an organization absent here is invisible to the caller (401). */
  readonly roles: Readonly<Record<string, readonly OrgRole[]>>
  /** Client addresses the caller may use; absent = any. */
  readonly accessList?: readonly string[]
}

export interface SimulatedApiKey extends SimulatedPrincipal {
  readonly publicKey: string
  readonly privateKey: string
}

export interface SimulatedServiceAccount extends SimulatedPrincipal {
  readonly clientId: string
  readonly clientSecret: string
}

/**
 * A user who accepted the invitation: an active member of one organization. A person keeps one
 * user id in every organization they belong to, as in Atlas.
 */
export interface SimulatedMember {
  readonly id: string
  readonly orgId: string
  readonly username: string
  readonly roles: readonly OrgRole[]
  readonly createdAt: string
}

export interface AtlasSeed {
  readonly orgs: readonly SimulatedOrg[]
  readonly projects?: readonly SimulatedProject[]
  readonly invitations: readonly (Omit<
    SimulatedInvitation,
    'createdAt' | 'expiresAt' | 'inviterUsername' | 'teamIds' | 'userId'
  > & { readonly userId?: string })[]
  readonly apiKeys: readonly SimulatedApiKey[]
  readonly serviceAccounts?: readonly SimulatedServiceAccount[]
  readonly members?: readonly Omit<SimulatedMember, 'createdAt'>[]
}

export interface RevocationRecord {
  readonly orgId: string
  readonly groupId?: string
  readonly invitationId: string
  readonly username: string
  readonly at: string
}

/** A member removed from an organization (`DELETE …/orgs/{orgId}/users/{userId}`). */
export interface MemberRemoval {
  readonly orgId: string
  readonly userId: string
  readonly username: string
  readonly roles: readonly OrgRole[]
  readonly at: string
}

/** An API key or a service account, as it would show among an organization's users. */
export interface CallerUser {
  /** A user id derived from the public key or client id. */
  readonly id: string
  /** The public key or client id itself (MongoDB does not say how such a user is named). */
  readonly username: string
  readonly roles: readonly OrgRole[]
}

const DAY_MS = 24 * 60 * 60 * 1000

export class SimulatedAtlasState {
  readonly #orgs = new Map<string, SimulatedOrg>()
  readonly #projects = new Map<string, SimulatedProject>()
  readonly #invitations = new Map<string, SimulatedInvitation>()
  readonly #apiKeys = new Map<string, SimulatedApiKey>()
  readonly #serviceAccounts = new Map<string, SimulatedServiceAccount>()
  /** Keyed `orgId userId`: one person may be a member of several organizations. */
  readonly #members = new Map<string, SimulatedMember>()
  readonly #revoked: RevocationRecord[] = []
  readonly #removedMembers: MemberRemoval[] = []
  readonly #now: () => number

  constructor(seed: AtlasSeed, now: () => number = Date.now) {
    this.#now = now
    for (const org of seed.orgs) this.#orgs.set(org.id, org)
    for (const project of seed.projects ?? []) this.#projects.set(project.id, project)
    for (const key of seed.apiKeys) this.putApiKey(key)
    for (const account of seed.serviceAccounts ?? []) this.putServiceAccount(account)
    for (const member of seed.members ?? []) this.addMember(member)
    for (const invitation of seed.invitations) this.invite(invitation)
  }

  invite(
    invitation: Pick<SimulatedInvitation, 'orgId' | 'username' | 'roles'> & {
      readonly id?: string
      readonly userId?: string
      readonly groupId?: string
      readonly expiresAt?: string
    },
  ): SimulatedInvitation {
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

  putApiKey(key: SimulatedApiKey): void {
    this.#apiKeys.set(key.publicKey, key)
  }

  apiKey(publicKey: string): SimulatedApiKey | undefined {
    return this.#apiKeys.get(publicKey)
  }

  putServiceAccount(account: SimulatedServiceAccount): void {
    this.#serviceAccounts.set(account.clientId, account)
  }

  serviceAccount(clientId: string): SimulatedServiceAccount | undefined {
    return this.#serviceAccounts.get(clientId)
  }

  addMember(member: Omit<SimulatedMember, 'createdAt'>): SimulatedMember {
    const stored = { ...member, createdAt: isoSeconds(this.#now()) }
    this.#members.set(memberKey(stored.orgId, stored.id), stored)
    return stored
  }

  /** The API keys and service accounts with a role in the organization, shown as users. */
  callerUsers(orgId: string): CallerUser[] {
    return [...this.#apiKeys.values(), ...this.#serviceAccounts.values()].flatMap((principal) => {
      const roles = principal.roles[orgId]
      if (!roles) return []
      const name = 'publicKey' in principal ? principal.publicKey : principal.clientId
      return [{ id: callerUserId(name), username: name, roles }]
    })
  }

  /** Whether removing this member would leave the organization without an Organization Owner. */
  isLastOwner(orgId: string, userId: string): boolean {
    const member = this.member(orgId, userId)
    if (!member?.roles.includes('ORG_OWNER')) return false
    return !this.members(orgId).some(
      (other) => other.id !== userId && other.roles.includes('ORG_OWNER'),
    )
  }

  /** Active members of an organization, optionally one username. */
  members(
    orgId: string,
    username?: string,
    same: (a: string, b: string) => boolean = sameUsername,
  ): SimulatedMember[] {
    return [...this.#members.values()].filter(
      (member) =>
        member.orgId === orgId && (username === undefined || same(member.username, username)),
    )
  }

  member(orgId: string, userId: string): SimulatedMember | undefined {
    return this.#members.get(memberKey(orgId, userId))
  }

  /** Removes an active member; false when there is none. Recorded in `removedMembers`. */
  removeMember(orgId: string, userId: string): boolean {
    const member = this.member(orgId, userId)
    if (!member) return false
    this.#members.delete(memberKey(orgId, userId))
    this.#removedMembers.push({
      orgId,
      userId,
      username: member.username,
      roles: member.roles,
      at: new Date(this.#now()).toISOString(),
    })
    return true
  }

  memberRemovals(): readonly MemberRemoval[] {
    return this.#removedMembers
  }

  org(orgId: string): SimulatedOrg | undefined {
    return this.#orgs.get(orgId)
  }

  addOrg(org: SimulatedOrg): SimulatedOrg {
    this.#orgs.set(org.id, org)
    return org
  }

  /** The organization is deleted: keys that had a role there now get 404 for it. */
  removeOrg(orgId: string): boolean {
    return this.#orgs.delete(orgId)
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
    scope: string | { readonly groupId: string },
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

  pendingInvitation(
    scope: string | { readonly groupId: string },
    invitationId: string,
  ): SimulatedInvitation | undefined {
    const invitation = this.#invitations.get(invitationId)
    return invitation && inScope(invitation, scope) && this.#isPending(invitation)
      ? invitation
      : undefined
  }

  project(groupId: string): SimulatedProject | undefined {
    return this.#projects.get(groupId)
  }

  projects(orgId: string): SimulatedProject[] {
    return [...this.#projects.values()].filter((project) => project.orgId === orgId)
  }

  addProject(project: SimulatedProject): SimulatedProject {
    this.#projects.set(project.id, project)
    return project
  }

  /** Organizations that exist, in order. */
  orgs(): SimulatedOrg[] {
    return [...this.#orgs.values()]
  }

  /** Removes a pending invitation; false when there is none (never sent, accepted, revoked, expired). */
  revoke(scope: string | { readonly groupId: string }, invitationId: string): boolean {
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

  /** The invitee accepted: the invitation is gone and its user is an active member. */
  accept(invitationId: string): SimulatedMember | undefined {
    const invitation = this.#invitations.get(invitationId)
    if (!invitation) return undefined
    this.#invitations.delete(invitationId)
    return this.addMember({
      id: invitation.userId,
      orgId: invitation.orgId,
      username: invitation.username,
      roles: invitation.roles,
    })
  }

  revocations(): readonly RevocationRecord[] {
    return this.#revoked
  }

  snapshot(): {
    orgs: SimulatedOrg[]
    projects: SimulatedProject[]
    invitations: SimulatedInvitation[]
    members: SimulatedMember[]
    revoked: RevocationRecord[]
    removedMembers: MemberRemoval[]
  } {
    return {
      orgs: [...this.#orgs.values()],
      projects: [...this.#projects.values()],
      invitations: [...this.#invitations.values()].filter((invitation) =>
        this.#isPending(invitation),
      ),
      members: [...this.#members.values()],
      revoked: [...this.#revoked],
      removedMembers: [...this.#removedMembers],
    }
  }

  #isPending(invitation: SimulatedInvitation): boolean {
    return Date.parse(invitation.expiresAt) > this.#now()
  }
}

/** An organization id is an org-level invitation's scope; `{ groupId }` a project's. */
function inScope(
  invitation: SimulatedInvitation,
  scope: string | { readonly groupId: string },
): boolean {
  return typeof scope === 'string'
    ? invitation.orgId === scope && invitation.groupId === undefined
    : invitation.groupId === scope.groupId
}

function memberKey(orgId: string, userId: string): string {
  return `${orgId} ${userId}`
}

/** The user id an API key or service account would show under: derived from its public half. */
export function callerUserId(publicPart: string): string {
  return createHash('sha256').update(publicPart).digest('hex').slice(0, 24)
}

/** A random 24-hex-digit id, the shape of every Atlas id. */
export function newObjectId(): string {
  return randomBytes(12).toString('hex')
}

function sameUsername(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}

function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`
}
