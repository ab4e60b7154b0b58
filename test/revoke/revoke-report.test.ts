import { describe, expect, it } from 'vitest'
import { type Revocation, summarize } from '../../lib/revoke/revoke-report.ts'

const ORG = 'a0123456789abcdef012345a'
const INVITE = '6a793f89c0eb9e7a177165b6'

describe('summarize', () => {
  const revocation = (
    outcome: Revocation['outcome'],
    extra: Partial<Revocation> = {},
  ): Revocation => ({
    orgId: ORG,
    invitationId: INVITE,
    outcome,
    retryable: false,
    ...extra,
  })

  it('is already_gone when nothing was pending, revoked when any was revoked', () => {
    expect(summarize([]).outcome).toBe('already_gone')
    expect(summarize([revocation('already_gone'), revocation('revoked')]).outcome).toBe('revoked')
    expect(summarize([revocation('already_gone')]).outcome).toBe('already_gone')
  })

  it('puts an active member (users API) before passing failures, after our setup’s faults', () => {
    expect(summarize([revocation('throttled'), revocation('active_member')]).outcome).toBe(
      'active_member',
    )
    expect(summarize([revocation('active_member'), revocation('unauthorized')]).outcome).toBe(
      'unauthorized',
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
