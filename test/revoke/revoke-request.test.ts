import { describe, expect, it } from 'vitest'
import { UnknownFieldError as LookalikeError } from '../../lib/revoke/lookalike-fields.ts'
import { parseRevokeRequest, UnknownFieldError } from '../../lib/revoke/revoke-request.ts'

const ORG = 'a0123456789abcdef012345a'
const INVITE = '6a793f89c0eb9e7a177165b6'

describe('parseRevokeRequest', () => {
  it('accepts {orgId, invitationId} and {orgId, username}, ignoring other fields', () => {
    expect(parseRevokeRequest({ orgId: ORG, invitationId: INVITE, source: 'hr' })).toEqual({
      kind: 'invitation',
      orgId: ORG,
      invitationId: INVITE,
      dryRun: false,
    })
    expect(parseRevokeRequest({ orgId: ORG, username: ' Leaver@Example.com ' })).toEqual({
      kind: 'username',
      orgIds: [ORG],
      username: 'leaver@example.com',
      dryRun: false,
    })
  })

  it('takes a username alone (search everywhere), with orgIds, or as a dry run', () => {
    expect(parseRevokeRequest({ username: 'leaver@example.com', dryRun: true })).toEqual({
      kind: 'username',
      username: 'leaver@example.com',
      dryRun: true,
    })
    expect(
      parseRevokeRequest({ username: 'leaver@example.com', orgIds: [ORG, ORG, INVITE] }),
    ).toMatchObject({ orgIds: [ORG, INVITE] })
  })

  it.each([
    [null, 'body must be a JSON object'],
    [[], 'body must be a JSON object'],
    [{ invitationId: INVITE }, 'orgId is required (got: invitationId)'],
    [{ orgId: ORG }, 'invitationId or username is required (got: orgId)'],
    [{}, 'invitationId or username is required (got: no fields)'],
    [
      { orgId: ORG, invitationId: INVITE, username: 'a@b.c' },
      'username must not be given together with invitationId',
    ],
    [{ orgId: ORG, invitationId: ORG }, 'invitationId must differ from orgId'],
    [{ orgId: ORG, invitationId: INVITE, dryRun: 'yes' }, 'dryRun must be true or false'],
    [{ username: 'a@b.c', orgIds: [] }, 'orgIds must be a list of 1 to 100 organization ids'],
    [{ username: 'a@b.c', orgIds: ['x'] }, 'orgIds[0] must be 24 lowercase hex digits'],
    [
      { username: 'a@b.c', orgId: ORG, orgIds: [ORG] },
      'orgIds must not be given together with orgId',
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

  it('accepts HR and Okta webhook bodies whose extra fields ask for nothing more', () => {
    for (const body of [
      {
        username: 'leaver@example.com',
        test: false,
        livemode: true,
        organization: 'Engineering',
        project: 'OFFB',
        groupId: '00g1emaKYZTWRYYRRTSK',
        email: 'Leaver@Example.com',
        requestedBy: { system: 'hr', commit: '9fceb02' },
      },
      { username: 'leaver@example.com', isTest: false, confirmed: true, org: 'Sales' },
    ])
      expect(parseRevokeRequest(body)).toEqual({
        kind: 'username',
        username: 'leaver@example.com',
        dryRun: false,
      })
  })

  it.each([
    [{ username: 'a@b.c', preview: true }, 'unknown field "preview"'],
    [{ username: 'a@b.c', mode: 'dry-run' }, 'unknown field "mode"'],
    [{ username: 'a@b.c', execute: 'false' }, 'unknown field "execute"'],
    [
      { username: 'a@b.c', orgId: ORG, organizationIds: [INVITE] },
      'unknown field "organizationIds"',
    ],
    [{ username: 'a@b.c', projectId: INVITE }, 'unknown field "projectId"'],
    [{ username: 'a@b.c', leaver: 'd@e.f' }, 'unknown field "leaver"'],
    [{ username: 'a@b.c', options: [{ dryRun: true }] }, 'unknown field "options[0].dryRun"'],
  ])('refuses %j: ignored, it would do more than asked', (input, message) => {
    expect(() => parseRevokeRequest(input)).toThrow(UnknownFieldError)
    expect(() => parseRevokeRequest(input)).toThrow(message)
  })

  it('throws the UnknownFieldError of lookalike-fields.ts for a field that looks meant', () => {
    expect(UnknownFieldError).toBe(LookalikeError)
    expect(() => parseRevokeRequest({ orgId: ORG, userName: 'a@b.c' })).toThrow(UnknownFieldError)
  })
})
