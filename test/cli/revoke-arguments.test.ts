import { describe, expect, it } from 'vitest'
import { parseRevokeArguments, parseStdinTargets, UsageError } from '../../cli/revoke-arguments.ts'

const ORG = 'a0123456789abcdef012345a'
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
        targets: [
          { orgId: ORG, invitationId: A },
          { orgId: ORG, invitationId: B },
        ],
        pretty: false,
        envelope: false,
        timeoutMs: 30_000,
      },
    })
  })

  it('defaults --org to MONGODB_ATLAS_ORG_ID, like the Atlas CLI', () => {
    const command = parseRevokeArguments(['--invite', A], { MONGODB_ATLAS_ORG_ID: ORG })
    expect(command.kind === 'revoke' && command.plan.targets).toEqual([
      { orgId: ORG, invitationId: A },
    ])
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
    [['--org', ORG], 'nothing to revoke: give --invite <invitationId> or --stdin'],
    [['--org', ORG, '--invite', A, '--stdin'], 'use either --stdin or --invite, not both'],
    [
      ['--org', 'acme', '--invite', A],
      '--org: orgId must be 24 lowercase hex digits (got "acme", 4 characters)',
    ],
    [['--org', ORG, '--invite', 'x'], '--invite: invitationId must be 24 lowercase hex digits'],
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

describe('parseStdinTargets', () => {
  it('reads orgId,invitationId lines, skipping blanks and comments', () => {
    expect(
      parseStdinTargets(
        `# offboarding batch\n${ORG},${A}\n\n ${ORG} , ${B} # second\r\n${ORG},${A}\n`,
      ),
    ).toEqual([
      { orgId: ORG, invitationId: A },
      { orgId: ORG, invitationId: B },
    ])
  })

  it('names the line that is wrong', () => {
    expect(() => parseStdinTargets(`${ORG},${A}\n${ORG};${B}`)).toThrow(
      'stdin line 2: expected orgId,invitationId',
    )
    expect(() => parseStdinTargets(`${ORG},${A}\n\n${ORG},nope`)).toThrow(
      'stdin line 3: invitationId must be 24 lowercase hex digits',
    )
    expect(() => parseStdinTargets('# nothing\n')).toThrow('stdin held no orgId,invitationId lines')
  })
})
