/**
 * The data the Atlas simulator serves, put together from its parts: organizations and projects
 * (`org-registry.ts`), pending invitations (`invitation-registry.ts`), active members with their
 * organization roles (`member-registry.ts`), and API keys and service accounts with
 * per-organization roles (`principal-registry.ts`). Plain in-memory state, one clock, with the
 * few operations the routes need; an accepted invitation moves from the invitations to the members.
 */
import {
  InvitationRegistry,
  type InvitationRequest,
  type InvitationScope,
  type RevocationRecord,
  type SimulatedInvitation,
} from './invitation-registry.ts'
import { MemberRegistry, type MemberRemoval, type SimulatedMember } from './member-registry.ts'
import { OrgRegistry, type SimulatedOrg, type SimulatedProject } from './org-registry.ts'
import {
  type CallerUser,
  PrincipalRegistry,
  type SimulatedApiKey,
  type SimulatedServiceAccount,
} from './principal-registry.ts'

// The names other files have always imported from here.
export { callerUserId, newObjectId } from './atlas-ids.ts'
export type { RevocationRecord, SimulatedInvitation } from './invitation-registry.ts'
export type { MemberRemoval, OrgRole, SimulatedMember } from './member-registry.ts'
export type { SimulatedOrg, SimulatedProject } from './org-registry.ts'
export type {
  CallerUser,
  SimulatedApiKey,
  SimulatedPrincipal,
  SimulatedServiceAccount,
} from './principal-registry.ts'

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

export class SimulatedAtlasState {
  readonly #orgs = new OrgRegistry()
  readonly #principals = new PrincipalRegistry()
  readonly #members: MemberRegistry
  readonly #invitations: InvitationRegistry

  constructor(seed: AtlasSeed, now: () => number = Date.now) {
    this.#members = new MemberRegistry(now)
    this.#invitations = new InvitationRegistry(now)
    for (const org of seed.orgs) this.#orgs.addOrg(org)
    for (const project of seed.projects ?? []) this.#orgs.addProject(project)
    for (const key of seed.apiKeys) this.putApiKey(key)
    for (const account of seed.serviceAccounts ?? []) this.putServiceAccount(account)
    for (const member of seed.members ?? []) this.addMember(member)
    for (const invitation of seed.invitations) this.invite(invitation)
  }

  invite(invitation: InvitationRequest): SimulatedInvitation {
    return this.#invitations.invite(invitation)
  }

  putApiKey(key: SimulatedApiKey): void {
    this.#principals.putApiKey(key)
  }

  apiKey(publicKey: string): SimulatedApiKey | undefined {
    return this.#principals.apiKey(publicKey)
  }

  putServiceAccount(account: SimulatedServiceAccount): void {
    this.#principals.putServiceAccount(account)
  }

  serviceAccount(clientId: string): SimulatedServiceAccount | undefined {
    return this.#principals.serviceAccount(clientId)
  }

  addMember(member: Omit<SimulatedMember, 'createdAt'>): SimulatedMember {
    return this.#members.addMember(member)
  }

  /** The API keys and service accounts with a role in the organization, shown as users. */
  callerUsers(orgId: string): CallerUser[] {
    return this.#principals.callerUsers(orgId)
  }

  /** Whether removing this member would leave the organization without an Organization Owner. */
  isLastOwner(orgId: string, userId: string): boolean {
    return this.#members.isLastOwner(orgId, userId)
  }

  /** Active members of an organization, optionally one username. */
  members(
    orgId: string,
    username?: string,
    same?: (a: string, b: string) => boolean,
  ): SimulatedMember[] {
    return this.#members.members(orgId, username, same)
  }

  member(orgId: string, userId: string): SimulatedMember | undefined {
    return this.#members.member(orgId, userId)
  }

  /** Removes an active member; false when there is none. Recorded in `memberRemovals`. */
  removeMember(orgId: string, userId: string): boolean {
    return this.#members.removeMember(orgId, userId)
  }

  memberRemovals(): readonly MemberRemoval[] {
    return this.#members.memberRemovals()
  }

  org(orgId: string): SimulatedOrg | undefined {
    return this.#orgs.org(orgId)
  }

  addOrg(org: SimulatedOrg): SimulatedOrg {
    return this.#orgs.addOrg(org)
  }

  /** The organization is deleted: keys that had a role there now get 404 for it. */
  removeOrg(orgId: string): boolean {
    return this.#orgs.removeOrg(orgId)
  }

  /** Invitations of an organization that expired unanswered (INVITATION_EXPIRED users). */
  expiredInvitations(
    orgId: string,
    username?: string,
    same?: (a: string, b: string) => boolean,
  ): SimulatedInvitation[] {
    return this.#invitations.expiredInvitations(orgId, username, same)
  }

  /** The pending invitation whose invitee has this Cloud Users API id. */
  pendingInvitationOfUser(orgId: string, userId: string): SimulatedInvitation | undefined {
    return this.#invitations.pendingInvitationOfUser(orgId, userId)
  }

  /**
   * Pending (unexpired) invitations of an organization (`scope` an org id) or of a project
   * (`{ groupId }`), optionally for one username (compared by `same`, case-insensitive by default).
   */
  pendingInvitations(
    scope: InvitationScope,
    username?: string,
    same?: (a: string, b: string) => boolean,
  ): SimulatedInvitation[] {
    return this.#invitations.pendingInvitations(scope, username, same)
  }

  pendingInvitation(scope: InvitationScope, invitationId: string): SimulatedInvitation | undefined {
    return this.#invitations.pendingInvitation(scope, invitationId)
  }

  project(groupId: string): SimulatedProject | undefined {
    return this.#orgs.project(groupId)
  }

  projects(orgId: string): SimulatedProject[] {
    return this.#orgs.projects(orgId)
  }

  addProject(project: SimulatedProject): SimulatedProject {
    return this.#orgs.addProject(project)
  }

  /** Organizations that exist, in order. */
  orgs(): SimulatedOrg[] {
    return this.#orgs.orgs()
  }

  /** Removes a pending invitation; false when there is none (never sent, accepted, revoked, expired). */
  revoke(scope: InvitationScope, invitationId: string): boolean {
    return this.#invitations.revoke(scope, invitationId)
  }

  /** The invitee accepted: the invitation is gone and its user is an active member. */
  accept(invitationId: string): SimulatedMember | undefined {
    const invitation = this.#invitations.take(invitationId)
    if (!invitation) return undefined
    return this.addMember({
      id: invitation.userId,
      orgId: invitation.orgId,
      username: invitation.username,
      roles: invitation.roles,
    })
  }

  revocations(): readonly RevocationRecord[] {
    return this.#invitations.revocations()
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
      orgs: this.#orgs.orgs(),
      projects: this.#orgs.allProjects(),
      invitations: this.#invitations.allPendingInvitations(),
      members: this.#members.allMembers(),
      revoked: [...this.#invitations.revocations()],
      removedMembers: [...this.#members.memberRemovals()],
    }
  }
}
