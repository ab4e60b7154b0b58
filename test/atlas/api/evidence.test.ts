/**
 * The evidence ladder, answer by answer, through a scripted session: what each Atlas answer to a
 * removal or a read proves, and what a second look at the scope must add.
 */

import { describe, expect, it } from 'vitest'
import { askAbout, type Relisted, sumOfProvenParts } from '../../../lib/atlas/api/evidence.ts'
import { normalizeUsername } from '../../../lib/atlas/api/username.ts'
import type { AtlasResponse } from '../../../lib/atlas/http/client.ts'
import type { AtlasSession, CallResult } from '../../../lib/atlas/http/session.ts'
import { OUTCOME_TABLE, type Outcome } from '../../../lib/outcome.ts'
import { proven } from '../../support/evidence.ts'

const ORG = 'a0123456789abcdef012345a'
const ID = '6a793f89c0eb9e7a177165b6'
const target = { id: ID, what: 'invitation', scope: { orgId: ORG } }
const DELETE = { method: 'DELETE' as const, path: `/orgs/${ORG}/invites/${ID}` }

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

const session = (result: CallResult) => ({ call: async () => result }) as unknown as AtlasSession

async function ask(
  result: CallResult,
  options: {
    purpose?: 'remove' | 'read'
    presence?: 'seen_pending'
    again?: Relisted
  } = {},
) {
  let relisted = 0
  const { outcome, username } = await askAbout(session(result), DELETE, target, {
    purpose: options.purpose ?? 'remove',
    ...(options.presence ? { presence: options.presence } : {}),
    relist: async () => {
      relisted += 1
      return options.again ?? { found: 'absent', by: 'unlisted' }
    },
    shows: (body) => {
      const { id, username } = body as { id: string; username: string }
      return { id, username: normalizeUsername(username) }
    },
  })
  return { outcome, username, relisted }
}

const named404 = (...parameters: string[]) => answered(404, { parameters })

describe('a removal', () => {
  it('a 2xx with an empty or JSON body is revoked, with no second look', async () => {
    for (const result of [answered(204), answered(200, {}), answered(202, { content: {} })]) {
      const { outcome, relisted } = await ask(result)
      expect(outcome).toMatchObject({
        outcome: 'revoked',
        evidence: { kind: 'removed', relisted: false },
      })
      expect(relisted).toBe(0)
    }
  })

  it('a 2xx in another shape is revoked only when a second look no longer shows an entry seen pending', async () => {
    const html = answered(200, undefined, 'other')
    expect((await ask(html, { presence: 'seen_pending' })).outcome).toMatchObject({
      outcome: 'revoked',
      evidence: { kind: 'removed', relisted: true },
    })
    // By id nothing showed it was there: gone from the list proves no removal of ours.
    expect((await ask(html)).outcome).toMatchObject({
      outcome: 'not_found',
      evidence: { kind: 'absent', by: 'unlisted' },
    })
    expect((await ask(html, { again: { found: 'pending' } })).outcome.outcome).toBe(
      'upstream_error',
    )
  })

  it('a 404 naming it is already_gone when seen pending, else not_found', async () => {
    expect((await ask(named404(ID), { presence: 'seen_pending' })).outcome).toMatchObject({
      outcome: 'already_gone',
      evidence: { kind: 'absent', by: 'named_404', was: 'seen_pending' },
    })
    const { outcome, relisted } = await ask(named404(ID))
    expect(outcome).toMatchObject({
      outcome: 'not_found',
      evidence: { kind: 'absent', by: 'named_404' },
      detail: expect.stringContaining('revoke by email'),
    })
    expect(outcome.evidence).not.toHaveProperty('was')
    expect(relisted).toBe(0)
  })

  it('a 404 naming its organization is invalid; naming both, or nothing, takes a second look', async () => {
    expect((await ask(named404(ORG))).outcome.outcome).toBe('invalid')
    for (const unexplained of [
      named404(ORG, ID),
      named404(),
      named404('ffffffffffffffffffffffff'),
    ]) {
      const { outcome, relisted } = await ask(unexplained, { presence: 'seen_pending' })
      expect(relisted).toBe(1)
      expect(outcome).toMatchObject({ outcome: 'already_gone', evidence: { by: 'unlisted' } })
    }
    const stillThere = await ask(named404(), { again: { found: 'pending' } })
    expect(stillThere.outcome.outcome).toBe('upstream_error')
  })

  it('a second look that shows the person active now is active_member, never gone', async () => {
    expect(
      (await ask(named404(), { again: { found: 'active', by: 'read' } })).outcome,
    ).toMatchObject({ outcome: 'active_member', evidence: { kind: 'member', by: 'read' } })
  })

  it('a second look that fails passes its failure on', async () => {
    const failure: Outcome = { outcome: 'throttled', retryable: true }
    expect((await ask(named404(), { again: { found: 'unknown', outcome: failure } })).outcome).toBe(
      failure,
    )
  })

  it('says when an earlier attempt lost its answer, and still proves only not_found', async () => {
    const lost = { ...named404(ID), earlierAttemptLost: true } as CallResult
    expect((await ask(lost)).outcome).toMatchObject({
      outcome: 'not_found',
      detail: expect.stringContaining('lost its answer'),
    })
  })

  it('every other answer is a refusal, never evidence', async () => {
    for (const status of [400, 401, 403, 409, 410, 429, 500, 503]) {
      const { outcome } = await ask(answered(status, { parameters: [ID] }))
      expect(OUTCOME_TABLE[outcome.outcome].proven, String(status)).toBe(false)
    }
  })
})

describe('a read (dry run, or whose invitation it is)', () => {
  it('a 2xx showing the target is would_revoke, with its username', async () => {
    const { outcome, username } = await ask(answered(200, { id: ID, username: 'a@b.c' }), {
      purpose: 'read',
    })
    expect(outcome).toMatchObject({ outcome: 'would_revoke', evidence: { by: 'read' } })
    expect(username).toBe('a@b.c')
  })

  it('a 2xx showing another id proves nothing alone', async () => {
    const other = answered(200, { id: 'ffffffffffffffffffffffff', username: 'a@b.c' })
    expect((await ask(other, { purpose: 'read' })).outcome.outcome).toBe('not_found')
    expect(
      (
        await ask(other, {
          purpose: 'read',
          again: { found: 'pending', username: normalizeUsername('a@b.c') },
        })
      ).outcome,
    ).toMatchObject({ outcome: 'would_revoke', evidence: { by: 'listed' } })
  })

  it('a 404 naming it is not_found', async () => {
    expect((await ask(named404(ID), { purpose: 'read' })).outcome.outcome).toBe('not_found')
  })
})

describe('sumOfProvenParts', () => {
  const rank = (outcome: Outcome) => OUTCOME_TABLE[outcome.outcome].precedence

  it('proves nothing pending in the scopes searched, never in none', () => {
    expect(sumOfProvenParts([], 3, rank)).toMatchObject({
      outcome: 'already_gone',
      evidence: { kind: 'all_parts', parts: 0, scopes: 3 },
    })
    expect(sumOfProvenParts([], 0, rank)).toBeUndefined()
    expect(sumOfProvenParts([], undefined, rank)).toBeUndefined()
  })

  it("speaks for one part by id with that part's outcome alone, not its ids", () => {
    const part = { ...proven('revoked', { status: 204 }), orgId: 'o', invitationId: 'i' }
    expect(sumOfProvenParts([part], undefined, rank)).toStrictEqual({
      outcome: 'revoked',
      status: 204,
      evidence: part.evidence,
      retryable: false,
    })
  })

  it('refuses a part without evidence', () => {
    expect(
      sumOfProvenParts(
        [proven('revoked'), { outcome: 'revoked', retryable: false } as Outcome],
        1,
        rank,
      ),
    ).toBeUndefined()
  })
})

describe('evidence belongs to its outcome', () => {
  it('cannot be relabelled: each proven outcome takes only its own kind, or a sum', () => {
    const wouldRevoke = proven('would_revoke')
    const notFound = proven('not_found')
    // Narrowed by their outcomes: the evidence each may carry, and nothing wider.
    if (wouldRevoke.outcome !== 'would_revoke' || notFound.outcome !== 'not_found')
      throw new Error('not as made')
    // Checked by `npm run typecheck`: each line below must fail to compile.
    const relabelled: Outcome[] = [
      // @ts-expect-error pending evidence cannot make a revocation
      { outcome: 'revoked', evidence: wouldRevoke.evidence, retryable: false },
      // @ts-expect-error absence never seen pending cannot make already_gone
      { outcome: 'already_gone', evidence: notFound.evidence, retryable: false },
    ]
    expect(relabelled.map((outcome) => outcome.outcome)).toEqual(['revoked', 'already_gone'])
  })

  it("cannot pass a dry run's sum off as a revocation's", () => {
    const rank = (outcome: Outcome) => OUTCOME_TABLE[outcome.outcome].precedence
    const dryRun = sumOfProvenParts([proven('would_revoke'), proven('would_revoke')], 1, rank)
    if (dryRun?.outcome !== 'would_revoke' || dryRun.evidence.kind !== 'all_parts')
      throw new Error("not a dry run's sum")
    expect(dryRun.evidence).toEqual({ kind: 'all_parts', parts: 2, scopes: 1 })
    // @ts-expect-error a sum made for would_revoke is not a revocation's evidence
    const relabelled: Outcome = { outcome: 'revoked', evidence: dryRun.evidence, retryable: false }
    expect(relabelled.outcome).toBe('revoked')
  })
})
