import { describe, expect, it } from 'vitest'
import { type Revocation, summarize } from '../../lib/revoke/revoke.ts'
import { parseRevokeRequest } from '../../lib/revoke/revoke-request.ts'

const ORG = 'a0123456789abcdef012345a'
const INVITE = '6a793f89c0eb9e7a177165b6'

describe('parseRevokeRequest', () => {
  it('accepts {orgId, invitationId} and {orgId, username}, ignoring other fields', () => {
    expect(parseRevokeRequest({ orgId: ORG, invitationId: INVITE, source: 'hr' })).toEqual({
      kind: 'invitation',
      orgId: ORG,
      invitationId: INVITE,
    })
    expect(parseRevokeRequest({ orgId: ORG, username: ' leaver@example.com ' })).toEqual({
      kind: 'username',
      orgId: ORG,
      username: 'leaver@example.com',
    })
  })

  it.each([
    [null, 'body must be a JSON object'],
    [[], 'body must be a JSON object'],
    [{ invitationId: INVITE }, 'orgId is required'],
    [{ orgId: ORG }, 'invitationId or username is required'],
    [
      { orgId: ORG, invitationId: INVITE, username: 'a@b.c' },
      'username must not be given together with invitationId',
    ],
    [{ orgId: ORG, username: 7 }, 'username must be a string (got number)'],
    [{ orgId: ORG, username: 'not-an-email' }, 'username must be an email address'],
    [
      { orgId: ORG, username: `${'a'.repeat(250)}@b.co` },
      'username must be an email address of at most 254 characters',
    ],
  ])('refuses %j', (input, message) => {
    expect(() => parseRevokeRequest(input)).toThrow(message)
  })
})

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
