import { describe, expect, it } from 'vitest'
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
