/**
 * Answers Atlas could give that must never read as success, scripted call by call through a
 * fake client (the first four came from an outside review, each a false success at the time).
 */
import { describe, expect, it } from 'vitest'
import type { AtlasCall, AtlasClient, AtlasResponse } from '../../lib/atlas/http/client.ts'
import type { BodyKind } from '../../lib/atlas/http/response-format.ts'
import { fixedCredentials } from '../../lib/credentials/credential-sources.ts'
import { AtlasApiKey } from '../../lib/credentials/credential-types.ts'
import { revoke } from '../../lib/revoke/revoke.ts'

const ORG = 'a0123456789abcdef012345a'
const INV = 'b0123456789abcdef012345b'
const USER = 'c0123456789abcdef012345c'
const NAME = 'leaver@example.com'

interface Scripted {
  readonly status: number
  readonly body?: unknown
  readonly bodyKind?: BodyKind
}

function fakeAtlas(script: (call: AtlasCall, query: URLSearchParams) => Scripted | undefined) {
  const calls: string[] = []
  const atlas = {
    async send(call: AtlasCall): Promise<AtlasResponse> {
      const query =
        call.query instanceof URLSearchParams
          ? call.query
          : new URLSearchParams(
              Object.entries(call.query ?? {}).filter(
                (entry): entry is [string, string] => entry[1] !== undefined,
              ),
            )
      calls.push(`${call.method} ${call.path}${query.size ? `?${query}` : ''}`)
      const answer = script(call, query)
      if (!answer) throw new Error(`unscripted ${call.method} ${call.path}?${query}`)
      const bodyKind = answer.bodyKind ?? (answer.body === undefined ? 'empty' : 'json')
      return {
        status: answer.status,
        headers: {},
        body: answer.body,
        bodyKind,
        attempts: 1,
        earlierAttemptLost: false,
        nonceReuseStopped: false,
      }
    },
  } as unknown as AtlasClient
  const settings = (api: 'v1' | 'v2' | 'users', searchInvitationsApi = true) => ({
    dependencies: { atlas, credentials: fixedCredentials(new AtlasApiKey('k', 's')) },
    api,
    searchInvitationsApi,
  })
  return { calls, settings }
}

const run = (
  fake: ReturnType<typeof fakeAtlas>,
  request: object,
  api: 'v1' | 'v2' | 'users',
  searchInvitationsApi = true,
) => revoke(request, fake.settings(api, searchInvitationsApi), Date.now() + 5_000)

const pendingUser = (id: string, username = NAME, status = 'PENDING') => ({
  id,
  username,
  orgMembershipStatus: status,
  roles: {},
})

describe('a 404 that names the organization too', () => {
  it('an orgId sent as the invitationId is refused before any call', async () => {
    const fake = fakeAtlas(() => undefined)
    await expect(run(fake, { orgId: INV, invitationId: INV }, 'v1')).rejects.toThrow(
      'invitationId must differ from orgId',
    )
    expect(fake.calls).toEqual([])
  })

  it('parameters naming both the organization and the invitation prove nothing: the list decides', async () => {
    const fake = fakeAtlas((call) =>
      call.method === 'DELETE'
        ? { status: 404, body: { errorCode: 'ORG_NOT_FOUND', parameters: [ORG, INV] } }
        : { status: 200, body: [{ id: INV, username: NAME }] },
    )
    const report = await run(fake, { orgId: ORG, invitationId: INV }, 'v1')
    expect(report.outcome).toBe('upstream_error')
  })
})

describe('users-list pagination: a short page ends it, totalCount is an estimate', () => {
  it('a removal 404 naming nothing settles only when the user, read again, is no longer pending', async () => {
    let stillPending = true
    const fake = fakeAtlas((call) => {
      if (call.method === 'DELETE')
        return { status: 404, body: { errorCode: 'RESOURCE_NOT_FOUND', parameters: [] } }
      if (call.path.endsWith(`/users/${USER}`))
        return {
          status: 200,
          body: pendingUser(USER, NAME, stillPending ? 'PENDING' : 'INVITATION_EXPIRED'),
        }
      // An empty second look would be no proof at all: the list overcounts.
      return { status: 200, body: { results: [pendingUser(USER)], totalCount: 3 } }
    })
    const pending = await run(fake, { orgId: ORG, username: NAME }, 'users', false)
    expect(pending.outcome).toBe('upstream_error')
    expect(pending.notes.join(' ')).toContain('counted 3')
    stillPending = false
    const gone = await run(fake, { orgId: ORG, username: NAME }, 'users', false)
    expect(gone).toMatchObject({ outcome: 'already_gone' })
    expect(gone.revocations[0]?.evidence).toEqual({
      kind: 'absent',
      by: 'unlisted',
      was: 'seen_pending',
    })
  })

  it('reads on past a full page even when totalCount says it was all', async () => {
    const others = Array.from({ length: 500 }, (_, i) =>
      pendingUser(`d${i.toString(16).padStart(23, '0')}`, `other${i}@example.com`),
    )
    const fake = fakeAtlas((call, query) => {
      if (call.method === 'DELETE') return { status: 204 }
      return query.get('pageNum') === '1'
        ? { status: 200, body: { results: others, totalCount: 500 } }
        : { status: 200, body: { results: [pendingUser(USER)], totalCount: 501 } }
    })
    const report = await run(fake, { orgId: ORG, username: NAME }, 'users', false)
    expect(report.outcome).toBe('revoked')
    expect(fake.calls.filter((line) => line.startsWith('DELETE'))).toEqual([
      `DELETE /api/atlas/v2/orgs/${ORG}/users/${USER}`,
    ])
  })
})

describe('users mode also looks at the invitations API until its sunset', () => {
  it('an invitation the Users API does not list is revoked through the invitations API', async () => {
    const fake = fakeAtlas((call) => {
      if (call.path.endsWith('/users')) return { status: 200, body: { results: [], totalCount: 0 } }
      if (call.path.endsWith('/invites'))
        return { status: 200, body: [{ id: INV, username: NAME }] }
      if (call.method === 'DELETE') return { status: 204 }
      return undefined
    })
    const report = await run(fake, { orgId: ORG, username: NAME }, 'users')
    expect(report.outcome).toBe('revoked')
    expect(fake.calls).toContain(`DELETE /api/atlas/v2/orgs/${ORG}/invites/${INV}`)
  })
})

describe('a 2xx is evidence only in the documented shape', () => {
  it('a 200 HTML page to the DELETE, with the invitation still listed, is an upstream_error', async () => {
    const fake = fakeAtlas((call) =>
      call.method === 'DELETE'
        ? { status: 200, bodyKind: 'other' }
        : { status: 200, body: [{ id: INV, username: NAME }] },
    )
    expect((await run(fake, { orgId: ORG, invitationId: INV }, 'v1')).outcome).toBe(
      'upstream_error',
    )
  })

  it('the same page, with the invitation no longer listed, is revoked only for an entry seen pending', async () => {
    let listed = [{ id: INV, username: NAME }]
    const fake = fakeAtlas((call) => {
      if (call.method !== 'DELETE') return { status: 200, body: listed }
      listed = []
      return { status: 200, bodyKind: 'other' }
    })
    const person = await run(fake, { orgId: ORG, username: NAME }, 'v1')
    expect(person).toMatchObject({
      outcome: 'revoked',
      revocations: [{ detail: expect.stringContaining('no longer lists it') }],
    })
    // By id nothing showed it was there: the list says "not pending", not "removed by us".
    const byId = await run(fake, { orgId: ORG, invitationId: INV }, 'v1')
    expect(byId.outcome).toBe('not_found')
  })
})

describe('users that are not pending', () => {
  it('an expired or rejected invitation is nothing to revoke, and never removed', async () => {
    const fake = fakeAtlas((call) => {
      if (call.path.includes('/invites')) return { status: 200, body: [] }
      return {
        status: 200,
        body: {
          results: [
            pendingUser(USER, NAME, 'INVITATION_EXPIRED'),
            pendingUser(INV, NAME, 'INVITATION_REJECTED'),
          ],
          totalCount: 2,
        },
      }
    })
    const report = await run(fake, { orgId: ORG, username: NAME }, 'users')
    expect(report.outcome).toBe('already_gone')
    expect(fake.calls.filter((line) => line.startsWith('DELETE'))).toEqual([])
  })

  it('an invitation that reads back with another id is not resolved to a user', async () => {
    const fake = fakeAtlas(() => ({ status: 200, body: { id: USER, username: NAME } }))
    const report = await run(fake, { orgId: ORG, invitationId: INV }, 'users')
    expect(report.outcome).toBe('upstream_error')
    expect(fake.calls.some((line) => line.includes('/users'))).toBe(false)
  })
})
