/**
 * The evidence ladder for removing an active member, answer by answer, through a scripted
 * session: settled (`removed_member`) only on a 2xx removal, or a 404 naming the user followed
 * by a list without them; anything else settles nothing.
 */
import { describe, expect, it } from 'vitest'
import { askToRemoveMember, type MemberRelisted } from '../../../lib/atlas/api/evidence.ts'
import { normalizeUsername } from '../../../lib/atlas/api/username.ts'
import type { AtlasResponse } from '../../../lib/atlas/http/client.ts'
import type { AtlasSession, CallResult } from '../../../lib/atlas/http/session.ts'
import type { Outcome } from '../../../lib/outcome.ts'

const ORG = 'a0123456789abcdef012345a'
const USER = 'a000000000000000000000a1'
const target = {
  id: USER,
  what: 'member',
  scope: { orgId: ORG },
  username: normalizeUsername('leaver@example.com'),
}
const DELETE = { method: 'DELETE' as const, path: `/api/atlas/v2/orgs/${ORG}/users/${USER}` }

function answered(
  status: number,
  body?: unknown,
  bodyKind: AtlasResponse['bodyKind'] = body === undefined ? 'empty' : 'json',
): CallResult {
  return {
    kind: 'answered',
    earlierAttemptLost: false,
    response: {
      status,
      headers: {},
      body,
      bodyKind,
      attempts: 1,
      earlierAttemptLost: false,
      nonceReuseStopped: false,
    },
  }
}

async function remove(result: CallResult, again: MemberRelisted = { found: 'absent' }) {
  let relisted = 0
  const session = { call: async () => result } as unknown as AtlasSession
  const outcome = await askToRemoveMember(session, DELETE, target, async () => {
    relisted += 1
    return again
  })
  return { outcome, relisted }
}

const named404 = (...parameters: string[]) => answered(404, { parameters })

describe('removing a member', () => {
  it('a 2xx with an empty or JSON body is removed_member, with no second look', async () => {
    for (const result of [answered(204), answered(200, {}), answered(202, { content: {} })]) {
      const { outcome, relisted } = await remove(result)
      expect(outcome).toMatchObject({
        outcome: 'removed_member',
        evidence: { kind: 'member_removed', by: 'removal', relisted: false },
        retryable: false,
      })
      expect(relisted).toBe(0)
    }
  })

  it('a 2xx in another shape is removed_member only when a list no longer shows them', async () => {
    const html = answered(200, undefined, 'other')
    expect((await remove(html)).outcome).toMatchObject({
      outcome: 'removed_member',
      evidence: { kind: 'member_removed', by: 'removal', relisted: true },
    })
    expect((await remove(html, { found: 'active' })).outcome.outcome).toBe('upstream_error')
  })

  it('a 404 naming the user is removed_member only when a list no longer shows them', async () => {
    const gone = await remove(named404(USER))
    expect(gone.relisted).toBe(1)
    expect(gone.outcome).toMatchObject({
      outcome: 'removed_member',
      status: 404,
      evidence: { kind: 'member_removed', by: 'named_404', relisted: true },
    })
    const still = await remove(named404(USER), { found: 'active' })
    expect(still.outcome).toMatchObject({ outcome: 'upstream_error', retryable: true })
  })

  it('a 404 naming nothing (or another id, or both ids) settles nothing, whatever a list says', async () => {
    for (const result of [
      named404(),
      named404('ffffffffffffffffffffffff'),
      named404(ORG, USER),
      answered(404, undefined, 'other'),
    ]) {
      const { outcome, relisted } = await remove(result)
      expect(outcome.outcome).toBe('upstream_error')
      expect(outcome.evidence).toBeUndefined()
      expect(relisted).toBe(0)
    }
  })

  it('a 404 naming the organization is invalid', async () => {
    expect((await remove(named404(ORG))).outcome).toMatchObject({
      outcome: 'invalid',
      detail: `Atlas says organization ${ORG} does not exist`,
    })
  })

  it('Atlas refusing the removal (4xx) is a clear invalid, the last owner for one; 401/403/429/5xx keep their meaning', async () => {
    for (const status of [400, 409]) {
      const { outcome } = await remove(
        answered(status, { errorCode: 'CANNOT_REMOVE_LAST_ORG_OWNER', detail: 'last owner' }),
      )
      expect(outcome).toMatchObject({
        outcome: 'invalid',
        status,
        errorCode: 'CANNOT_REMOVE_LAST_ORG_OWNER',
        atlasDetail: 'last owner',
        retryable: false,
      })
      expect(outcome.detail).toContain('Atlas refused to remove member leaver@example.com')
      expect(outcome.detail).toContain('last Organization Owner')
    }
    const meanings: Record<number, Outcome['outcome']> = {
      401: 'unauthorized',
      403: 'forbidden',
      429: 'throttled',
      500: 'upstream_error',
    }
    for (const [status, meaning] of Object.entries(meanings))
      expect((await remove(answered(Number(status), {}))).outcome.outcome).toBe(meaning)
  })

  it('passes a failed call or a failed second look on', async () => {
    const failure: Outcome = { outcome: 'throttled', retryable: true }
    expect((await remove({ kind: 'failed', outcome: failure } as CallResult)).outcome).toBe(failure)
    expect((await remove(named404(USER), { found: 'unknown', outcome: failure })).outcome).toBe(
      failure,
    )
  })
})
