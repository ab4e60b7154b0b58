import { describe, expect, it } from 'vitest'
import { PROVEN_OUTCOMES } from '../../lib/outcome.ts'
import { type Revocation, summarize } from '../../lib/revoke/revoke-report.ts'
import { testEvidence } from '../support/evidence.ts'

const ORG = 'a0123456789abcdef012345a'
const INVITE = '6a793f89c0eb9e7a177165b6'

describe('summarize', () => {
  const revocation = (
    outcome: Revocation['outcome'],
    extra: Partial<Revocation> = {},
  ): Revocation =>
    ({
      orgId: ORG,
      invitationId: INVITE,
      outcome,
      ...(PROVEN_OUTCOMES.has(outcome) ? { evidence: testEvidence(outcome as 'revoked') } : {}),
      retryable: false,
      ...extra,
    }) as Revocation

  it('is already_gone when nothing was pending in the scopes searched, revoked when any was revoked', () => {
    expect(summarize([], 2)).toMatchObject({
      outcome: 'already_gone',
      evidence: { kind: 'all_parts', parts: 0, scopes: 2 },
    })
    expect(summarize([revocation('already_gone'), revocation('revoked')]).outcome).toBe('revoked')
    expect(summarize([revocation('already_gone')]).outcome).toBe('already_gone')
  })

  it('proves nothing from a search of no scope, or from no part at all', () => {
    expect(summarize([], 0)).toMatchObject({
      outcome: 'invalid',
      detail: expect.stringContaining('no organization was searched'),
    })
    expect(summarize([]).outcome).toBe('upstream_error')
  })

  it('lets not_found speak before what was revoked or would be, and carries its detail', () => {
    expect(
      summarize([revocation('revoked'), revocation('not_found', { detail: 'revoke by email' })]),
    ).toMatchObject({ outcome: 'not_found', detail: 'revoke by email' })
    expect(summarize([revocation('would_revoke'), revocation('already_gone')]).outcome).toBe(
      'would_revoke',
    )
  })

  it('puts an active member after every failure (it is acked, they are retried), before what is done', () => {
    for (const failure of ['throttled', 'upstream_error', 'invalid', 'unauthorized'] as const)
      expect(summarize([revocation('active_member'), revocation(failure)]).outcome).toBe(failure)
    expect(summarize([revocation('revoked'), revocation('active_member')])).toMatchObject({
      outcome: 'active_member',
      evidence: { kind: 'member' },
    })
  })

  it('lets a removed member speak before a revoked invitation, and would_remove before would_revoke', () => {
    expect(summarize([revocation('revoked'), revocation('removed_member')], 2)).toMatchObject({
      outcome: 'removed_member',
      evidence: { kind: 'all_parts', parts: 2, scopes: 2 },
    })
    expect(summarize([revocation('would_revoke'), revocation('would_remove')], 1).outcome).toBe(
      'would_remove',
    )
  })

  it('lets our setup’s faults speak first, and keeps the longest Retry-After', () => {
    expect(
      summarize([
        revocation('revoked'),
        revocation('throttled'),
        revocation('forbidden', { errorCode: 'USER_UNAUTHORIZED' }),
      ]),
    ).toMatchObject({
      outcome: 'forbidden',
      errorCode: 'USER_UNAUTHORIZED',
    })
    expect(
      summarize([
        revocation('throttled', { retryAfterSeconds: 5 }),
        revocation('throttled', { retryAfterSeconds: 9 }),
      ]),
    ).toMatchObject({
      outcome: 'throttled',
      retryAfterSeconds: 9,
    })
  })
})
