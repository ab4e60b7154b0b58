/**
 * The oracle's ground truth: a small Atlas (organizations, projects, a leaver's invitations under
 * several spellings, other people's, the leaver as an active member of one or two organizations,
 * a member or an owner, and perhaps another owner) described as plain data that fast-check draws
 * and shrinks, and turned into the simulator's seed.
 */
import type { AtlasSeed, OrgRole } from '../../dev/simulator/simulated-atlas-state.ts'

export const LEAVER = 'leaver@example.com'
/** The spellings a leaver's invitations are made under; the request may use any of them. */
export const SPELLINGS = [LEAVER, 'Leaver@Example.com', 'LEAVER@EXAMPLE.COM'] as const

export const KEY = { publicKey: 'oraclekey', privateKey: 'oracle-private-key-0123456789' } as const
export const ACCOUNT = {
  clientId: 'mdb_sa_id_oracle000000000000000000',
  clientSecret: 'mdb_sa_sk_oracle0000000000000000000000000000000000000',
} as const

/** Where an invitation lives: an organization of the world, or one of its projects. */
export interface Place {
  readonly org: number
  /** A project of that organization, by index; absent for the organization itself. */
  readonly project?: number | undefined
}

export interface WorldSpec {
  /** Organizations the key owns (1 to 3). */
  readonly owned: number
  /** One more organization, where the key is only a member (a person search there is refused). */
  readonly memberOrg: boolean
  /** Projects per owned organization. */
  readonly projects: readonly number[]
  readonly leaverInvitations: readonly { readonly place: Place; readonly spelling: number }[]
  readonly otherInvitations: readonly Place[]
  /** An owned organization where the leaver is an active member already, and under which spelling. */
  readonly activeIn: number | undefined
  readonly activeSpelling?: number | undefined
  /** The leaver is an active member of the next owned organization too (the same user). */
  readonly activeAlso?: boolean | undefined
  /** The leaver's organization role as a member: an Organization Owner, or not. */
  readonly activeOwner?: boolean | undefined
  /** Every owned organization has another person as Organization Owner. */
  readonly otherOwner?: boolean | undefined
}

/** Ids are fixed by position, so a printed counterexample reads the same every run. */
export const orgId = (index: number) => `a${'0'.repeat(21)}${hex(index, 2)}`
export const projectId = (org: number, project: number) =>
  `e${'0'.repeat(19)}${hex(org, 2)}${hex(project, 2)}`
const invitationId = (n: number) => `f${'0'.repeat(20)}${hex(n, 3)}`
const userId = (n: number) => `c${'0'.repeat(20)}${hex(n, 3)}`
const memberId = (n: number) => `b${'0'.repeat(20)}${hex(n, 3)}`
export const MEMBER_ORG = orgId(9)
/** The leaver's Cloud Users id as an active member (one person, one id, in every organization). */
export const LEAVER_MEMBER_ID = memberId(1)
export const OTHER_OWNER = 'owner@example.com'

export interface World {
  readonly spec: WorldSpec
  readonly seed: AtlasSeed
  /** Owned organizations, in order. */
  readonly orgs: readonly string[]
  /** Every organization the key can see (owned, then the member one). */
  readonly visibleOrgs: readonly string[]
  readonly projectsOf: (org: string) => readonly string[]
  readonly leaverInvitationIds: readonly string[]
  /** The leaver's pending users' ids in the Cloud Users API (not the invitation ids). */
  readonly leaverUserIds: readonly string[]
  readonly otherInvitationIds: readonly string[]
}

export function buildWorld(spec: WorldSpec): World {
  const orgs = Array.from({ length: spec.owned }, (_, index) => orgId(index))
  const projects = orgs.flatMap((org, index) =>
    Array.from({ length: spec.projects[index] ?? 0 }, (_, project) => ({
      id: projectId(index, project),
      orgId: org,
      name: `Project ${index}.${project}`,
    })),
  )
  const at = (place: Place) => {
    const org = orgs[place.org % orgs.length] as string
    const inOrg = projects.filter((project) => project.orgId === org)
    const project = place.project === undefined ? undefined : inOrg[place.project % inOrg.length]
    return { orgId: org, ...(project ? { groupId: project.id } : {}) }
  }
  let n = 0
  const roles: readonly OrgRole[] = ['ORG_MEMBER']
  const activeOrgs =
    spec.activeIn === undefined
      ? []
      : [
          ...new Set([
            orgs[spec.activeIn % orgs.length] as string,
            ...(spec.activeAlso ? [orgs[(spec.activeIn + 1) % orgs.length] as string] : []),
          ]),
        ]
  // A member of an organization is not invited to it again (to its projects, perhaps).
  const leaver = spec.leaverInvitations
    .map(({ place, spelling }) => ({
      id: invitationId(++n),
      userId: userId(n),
      ...at(place),
      username: SPELLINGS[spelling % SPELLINGS.length] as string,
      roles,
    }))
    .filter((invitation) => !activeOrgs.includes(invitation.orgId) || 'groupId' in invitation)
  const others = spec.otherInvitations.map((place) => ({
    id: invitationId(++n),
    userId: userId(n),
    ...at(place),
    username: `colleague${n}@example.com`,
    roles,
  }))
  const owner = Object.fromEntries(orgs.map((org) => [org, ['ORG_OWNER'] as OrgRole[]]))
  const principalRoles = spec.memberOrg
    ? { ...owner, [MEMBER_ORG]: ['ORG_MEMBER' as const] }
    : owner
  const seed: AtlasSeed = {
    orgs: [
      ...orgs.map((id, index) => ({ id, name: `Org ${index}` })),
      ...(spec.memberOrg ? [{ id: MEMBER_ORG, name: 'Member org' }] : []),
    ],
    projects,
    invitations: [
      ...leaver,
      ...others,
      ...(spec.memberOrg
        ? [{ id: invitationId(++n), orgId: MEMBER_ORG, username: LEAVER, roles }]
        : []),
    ],
    apiKeys: [{ ...KEY, roles: principalRoles }],
    serviceAccounts: [{ ...ACCOUNT, roles: principalRoles }],
    members: [
      ...activeOrgs.map((org) => ({
        id: LEAVER_MEMBER_ID,
        orgId: org,
        username: SPELLINGS[(spec.activeSpelling ?? 0) % SPELLINGS.length] as string,
        roles: spec.activeOwner ? (['ORG_OWNER'] as OrgRole[]) : roles,
      })),
      ...(spec.otherOwner
        ? orgs.map((org) => ({
            id: memberId(2),
            orgId: org,
            username: OTHER_OWNER,
            roles: ['ORG_OWNER'] as OrgRole[],
          }))
        : []),
    ],
  }
  return {
    spec,
    seed,
    orgs,
    visibleOrgs: spec.memberOrg ? [...orgs, MEMBER_ORG] : orgs,
    projectsOf: (org) => projects.filter((project) => project.orgId === org).map((p) => p.id),
    leaverInvitationIds: leaver.map((invitation) => invitation.id),
    leaverUserIds: leaver.map((invitation) => invitation.userId),
    otherInvitationIds: others.map((invitation) => invitation.id),
  }
}

/**
 * The world's seed again after earlier requests removed the invitations `gone`: each invited
 * anew, in the same place for the same person, under a new id (and a new Users API id); `renamed`
 * maps each old id (either kind) to its new one.
 */
export function invitedAgain(
  seed: AtlasSeed,
  gone: ReadonlySet<string>,
): { seed: AtlasSeed; renamed: ReadonlyMap<string, string> } {
  const renamed = new Map<string, string>()
  let n = 0
  const invitations = seed.invitations.map((invitation) => {
    if (!gone.has(invitation.id)) return invitation
    n += 1
    const again = {
      ...invitation,
      id: `f${'0'.repeat(19)}1${hex(n, 3)}`,
      userId: `c${'0'.repeat(19)}1${hex(n, 3)}`,
    }
    renamed.set(invitation.id, again.id)
    if (invitation.userId !== undefined) renamed.set(invitation.userId, again.userId)
    return again
  })
  return { seed: { ...seed, invitations }, renamed }
}

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, '0')
}
