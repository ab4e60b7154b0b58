/**
 * The organization roles, and the active members holding them: users who accepted an
 * invitation. A member may be removed (recorded, in order); the registry says when that would
 * leave an organization without an Organization Owner.
 */
import { isoSeconds, sameUsername } from './atlas-ids.ts'

export type OrgRole =
  | 'ORG_OWNER'
  | 'ORG_MEMBER'
  | 'ORG_READ_ONLY'
  | 'ORG_BILLING_ADMIN'
  | 'ORG_GROUP_CREATOR'

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

/** A member removed from an organization (`DELETE …/orgs/{orgId}/users/{userId}`). */
export interface MemberRemoval {
  readonly orgId: string
  readonly userId: string
  readonly username: string
  readonly roles: readonly OrgRole[]
  readonly at: string
}

export class MemberRegistry {
  /** Keyed `orgId userId`: one person may be a member of several organizations. */
  readonly #members = new Map<string, SimulatedMember>()
  readonly #removedMembers: MemberRemoval[] = []
  readonly #now: () => number

  constructor(now: () => number) {
    this.#now = now
  }

  addMember(member: Omit<SimulatedMember, 'createdAt'>): SimulatedMember {
    const stored = { ...member, createdAt: isoSeconds(this.#now()) }
    this.#members.set(memberKey(stored.orgId, stored.id), stored)
    return stored
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

  /** Removes an active member; false when there is none. Recorded in `memberRemovals`. */
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

  /** Every active member, of every organization, in order. */
  allMembers(): SimulatedMember[] {
    return [...this.#members.values()]
  }
}

function memberKey(orgId: string, userId: string): string {
  return `${orgId} ${userId}`
}
