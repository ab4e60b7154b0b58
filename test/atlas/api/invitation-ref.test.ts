import { describe, expect, it } from 'vitest'
import { invitationRef } from '../../../lib/atlas/api/invitation-ref.ts'
import { ValidationError } from '../../../lib/errors.ts'

const ORG = 'a0123456789abcdef012345a'
const INVITE = '6a793f89c0eb9e7a177165b6'

describe('invitationRef', () => {
  it('accepts two 24-hex-digit ids', () => {
    expect(invitationRef({ orgId: ORG, invitationId: INVITE })).toEqual({
      orgId: ORG,
      invitationId: INVITE,
    })
  })

  it.each([
    [{ invitationId: INVITE }, 'orgId', 'orgId is required'],
    [{ orgId: ORG, invitationId: '' }, 'invitationId', 'invitationId is required'],
    [{ orgId: 42, invitationId: INVITE }, 'orgId', 'orgId must be a string (got number)'],
    [
      { orgId: ORG, invitationId: [INVITE] },
      'invitationId',
      'invitationId must be a string (got array)',
    ],
    [
      { orgId: ORG.toUpperCase(), invitationId: INVITE },
      'orgId',
      'orgId must be 24 lowercase hex digits',
    ],
    [
      { orgId: ORG, invitationId: `${INVITE}0` },
      'invitationId',
      'invitationId must be 24 lowercase hex digits',
    ],
    [
      { orgId: ORG, invitationId: '../../users/6a793f89c0eb' },
      'invitationId',
      'invitationId must be 24 lowercase hex digits',
    ],
    [
      { orgId: `${ORG.slice(0, 23)}g`, invitationId: INVITE },
      'orgId',
      'orgId must be 24 lowercase hex digits',
    ],
  ])('refuses %j naming %s', (input, field, message) => {
    let error: unknown
    try {
      invitationRef(input)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).field).toBe(field)
    expect((error as ValidationError).message).toContain(message)
  })

  it('echoes a long bad value only in part', () => {
    expect(() => invitationRef({ orgId: 'x'.repeat(5000), invitationId: INVITE })).toThrow(
      /orgId must be 24 lowercase hex digits \(got "x{40}…", 5000 characters\)/,
    )
  })
})
