import { describe, expect, it } from 'vitest'
import {
  partitionByUsername,
  readInvitation,
  readInvitationList,
  readPage,
  readScopeId,
  readUser,
} from '../../../lib/atlas/api/lists.ts'
import { normalizeUsername } from '../../../lib/atlas/api/username.ts'
import { recording } from '../../support/recordings.ts'

const INVITE = '6a793f89c0eb9e7a177165b6'

describe('readInvitationList', () => {
  it('reads the recorded list: a bare JSON array of invitations', () => {
    const entries = readInvitationList(JSON.parse(recording('list-invites-200').body))
    expect(entries?.map((entry) => entry.id)).toEqual([
      '6a793f89c0eb9e7a177165b6',
      '6a793f8ec0eb9e7a17716c2d',
      '6a793f922c88faeba59bcc25',
    ])
    expect(entries?.[0]).toEqual({
      id: INVITE,
      username: 'test-783@mongodb.com',
      status: 'PENDING',
      via: 'invitations',
    })
    expect(readInvitationList([])).toEqual([])
  })

  it.each([
    ['{results: [...]} (the users shape)', { results: [{ id: INVITE, username: 'a@b.c' }] }],
    ['an HTML page (no JSON)', undefined],
    ['an object', {}],
    ['an entry without a username', [{ id: INVITE }]],
    ['an entry whose id is no Atlas id', [{ id: '../x', username: 'a@b.c' }]],
    ['a string entry', ['6a793f89c0eb9e7a177165b6']],
  ])('refuses %s', (_what, body) => {
    expect(readInvitationList(body)).toBeUndefined()
  })
})

describe('readInvitation', () => {
  it('reads the recorded invitation', () => {
    expect(readInvitation(JSON.parse(recording('get-invite-200').body))).toEqual({
      id: INVITE,
      username: 'test-783@mongodb.com',
      status: 'PENDING',
      via: 'invitations',
    })
  })
})

describe('readPage of users', () => {
  const readUserPage = (body: unknown) => readPage(body, readUser)
  it('reads the recorded users page: ids, usernames and membership statuses', () => {
    const page = readUserPage(JSON.parse(recording('list-org-users-200').body))
    expect(page?.totalCount).toBe(3)
    expect(page?.items.map((entry) => entry.status)).toEqual(['ACTIVE', 'ACTIVE', 'PENDING'])
    expect(page?.items[2]).toEqual({
      id: '6a1cfcb2adbc612d01a9a0fc',
      username: 'test-file-911@mongodb.com',
      status: 'PENDING',
      via: 'users',
    })
  })

  it.each([
    [
      'a bare array (the invitations shape)',
      [{ id: INVITE, username: 'a@b.c', orgMembershipStatus: 'PENDING' }],
    ],
    ['no results', { totalCount: 0 }],
    ['a user without a status', { results: [{ id: INVITE, username: 'a@b.c' }] }],
    ['an HTML page (no JSON)', undefined],
  ])('refuses %s', (_what, body) => {
    expect(readUserPage(body)).toBeUndefined()
  })
})

describe('usernames', () => {
  it('are compared trimmed and case-insensitively, as Atlas shows them and as asked', () => {
    expect(normalizeUsername('  Leaver@Example.COM ')).toBe('leaver@example.com')
    // Atlas's usernames are normalized where its answer is read, whatever case it shows.
    const shown = readInvitationList([
      { id: INVITE, username: ' Leaver@example.com' },
      { id: 'a'.repeat(24), username: 'colleague@example.com' },
    ])
    expect(shown?.map((entry) => entry.username)).toEqual([
      'leaver@example.com',
      'colleague@example.com',
    ])
    const user = readUser({
      id: INVITE,
      username: 'LEAVER@example.com',
      orgMembershipStatus: 'PENDING',
    })
    expect(user?.username).toBe('leaver@example.com')
    const entries = shown ?? []
    expect(partitionByUsername(entries, normalizeUsername('leaver@EXAMPLE.com'))).toEqual({
      matching: [entries[0]],
      others: [entries[1]],
    })
  })
})

describe('readPage of organizations and projects', () => {
  it('reads the recorded organization list, leaving deleted ones out', () => {
    const page = readPage(JSON.parse(recording('list-orgs-200').body), readScopeId)
    expect(page).toEqual({ items: ['a0123456789abcdef012345a'], totalCount: 1 })
    expect(readPage({ results: [{ id: INVITE, isDeleted: true }] }, readScopeId)?.items).toEqual([
      null,
    ])
    expect(readPage({ results: [{ name: 'no id' }] }, readScopeId)).toBeUndefined()
  })
})
