/**
 * Which unknown field of a request is refused rather than ignored (`lib/revoke/lookalike-fields.ts`),
 * through `parseRevokeRequest`, whose branches decide which checks apply. Each refusal is an
 * `UnknownFieldError` naming the field meant, why, and the fields given; everything else unknown
 * stays ignored.
 */
import { describe, expect, it } from 'vitest'
import { ValidationError } from '../../lib/errors.ts'
import {
  refuseLookalikes,
  refuseScopeWords,
  requiredFieldError,
  UnknownFieldError,
} from '../../lib/revoke/lookalike-fields.ts'
import { parseRevokeRequest } from '../../lib/revoke/revoke-request.ts'

const ORG = 'a0123456789abcdef012345a'
const INVITE = '6a793f89c0eb9e7a177165b6'

const REVOKES_UNLESS =
  'a request revokes unless "dryRun": true; say that to preview, or leave this field out to revoke'
const ONE_PERSON_AT_A_TIME =
  'a request revokes one person\'s pending invitations ("username"), not a list: send one request per person'
const PROJECTS_BY_ORGANIZATION =
  'a request names organizations ("orgId" or "orgIds"), not projects: name the project\'s organization; where this deployment includes project invitations, its projects are searched too'

/** Values that plainly say no. */
const CLEARLY_FALSE = [false, 'false', 'no', 0, '0', ' False '] as const

/** The three shapes of a request that reach the lookalike checks whole. */
const SHAPES = [
  { username: 'a@b.c' },
  { orgId: ORG, username: 'a@b.c' },
  { orgId: ORG, invitationId: INVITE },
] as const

describe('lookalike fields', () => {
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
      'ｄｒｙＲｕｎ',
    ])('refuses %j, by person or by id, unless clearly false', (name) => {
      for (const request of SHAPES) {
        for (const value of [true, 'yes', 'true', 1, null, {}]) {
          const input = { ...request, [name]: value }
          const refused = refusalOf(input)
          expect(refused).toBeInstanceOf(UnknownFieldError)
          expect(refused).toMatchObject({
            field: 'dryRun',
            unknownField: name,
            message: `unknown field "${name}": did you mean "dryRun"? (got: ${Object.keys(input).join(', ')})`,
          })
        }
        for (const value of CLEARLY_FALSE)
          expect(parseRevokeRequest({ ...request, [name]: value })).toEqual(
            parseRevokeRequest(request),
          )
      }
    })

    it('accepts one that is clearly false: ignored, the request does what it says', () => {
      for (const extra of [{ test: false }, { isTest: false }, { preview: 'no' }, { dry: 0 }])
        expect(parseRevokeRequest({ username: 'a@b.c', ...extra })).toEqual({
          kind: 'username',
          username: 'a@b.c',
          dryRun: false,
        })
    })

    it('refuses one next to dryRun only when the two disagree', () => {
      for (const [dryRun, other] of [
        [false, { isDryRun: true }],
        [true, { dry_run: false }],
        [false, { preview: 'yes' }],
        [true, { test: '0' }],
      ] as const) {
        const input = { username: 'a@b.c', dryRun, ...other }
        const [name] = Object.keys(other)
        expect(refusalOf(input)).toMatchObject({
          field: 'dryRun',
          unknownField: name,
          message: `unknown field "${name}": looks like a dry-run flag that disagrees with "dryRun": send "dryRun" alone (got: username, dryRun, ${name})`,
        })
      }
      for (const [dryRun, other] of [
        [true, { preview: true }],
        [false, { test: false }],
        [true, { isDryRun: 'yes' }],
        [false, { whatIf: 'no' }],
      ] as const)
        expect(parseRevokeRequest({ username: 'a@b.c', dryRun, ...other })).toEqual({
          kind: 'username',
          username: 'a@b.c',
          dryRun,
        })
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

    it.each(['additionalOrgIds', 'orgID', 'ORG_IDS', 'ｏｒｇＩｄｓ', 'parentOrgId'])(
      'refuses %j, any name holding orgid',
      (name) => {
        expect(refusalOf({ username: 'a@b.c', [name]: [ORG] })).toMatchObject({
          unknownField: name,
        })
      },
    )

    it('keeps ignoring one whose value is no Atlas id: an Okta profile, a name', () => {
      for (const extra of [
        { organization: 'Engineering' },
        { org: 'Sales' },
        { organizationName: 'Acme' },
        { orgs: ['Sales', 'Eng'] },
        { organizationId: 'acme-corp' },
      ]) {
        expect(parseRevokeRequest({ username: 'a@b.c', ...extra })).toEqual({
          kind: 'username',
          username: 'a@b.c',
          dryRun: false,
        })
        expect(parseRevokeRequest({ orgId: ORG, invitationId: INVITE, ...extra })).toMatchObject({
          kind: 'invitation',
        })
      }
      expect(() =>
        parseRevokeRequest({ invitationId: INVITE, organization: 'Engineering' }),
      ).toThrow('orgId is required (got: invitationId, organization)')
    })

    it('refuses one naming other organizations than orgId or orgIds: only those are searched', () => {
      for (const [request, known] of [
        [{ username: 'a@b.c', orgId: ORG }, 'orgId'],
        [{ username: 'a@b.c', orgIds: [ORG] }, 'orgIds'],
        [{ orgId: ORG, invitationId: INVITE }, 'orgId'],
      ] as const) {
        const input = { ...request, organizationIds: [INVITE] }
        expect(refusalOf(input)).toMatchObject({
          field: known,
          unknownField: 'organizationIds',
          message: `unknown field "organizationIds": looks like organization ids other than "${known}"'s, and only "${known}" would be searched: name every organization in "${known}" alone (got: ${Object.keys(input).join(', ')})`,
        })
        expect(refusalOf({ ...request, org: [ORG, INVITE] })).toMatchObject({ unknownField: 'org' })
      }
      const OTHER = 'b0123456789abcdef012345b'
      expect(
        parseRevokeRequest({
          username: 'a@b.c',
          orgIds: [ORG, OTHER],
          organizationIds: [OTHER, ORG],
        }),
      ).toMatchObject({ orgIds: [ORG, OTHER] })
      expect(
        parseRevokeRequest({ username: 'a@b.c', orgId: ORG, organizationId: ORG }),
      ).toMatchObject({
        orgIds: [ORG],
      })
    })
  })

  describe('a second person beside username is refused when it is another email address', () => {
    const ANOTHER_PERSON =
      'holds an email address other than "username": a request revokes one person\'s pending invitations, so send one request per person'

    it.each(['email', 'user', 'login', 'leaver', 'invitee', 'mail', 'emailAddress', 'user_email'])(
      'refuses %j holding another address, accepts it holding the same or no address',
      (name) => {
        for (const request of [{ username: 'a@b.c' }, { orgId: ORG, username: 'a@b.c' }]) {
          const input = { ...request, [name]: 'd@e.f' }
          expect(refusalOf(input)).toMatchObject({
            field: 'username',
            unknownField: name,
            message: `unknown field "${name}": ${ANOTHER_PERSON} (got: ${Object.keys(input).join(', ')})`,
          })
          for (const value of [' A@B.C ', 'a@b.c', 'Jane Doe', 'jdoe', 42, { id: 1 }])
            expect(parseRevokeRequest({ ...request, [name]: value })).toEqual(
              parseRevokeRequest(request),
            )
        }
      },
    )

    it('keeps ignoring it on a request by id', () => {
      expect(
        parseRevokeRequest({ orgId: ORG, invitationId: INVITE, email: 'd@e.f' }),
      ).toMatchObject({ kind: 'invitation' })
    })
  })

  describe('a mode whose string value asks for a preview is refused naming dryRun', () => {
    const ASKS = 'asks for a dry run, which a request makes only with "dryRun": true'

    it.each([
      'mode',
      'action',
      'run',
      'runMode',
      'run_mode',
      'operation',
      'op',
      'intent',
      'execution',
    ])('refuses %j asking for a preview, accepts it otherwise', (name) => {
      for (const request of SHAPES) {
        for (const value of [
          'dry-run',
          'DRY_RUN',
          'dry',
          'preview',
          'plan',
          'simulate',
          'whatIf',
          'test',
          'check',
          'validate',
          'noop',
        ]) {
          const input = { ...request, [name]: value }
          expect(refusalOf(input)).toMatchObject({
            field: 'dryRun',
            unknownField: name,
            message: `unknown field "${name}": ${ASKS} (got: ${Object.keys(input).join(', ')})`,
          })
        }
        for (const value of ['offboard', 'revoke', 'live', 'user.lifecycle.deactivate', true, 1])
          expect(parseRevokeRequest({ ...request, [name]: value })).toEqual(
            parseRevokeRequest(request),
          )
      }
    })

    it('accepts it next to "dryRun": true, which already asks for one', () => {
      expect(
        parseRevokeRequest({ username: 'a@b.c', dryRun: true, mode: 'preview' }),
      ).toMatchObject({
        dryRun: true,
      })
    })

    it('refuses a list of flags one of which asks for a preview', () => {
      for (const flags of [['dryRun'], ['dry-run', 'preview'], ['notify', 'whatif']])
        expect(refusalOf({ username: 'a@b.c', flags })).toMatchObject({
          field: 'dryRun',
          unknownField: 'flags',
        })
      expect(parseRevokeRequest({ username: 'a@b.c', flags: ['notify', 'urgent'] })).toMatchObject({
        dryRun: false,
      })
    })

    it('does not read the values of other fields', () => {
      for (const extra of [{ note: 'test' }, { reason: 'preview' }, { status: 'dry-run' }])
        expect(parseRevokeRequest({ username: 'a@b.c', ...extra })).toMatchObject({ dryRun: false })
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

  describe('the opposite of a dry run is refused naming dryRun: false, ignored, it would revoke', () => {
    it.each([
      'execute',
      'exec',
      'Execute',
      'doExecute',
      'shouldExecute',
      'live',
      'isLive',
      'liveMode',
      'live_run',
      'commit',
      'apply',
      'doApply',
      'confirm',
      'confirmed',
      'isConfirmed',
      'forReal',
      'for_real',
      'real',
      'isReal',
      'wetRun',
      'doIt',
      'noDryRun',
      'no_dry_run',
      'notDryRun',
      'skipDryRun',
      'disableDryRun',
      'withoutDryRun',
      'noPreview',
      'skip_simulation',
      'noTest',
      'revoke',
      'delete',
      'remove',
      'offboard',
      'deprovision',
      'perform',
      'enforce',
      'shouldRevoke',
    ])('refuses %j, by person or by id, only when clearly false', (name) => {
      for (const request of SHAPES) {
        for (const value of CLEARLY_FALSE) {
          const input = { ...request, [name]: value }
          const refused = refusalOf(input)
          expect(refused).toBeInstanceOf(UnknownFieldError)
          expect(refused).toMatchObject({
            field: 'dryRun',
            unknownField: name,
            message: `unknown field "${name}": ${REVOKES_UNLESS} (got: ${Object.keys(input).join(', ')})`,
          })
        }
        for (const value of [true, 'yes', 'true', 1, '3f9a1c2'])
          expect(parseRevokeRequest({ ...request, [name]: value })).toEqual(
            parseRevokeRequest(request),
          )
      }
    })

    it('accepts webhook fields that say "for real", or describe the person: livemode, confirmed, a commit hash, enabled: false', () => {
      for (const extra of [
        { livemode: true },
        { confirmed: true },
        { commit: '9fceb02d0ae598e95dc970b74767f19372d61af8' },
        { enabled: true },
        // A person's state, not the request's: an HR or SCIM body saying the leaver is disabled.
        { enabled: false },
        { active: false },
      ])
        expect(parseRevokeRequest({ username: 'a@b.c', ...extra })).toEqual({
          kind: 'username',
          username: 'a@b.c',
          dryRun: false,
        })
    })

    it('refuses one that is clearly false next to dryRun too', () => {
      for (const dryRun of [true, false])
        expect(refusalOf({ username: 'a@b.c', dryRun, execute: false })).toMatchObject({
          field: 'dryRun',
          unknownField: 'execute',
          message: `unknown field "execute": ${REVOKES_UNLESS} (got: username, dryRun, execute)`,
        })
    })

    it('is refused before any near miss, like a dry-run word', () => {
      expect(refusalOf({ orgID: ORG, userName: 'a@b.c', confirm: false })).toMatchObject({
        field: 'dryRun',
        unknownField: 'confirm',
      })
    })

    it('keeps ignoring ordinary fields, and words that only contain one of those', () => {
      for (const request of SHAPES)
        for (const extra of [
          { source: 'hr' },
          { note: 'x' },
          { notes: 'x' },
          { reason: 'offboarding' },
          { requestedBy: { trigger: 'hr', requestId: 'r-1' } },
          { ticket: 'HR-123' },
          { comment: 'left on Friday' },
          { notify: true },
          { force: true },
          { realm: 'corp' },
          { application: 'workday' },
          { committedAt: '2025-01-01' },
          { domain: 'example.com' },
        ])
          expect(parseRevokeRequest({ ...request, ...extra })).toEqual(parseRevokeRequest(request))
    })
  })

  describe('a dry-run flag one level down, in an unknown object, is refused naming its path', () => {
    it.each([
      ['options', 'dryRun'],
      ['options', 'preview'],
      ['settings', 'isDryRun'],
      ['meta', 'test'],
      ['request', 'dry_run'],
      ['flags', 'whatIf'],
    ])('refuses %s.%s, by person or by id, unless clearly false', (outer, inner) => {
      for (const request of SHAPES) {
        for (const value of [true, 'yes']) {
          const input = { ...request, [outer]: { reason: 'x', [inner]: value } }
          const refused = refusalOf(input)
          expect(refused).toBeInstanceOf(UnknownFieldError)
          expect(refused).toMatchObject({
            field: 'dryRun',
            unknownField: `${outer}.${inner}`,
            message: `unknown field "${outer}.${inner}": fields inside "${outer}" are not read: send "dryRun" at the top level of the request (got: ${Object.keys(input).join(', ')})`,
          })
        }
        expect(
          parseRevokeRequest({ ...request, [outer]: { reason: 'x', [inner]: false } }),
        ).toEqual(parseRevokeRequest(request))
      }
    })

    it('refuses one inside a list of objects, naming the item', () => {
      expect(refusalOf({ username: 'a@b.c', options: [{ dryRun: true }] })).toMatchObject({
        field: 'dryRun',
        unknownField: 'options[0].dryRun',
        message: `unknown field "options[0].dryRun": fields inside "options" are not read: send "dryRun" at the top level of the request (got: username, options)`,
      })
      expect(
        refusalOf({ username: 'a@b.c', steps: [{ name: 'x' }, { execute: 'no' }] }),
      ).toMatchObject({ unknownField: 'steps[1].execute' })
      expect(
        parseRevokeRequest({ username: 'a@b.c', options: [{ dryRun: false }, { note: 'x' }] }),
      ).toEqual({ kind: 'username', username: 'a@b.c', dryRun: false })
    })

    it('refuses a mode one level down, and agrees with a top-level dryRun', () => {
      expect(refusalOf({ username: 'a@b.c', options: { mode: 'preview' } })).toMatchObject({
        unknownField: 'options.mode',
      })
      expect(
        parseRevokeRequest({ username: 'a@b.c', dryRun: true, options: { dryRun: true } }),
      ).toMatchObject({ dryRun: true })
    })

    it('accepts value-aware words one level down: requestedBy.commit is a hash', () => {
      for (const extra of [
        { requestedBy: { system: 'hr', commit: 'abc' } },
        { requestedBy: { system: 'hr', test: false, livemode: true } },
        { meta: { note: 'test' } },
      ])
        expect(parseRevokeRequest({ username: 'a@b.c', ...extra })).toEqual({
          kind: 'username',
          username: 'a@b.c',
          dryRun: false,
        })
    })

    it('looks at no more than 1,000 keys and items inside unknown fields', () => {
      const filler = Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`k${i}`, i]))
      expect(
        parseRevokeRequest({ username: 'a@b.c', big: filler, late: { dryRun: true } }),
      ).toMatchObject({ dryRun: false })
      expect(() =>
        parseRevokeRequest({ username: 'a@b.c', late: { dryRun: true }, big: filler }),
      ).toThrow('unknown field "late.dryRun"')
    })

    it('refuses the opposite of a dry run there too, saying a request revokes unless dryRun', () => {
      expect(refusalOf({ username: 'a@b.c', options: { execute: false } })).toMatchObject({
        field: 'dryRun',
        unknownField: 'options.execute',
        message: `unknown field "options.execute": fields inside "options" are not read, and ${REVOKES_UNLESS} (got: username, options)`,
      })
    })

    it('refuses it next to a top-level dryRun, which it may contradict', () => {
      expect(
        refusalOf({ username: 'a@b.c', dryRun: false, options: { dryRun: true } }),
      ).toMatchObject({ field: 'dryRun', unknownField: 'options.dryRun' })
    })

    it('comes after a top-level flag, and before lists and near misses', () => {
      expect(
        refusalOf({ username: 'a@b.c', options: { dryRun: true }, preview: true }),
      ).toMatchObject({ unknownField: 'preview' })
      expect(
        refusalOf({ userName: 'a@b.c', invitations: [INVITE], options: { dryRun: true } }),
      ).toMatchObject({ unknownField: 'options.dryRun' })
    })

    it('keeps ignoring objects with nothing of a dry run in them, and lists', () => {
      for (const extra of [
        { requestedBy: { trigger: 'webhook', requestId: 'r-1', sourceIp: '192.0.2.1' } },
        { options: { notify: true, reason: 'offboarding' } },
        { metadata: { source: 'hr', attempt: 2 } },
        { options: {} },
        { tags: ['dryRun', 'preview'] },
        { options: null },
      ])
        expect(parseRevokeRequest({ username: 'a@b.c', ...extra })).toEqual({
          kind: 'username',
          username: 'a@b.c',
          dryRun: false,
        })
    })
  })

  describe('a list of people is refused, saying a request revokes one person’s invitations', () => {
    it.each([
      'usernames',
      'users',
      'emails',
      'emailAddresses',
      'email_addresses',
      'userList',
      'username_list',
      'userEmails',
      'logins',
      'invitees',
      'leavers',
    ])('refuses %j, never as a near miss of username', (name) => {
      for (const request of [...SHAPES, { orgId: ORG }, {}]) {
        const input = { ...request, [name]: ['a@b.c', 'd@e.f'] }
        const refused = refusalOf(input)
        expect(refused).toBeInstanceOf(UnknownFieldError)
        expect(refused).toMatchObject({
          field: 'username',
          unknownField: name,
          message: `unknown field "${name}": ${ONE_PERSON_AT_A_TIME} (got: ${Object.keys(input).join(', ')})`,
        })
        expect((refused as Error).message).not.toContain('did you mean')
      }
    })

    it('still points a lone synonym at username', () => {
      expect(refusalOf({ orgId: ORG, mail: 'a@b.c' })).toMatchObject({
        field: 'username',
        unknownField: 'mail',
        message: 'unknown field "mail": did you mean "username"? (got: orgId, mail)',
      })
    })
  })

  describe('a project on a person’s request is refused: a request names organizations', () => {
    it.each([
      'projectId',
      'project_id',
      'groupId',
      'GroupID',
      'project',
      'projectName',
      'projects',
      'projectIds',
      'groupIds',
      'projectList',
    ])('refuses %j, with or without an organization', (name) => {
      for (const request of [
        { username: 'a@b.c' },
        { username: 'a@b.c', orgId: ORG },
        { username: 'a@b.c', orgIds: [ORG] },
      ]) {
        const input = { ...request, [name]: INVITE }
        const refused = refusalOf(input)
        expect(refused).toBeInstanceOf(UnknownFieldError)
        expect(refused).toMatchObject({
          field: 'orgId',
          unknownField: name,
          message: `unknown field "${name}": ${PROJECTS_BY_ORGANIZATION} (got: ${Object.keys(input).join(', ')})`,
        })
      }
    })

    it('names another word for an organization first, on a request naming none', () => {
      expect(
        refusalOf({ username: 'a@b.c', projectId: INVITE, organizationId: ORG }),
      ).toMatchObject({ field: 'orgId', unknownField: 'organizationId' })
    })

    it('is not refused by id: a project’s invitation is not_found there, never a success', () => {
      expect(parseRevokeRequest({ orgId: ORG, invitationId: INVITE, groupId: ORG })).toEqual({
        kind: 'invitation',
        orgId: ORG,
        invitationId: INVITE,
        dryRun: false,
      })
    })

    it('keeps ignoring a project word whose value is no Atlas id: a Jira key, an Okta group', () => {
      for (const extra of [
        { project: 'OFFB' },
        { groupId: '00g1emaKYZTWRYYRRTSK' },
        { projectIds: ['OFFB', 'HR'] },
        { projectName: 'Payments' },
      ])
        expect(parseRevokeRequest({ username: 'a@b.c', ...extra })).toEqual({
          kind: 'username',
          username: 'a@b.c',
          dryRun: false,
        })
      expect(refusalOf({ username: 'a@b.c', projectIds: ['OFFB', INVITE] })).toMatchObject({
        unknownField: 'projectIds',
        message: `unknown field "projectIds": ${PROJECTS_BY_ORGANIZATION} (got: username, projectIds)`,
      })
    })

    it('keeps ignoring group and groups: teams, not projects', () => {
      for (const extra of [{ group: 'Engineering' }, { groups: ['Everyone', 'Sales'] }])
        expect(parseRevokeRequest({ username: 'a@b.c', ...extra })).toEqual({
          kind: 'username',
          username: 'a@b.c',
          dryRun: false,
        })
    })
  })

  describe('the checks on their own', () => {
    it('refuseLookalikes passes a request with nothing that looks meant', () => {
      expect(() => refuseLookalikes({ username: 'a@b.c', source: 'hr' })).not.toThrow()
      expect(() => refuseLookalikes({ username: 'a@b.c', options: { dryRun: true } })).toThrow(
        UnknownFieldError,
      )
    })

    it('refuseScopeWords refuses an organization by id unless it is the one named', () => {
      expect(() =>
        refuseScopeWords({ username: 'a@b.c', orgIds: [ORG], orgs: [ORG] }, 'username'),
      ).not.toThrow()
      expect(() => refuseScopeWords({ username: 'a@b.c', orgs: [ORG] }, 'username')).toThrow(
        'unknown field "orgs": did you mean "orgIds"? (got: username, orgs)',
      )
      expect(() =>
        refuseScopeWords({ username: 'a@b.c', orgId: ORG, groupId: INVITE }, 'username'),
      ).toThrow(PROJECTS_BY_ORGANIZATION)
      expect(() =>
        refuseScopeWords({ orgId: ORG, invitationId: INVITE, groupId: INVITE }, 'invitation'),
      ).not.toThrow()
    })

    it('requiredFieldError points at a field that looks meant, or lists the fields given', () => {
      expect(requiredFieldError({ orgId: ORG, email: 'a@b.c' }, 'invitationId')).toMatchObject({
        field: 'username',
        unknownField: 'email',
      })
      const plain = requiredFieldError({ orgId: ORG, note: 'x' }, 'invitationId')
      expect(plain).not.toBeInstanceOf(UnknownFieldError)
      expect(plain).toBeInstanceOf(ValidationError)
      expect(plain.message).toBe('invitationId or username is required (got: orgId, note)')
      expect(requiredFieldError({ invitationId: INVITE, org_ids: [ORG] }, 'orgId')).toMatchObject({
        field: 'orgId',
        unknownField: 'org_ids',
      })
      expect(requiredFieldError({ invitationId: INVITE }, 'orgId').message).toBe(
        'orgId is required (got: invitationId)',
      )
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
