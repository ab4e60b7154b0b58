import { describe, expect, it } from 'vitest'
import { ValidationError } from '../../lib/errors.ts'
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

  describe('a near miss of a known field names the field meant and the fields given', () => {
    it.each([
      [{ orgId: ORG, userName: 'a@b.c' }, 'userName', 'username', 'orgId, userName'],
      [{ orgId: ORG, invitationID: INVITE }, 'invitationID', 'invitationId', 'orgId, invitationID'],
      [{ orgID: ORG, invitationId: INVITE }, 'orgID', 'orgId', 'orgID, invitationId'],
      [{ username: 'a@b.c', org_ids: [ORG] }, 'org_ids', 'orgIds', 'username, org_ids'],
      [
        { orgId: ORG, invitationId: INVITE, dry_run: true },
        'dry_run',
        'dryRun',
        'orgId, invitationId, dry_run',
      ],
      [
        { orgId: ORG, invitationId: INVITE, DryRun: true },
        'DryRun',
        'dryRun',
        'orgId, invitationId, DryRun',
      ],
      [{ orgId: ORG, usrname: 'a@b.c' }, 'usrname', 'username', 'orgId, usrname'],
      [{ orgId: ORG, invitaionId: INVITE }, 'invitaionId', 'invitationId', 'orgId, invitaionId'],
      // Other words for a missing field: offered when nothing else could be meant.
      [{ orgId: ORG, user: 'a@b.c' }, 'user', 'username', 'orgId, user'],
      [{ orgId: ORG, email: 'a@b.c' }, 'email', 'username', 'orgId, email'],
      [{ orgId: ORG, invite: INVITE }, 'invite', 'invitationId', 'orgId, invite'],
      [
        { organization: ORG, invitationId: INVITE },
        'organization',
        'orgId',
        'organization, invitationId',
      ],
    ])('refuses %j', (input, given, expected, fields) => {
      const refused = (() => {
        try {
          parseRevokeRequest(input)
        } catch (error) {
          return error
        }
        return undefined
      })()
      expect(refused).toBeInstanceOf(UnknownFieldError)
      expect(refused).toBeInstanceOf(ValidationError)
      expect(refused).toMatchObject({
        field: expected,
        unknownField: given,
        message: `unknown field "${given}": did you mean "${expected}"? (got: ${fields})`,
      })
    })

    it('is refused even when the request is otherwise whole: ignoring it would change it', () => {
      // Ignored, `orgID` would widen the search to every organization; `dryrun` would revoke.
      expect(() => parseRevokeRequest({ username: 'a@b.c', orgID: ORG })).toThrow(
        'unknown field "orgID": did you mean "orgId"? (got: username, orgID)',
      )
      expect(() => parseRevokeRequest({ orgId: ORG, invitationId: INVITE, dryrun: true })).toThrow(
        'did you mean "dryRun"?',
      )
    })

    it('keeps ignoring other unknown fields, and other words for a field that is there', () => {
      for (const extra of [
        { source: 'hr' },
        { note: 'x' },
        { surname: 'Doe' },
        { eventType: 'offboarding' },
        { requestedBy: { trigger: 'hr' } },
        { email: 'a@b.c', organization: 'Acme Corp' },
        { orgs: [ORG], organizationIds: [ORG] },
      ])
        expect(parseRevokeRequest({ orgId: ORG, username: 'a@b.c', ...extra })).toEqual({
          kind: 'username',
          orgIds: [ORG],
          username: 'a@b.c',
          dryRun: false,
        })
      expect(
        parseRevokeRequest({ username: 'a@b.c', orgIds: [ORG], organization: 'Acme Corp' }),
      ).toMatchObject({ orgIds: [ORG] })
    })

    it('keeps ignoring fields near none of the words it refuses, on a request naming no organization', () => {
      for (const extra of [
        { source: 'hr' },
        { eventType: 'offboarding' },
        { organizationUnit: 'Sales' },
        { invitationStatus: 'PENDING' },
        { inviter: 'hr@example.com' },
        { latest: true },
        { contest: 'x' },
      ])
        expect(parseRevokeRequest({ username: 'a@b.c', ...extra })).toEqual({
          kind: 'username',
          username: 'a@b.c',
          dryRun: false,
        })
    })

    it('lists at most 20 fields given, each cut short', () => {
      const many = Object.fromEntries(
        Array.from({ length: 25 }, (_, index) => [
          `field${index}${'x'.repeat(index === 0 ? 80 : 0)}`,
          1,
        ]),
      )
      const message = (() => {
        try {
          parseRevokeRequest({ ...many, orgId: ORG })
        } catch (error) {
          return (error as Error).message
        }
        return ''
      })()
      expect(message).toMatch(/^invitationId or username is required \(got: field0x+…, field1, /)
      expect(message).toContain('and 6 more)')
    })
  })

  describe('a field that may ask for a dry run is refused naming dryRun: ignored, it would revoke', () => {
    it.each([
      'isDryRun',
      'is_dry_run',
      'dry',
      'dryrun',
      'DRYRUN',
      'dry_run_only',
      'dryRunOnly',
      'dryMode',
      'preview',
      'Preview',
      'previewOnly',
      'doPreview',
      'test',
      'testMode',
      'test_only',
      'simulate',
      'simulation',
      'whatIf',
      'what_if',
      'noop',
      'reportOnly',
    ])('refuses %j, by person or by id, true or false', (name) => {
      for (const request of [
        { username: 'a@b.c' },
        { orgId: ORG, username: 'a@b.c' },
        { orgId: ORG, invitationId: INVITE },
      ])
        for (const value of [true, false, 'yes']) {
          const input = { ...request, [name]: value }
          const refused = refusalOf(input)
          expect(refused).toBeInstanceOf(UnknownFieldError)
          expect(refused).toMatchObject({
            field: 'dryRun',
            unknownField: name,
            message: `unknown field "${name}": did you mean "dryRun"? (got: ${Object.keys(input).join(', ')})`,
          })
        }
    })

    it('refuses one even next to dryRun, whatever either says: the two may disagree', () => {
      for (const [dryRun, other] of [
        [true, { preview: true }],
        [false, { isDryRun: true }],
        [true, { dry_run: false }],
        [false, { test: false }],
      ] as const) {
        const input = { username: 'a@b.c', dryRun, ...other }
        const [name] = Object.keys(other)
        expect(refusalOf(input)).toMatchObject({
          field: 'dryRun',
          unknownField: name,
          message: `unknown field "${name}": looks like a dry-run flag next to "dryRun", and the two may disagree: send "dryRun" alone (got: username, dryRun, ${name})`,
        })
      }
    })

    it('is the refusal given first, before any other near miss', () => {
      expect(refusalOf({ orgID: ORG, userName: 'a@b.c', whatIf: true })).toMatchObject({
        field: 'dryRun',
        unknownField: 'whatIf',
      })
    })
  })

  describe('another word for an organization, on a person’s request naming none, is refused', () => {
    // Ignored, the search would widen from the organizations meant to every one in scope.
    it.each([
      ['organizationId', 'orgId'],
      ['organisation_id', 'orgId'],
      ['org', 'orgId'],
      ['organization', 'orgId'],
      ['orgName', 'orgId'],
      ['orgs', 'orgIds'],
      ['organizationIds', 'orgIds'],
      ['organisations', 'orgIds'],
      ['organizations', 'orgIds'],
      ['orgList', 'orgIds'],
      ['org_id_list', 'orgIds'],
      ['OrganizationIDs', 'orgIds'],
    ])('refuses %j, naming %s', (name, expected) => {
      const input = { username: 'a@b.c', [name]: [ORG] }
      const refused = refusalOf(input)
      expect(refused).toBeInstanceOf(UnknownFieldError)
      expect(refused).toMatchObject({
        field: expected,
        unknownField: name,
        message: `unknown field "${name}": did you mean "${expected}"? (got: username, ${name})`,
      })
    })

    it('names orgId for a plural on a request by id: an invitation lives in one organization', () => {
      expect(refusalOf({ invitationId: INVITE, organizationIds: [ORG] })).toMatchObject({
        field: 'orgId',
        unknownField: 'organizationIds',
      })
    })
  })

  describe('a list of invitations is refused, saying a request revokes one', () => {
    const ONE_AT_A_TIME =
      'a request revokes one invitation ("invitationId") or one person\'s pending invitations ("username"), not a list: send one request per invitation'

    it.each([
      'invitations',
      'invitationIds',
      'invitation_ids',
      'invites',
      'inviteIds',
      'invitationList',
      'invitation_id_list',
    ])('refuses %j, never as a near miss of invitationId', (name) => {
      for (const request of [
        { username: 'a@b.c' },
        { orgId: ORG },
        { orgId: ORG, invitationId: INVITE },
        {},
      ]) {
        const input = { ...request, [name]: [INVITE] }
        const refused = refusalOf(input)
        expect(refused).toBeInstanceOf(UnknownFieldError)
        expect(refused).toMatchObject({
          field: 'invitationId',
          unknownField: name,
          message: `unknown field "${name}": ${ONE_AT_A_TIME} (got: ${Object.keys(input).join(', ')})`,
        })
        expect((refused as Error).message).not.toContain('did you mean')
      }
    })
  })
})

/** What `parseRevokeRequest` threw for `input` (fails the test if it threw nothing). */
function refusalOf(input: unknown): unknown {
  try {
    parseRevokeRequest(input)
  } catch (error) {
    return error
  }
  expect.fail(`accepted ${JSON.stringify(input)}`)
}
