import { describe, expect, it } from 'vitest'
import { parseRevokeArguments, parseStdinRequests, UsageError } from '../../cli/revoke-arguments.ts'

const ORG = 'a0123456789abcdef012345a'
const ORG2 = 'd0123456789abcdef012345d'
const A = '6a793f89c0eb9e7a177165b6'
const B = '6a793f8ec0eb9e7a17716c2d'

describe('parseRevokeArguments', () => {
  it('takes --org and repeated --invite, dropping duplicates', () => {
    expect(
      parseRevokeArguments(['--org', ORG, '--invite', A, '--invite', B, '--invite', A], {}),
    ).toEqual({
      kind: 'revoke',
      readsStdin: false,
      plan: {
        api: 'v1',
        requests: [
          { orgId: ORG, invitationId: A },
          { orgId: ORG, invitationId: B },
        ],
        includeProjects: false,
        dryRun: false,
        pretty: false,
        envelope: false,
        timeoutMs: 30_000,
      },
    })
  })

  it('defaults --org to MONGODB_ATLAS_ORG_ID, like the Atlas CLI', () => {
    const command = parseRevokeArguments(['--invite', A], { MONGODB_ATLAS_ORG_ID: ORG })
    expect(command.kind === 'revoke' && command.plan.requests).toEqual([
      { orgId: ORG, invitationId: A },
    ])
  })

  it('takes --user with any number of --org, --include-projects and --dry-run', () => {
    const everywhere = parseRevokeArguments(['--user', ' Leaver@Example.com'], {})
    expect(everywhere.kind === 'revoke' && everywhere.plan.requests).toEqual([
      { username: 'leaver@example.com' },
    ])
    const some = parseRevokeArguments(
      [
        '--user',
        'leaver@example.com',
        '--org',
        ORG,
        '--org',
        ORG2,
        '--include-projects',
        '--dry-run',
      ],
      { MONGODB_ATLAS_ORG_ID: ORG },
    )
    expect(some.kind === 'revoke' && some.plan).toMatchObject({
      requests: [{ username: 'leaver@example.com', orgIds: [ORG, ORG2], dryRun: true }],
      includeProjects: true,
      dryRun: true,
    })
  })

  it('passes --pretty, --envelope and --timeout on', () => {
    const command = parseRevokeArguments(
      ['--org', ORG, '--invite', A, '--pretty', '--envelope', '--timeout', '2.5'],
      {},
    )
    expect(command.kind === 'revoke' && command.plan).toMatchObject({
      pretty: true,
      envelope: true,
      timeoutMs: 2500,
    })
  })

  it.each([
    [['--invite', A], '--org is required (or set MONGODB_ATLAS_ORG_ID)'],
    [['--org', ORG], 'nothing to revoke: give --invite <invitationId>, --user <email> or --stdin'],
    [['--org', ORG, '--invite', A, '--stdin'], 'use one of --stdin, --invite or --user'],
    [['--user', 'a@b.c', '--invite', A], 'use one of --stdin, --invite or --user'],
    [
      ['--org', 'acme', '--invite', A],
      '--org: orgId must be 24 lowercase hex digits (got "acme", 4 characters)',
    ],
    [['--org', ORG, '--invite', 'x'], '--invite: invitationId must be 24 lowercase hex digits'],
    [['--org', ORG, '--org', ORG2, '--invite', A], '--invite takes one --org'],
    [['--user', 'not-an-email'], '--user: username must be an email address'],
    [['--stdin', '--org', ORG], '--org goes with --invite or --user, not --stdin'],
    [
      ['--org', ORG, '--invite', A, '--timeout', '0'],
      '--timeout must be a number of seconds between 0 and 900',
    ],
    [['--org', ORG, '--bogus'], "Unknown option '--bogus'"],
    [['stray'], 'positional argument'],
  ])('refuses %j', (argv, message) => {
    const parse = () => parseRevokeArguments(argv, {})
    expect(parse).toThrow(UsageError)
    expect(parse).toThrow(message)
  })

  it('answers --help', () => {
    expect(parseRevokeArguments(['-h'], {})).toEqual({ kind: 'help' })
  })
})

describe('parseStdinRequests', () => {
  it('reads orgId,invitationId, orgId,email and email lines, skipping blanks, comments and a header', () => {
    expect(
      parseStdinRequests(
        `orgId,invitationId\n# offboarding batch\n${ORG},${A}\n\n ${ORG} , ${B} # second\r\n${ORG},${A}\n${ORG},Leaver@example.com\nother@example.com\n`,
      ),
    ).toEqual([
      { orgId: ORG, invitationId: A },
      { orgId: ORG, invitationId: B },
      { username: 'leaver@example.com', orgIds: [ORG] },
      { username: 'other@example.com' },
    ])
    expect(parseStdinRequests('email\nleaver@example.com', true)).toEqual([
      { username: 'leaver@example.com', dryRun: true },
    ])
  })

  it('names every line that is wrong, at once', () => {
    const parse = () => parseStdinRequests(`${ORG},${A}\n${ORG};${B}\n\n${ORG},nope\nnot an email`)
    expect(parse).toThrow(UsageError)
    expect(parse).toThrow(
      [
        'stdin line 2: expected orgId,invitationId, orgId,email or email',
        'stdin line 4: invitationId must be 24 lowercase hex digits (got "nope", 4 characters)',
        'stdin line 5: expected orgId,invitationId, orgId,email or email',
      ].join('\n'),
    )
    expect(() => parseStdinRequests('# nothing\n')).toThrow(
      'stdin held no orgId,invitationId, orgId,email or email lines',
    )
  })

  it('never takes a JSON object or a quoted fragment for an email address', () => {
    const parse = () =>
      parseStdinRequests(
        `{"username":"leaver@example.com"}\n{"orgId":"${ORG}","username":"leaver@example.com"}\n"leaver@example.com"\n${ORG},<leaver@example.com>\n`,
      )
    expect(parse).toThrow(
      [
        'stdin line 1: is JSON; stdin takes one orgId,invitationId, orgId,email or email per line (a JSON request goes to the functions, not the CLI)',
        'stdin line 2: is JSON; stdin takes one orgId,invitationId, orgId,email or email per line (a JSON request goes to the functions, not the CLI)',
        'stdin line 3: username must be an email address',
        'stdin line 4: username must be an email address',
      ].join('\n'),
    )
  })
})
