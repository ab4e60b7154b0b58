/**
 * The simulator's default data: one organization the demo key owns (with three pending
 * invitations, ids as in the Atlas recordings), one where it is only a member (403) and one
 * it cannot see (401). The key is a demo key for the local simulator only.
 */
import type { AtlasSeed } from './simulated-atlas-state.ts'

export const DEMO_ORG_ID = 'a0123456789abcdef012345a'
export const DEMO_MEMBER_ORG_ID = 'b0123456789abcdef012345b'
export const DEMO_HIDDEN_ORG_ID = 'c0123456789abcdef012345c'
/** A second organization the demo key owns: a person may be invited to both. */
export const DEMO_SECOND_ORG_ID = 'd0123456789abcdef012345d'

/** A project of the demo org, with a pending project invitation for the first demo invitee. */
export const DEMO_PROJECT = {
  id: 'e0123456789abcdef012345e',
  orgId: DEMO_ORG_ID,
  name: 'Demo Project',
} as const

/**
 * Pending invitations, ids as in the Atlas recordings. `userId` is the same person's id in the
 * Cloud Users API, which is not the invitation id (a recorded run: invitation …6c2d, user …6c2e).
 */
export const DEMO_INVITATIONS = [
  {
    id: '6a793f89c0eb9e7a177165b6',
    userId: '6a793f89c0eb9e7a177165b7',
    username: 'test-783@mongodb.com',
  },
  {
    id: '6a793f8ec0eb9e7a17716c2d',
    userId: '6a793f8ec0eb9e7a17716c2e',
    username: 'test-file-812@mongodb.com',
  },
  {
    id: '6a793f922c88faeba59bcc25',
    userId: '6a793f922c88faeba59bcc26',
    username: 'test-file-853@mongodb.com',
  },
] as const

/**
 * The first demo invitee's other pending invitations: to the demo project, and to the second
 * organization (what an offboarding "everywhere" must find).
 */
export const DEMO_PROJECT_INVITATION = {
  id: 'e0000000000000000000000e',
  groupId: DEMO_PROJECT.id,
  username: 'test-783@mongodb.com',
} as const
export const DEMO_SECOND_ORG_INVITATION = {
  id: 'd0000000000000000000000d',
  orgId: DEMO_SECOND_ORG_ID,
  username: 'test-783@mongodb.com',
} as const

/** Someone who accepted an invitation: an active member of the demo org. */
export const DEMO_ACTIVE_MEMBER = {
  id: 'a000000000000000000000a1',
  username: 'active-member@example.com',
} as const

/** A service account with Organization Owner on the demo org (OAuth client credentials). */
export const DEMO_SERVICE_ACCOUNT = {
  clientId: 'mdb_sa_id_0123456789abcdef01234567',
  clientSecret: 'mdb_sa_sk_demo0000000000000000000000000000000000',
} as const

export const DEMO_API_KEY = {
  publicKey: 'demoownr',
  privateKey: '5b7c1ac9-5d3c-4c19-8e1f-2a4f6c9d3e10',
} as const

export function demoSeed(): AtlasSeed {
  return {
    orgs: [
      { id: DEMO_ORG_ID, name: 'Demo Org' },
      { id: DEMO_MEMBER_ORG_ID, name: 'Demo Org (member only)' },
      { id: DEMO_HIDDEN_ORG_ID, name: 'Demo Org (not visible to the key)' },
      { id: DEMO_SECOND_ORG_ID, name: 'Demo Org 2' },
    ],
    projects: [DEMO_PROJECT],
    invitations: [
      ...DEMO_INVITATIONS.map((invitation) => ({
        ...invitation,
        orgId: DEMO_ORG_ID,
        roles: ['ORG_MEMBER'] as const,
      })),
      {
        id: 'b0000000000000000000000b',
        orgId: DEMO_MEMBER_ORG_ID,
        username: 'member-org@example.com',
        roles: ['ORG_MEMBER'],
      },
      {
        id: 'c0000000000000000000000c',
        orgId: DEMO_HIDDEN_ORG_ID,
        username: 'hidden-org@example.com',
        roles: ['ORG_MEMBER'],
      },
      { ...DEMO_PROJECT_INVITATION, orgId: DEMO_ORG_ID, roles: ['ORG_MEMBER'] },
      { ...DEMO_SECOND_ORG_INVITATION, roles: ['ORG_MEMBER'] },
    ],
    apiKeys: [
      {
        ...DEMO_API_KEY,
        roles: {
          [DEMO_ORG_ID]: ['ORG_OWNER'],
          [DEMO_MEMBER_ORG_ID]: ['ORG_MEMBER'],
          [DEMO_SECOND_ORG_ID]: ['ORG_OWNER'],
        },
      },
    ],
    serviceAccounts: [
      {
        ...DEMO_SERVICE_ACCOUNT,
        roles: {
          [DEMO_ORG_ID]: ['ORG_OWNER'],
          [DEMO_MEMBER_ORG_ID]: ['ORG_MEMBER'],
          [DEMO_SECOND_ORG_ID]: ['ORG_OWNER'],
        },
      },
    ],
    members: [{ ...DEMO_ACTIVE_MEMBER, orgId: DEMO_ORG_ID, roles: ['ORG_MEMBER'] }],
  }
}
