import { execFile } from 'node:child_process'
import { createServer } from 'node:net'
import { userInfo } from 'node:os'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { runRevokeCommand } from '../../cli/revoke-command.ts'
import type { AtlasSimulator } from '../../dev/simulator/atlas-simulator.ts'
import {
  DEMO_API_KEY,
  DEMO_INVITATIONS,
  DEMO_MEMBER_ORG_ID,
  DEMO_ORG_ID,
  DEMO_SERVICE_ACCOUNT,
} from '../../dev/simulator/demo-seed.ts'
import type { LocalSecretsManager } from '../../dev/simulator/local-secrets-manager.ts'
import { startSimulator } from '../support/atlas-fixture.ts'
import { startLocalSecretsManager } from '../support/local-aws.ts'

const [first, second, third] = DEMO_INVITATIONS
let simulator: AtlasSimulator
let url: string
let secretsManager: LocalSecretsManager

beforeAll(async () => {
  ;({ secretsManager } = await startLocalSecretsManager({
    'atlas/demo': JSON.stringify(DEMO_API_KEY),
    'atlas/broken': '{"publicKey":"demoownr"}',
  }))
})
afterAll(() => secretsManager.stop())
beforeEach(async (context) => {
  ;({ simulator, url } = await startSimulator())
  context.onTestFinished(() => simulator.stop())
})

const keyEnv = () => ({
  ATLAS_BASE_URL: url,
  ATLAS_PUBLIC_KEY: DEMO_API_KEY.publicKey,
  ATLAS_PRIVATE_KEY: DEMO_API_KEY.privateKey,
})

async function run(argv: string[], env: Record<string, string | undefined> = keyEnv(), stdin = '') {
  const stdout: string[] = []
  const stderr: string[] = []
  const code = await runRevokeCommand({
    argv,
    env,
    readStdin: async () => stdin,
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
  })
  return { code, stdout, stderr, lines: stdout.map((line) => JSON.parse(line)) }
}

describe('npm run revoke', () => {
  it('revokes N invitations with N+1 Atlas requests and prints one JSON line each', async () => {
    const result = await run([
      '--org',
      DEMO_ORG_ID,
      '--invite',
      first.id,
      '--invite',
      second.id,
      '--invite',
      third.id,
    ])
    expect(result.code).toBe(0)
    expect(result.lines).toEqual(
      [first, second, third].map((invitation) => ({
        orgId: DEMO_ORG_ID,
        invitationId: invitation.id,
        outcome: 'revoked',
        status: 204,
        evidence: { kind: 'removed', status: 204, relisted: false },
        requestedBy: { trigger: 'cli', cliUser: userInfo().username },
      })),
    )
    expect(result.stderr).toEqual(['revoke: 3 revoked, 0 already gone, 0 failed'])
    expect(simulator.counters()).toMatchObject({
      requests: 4,
      challenges: 1,
      byStatus: { '204': 3, '401': 1 },
    })
    expect(simulator.state.pendingInvitations(DEMO_ORG_ID)).toEqual([])
  })

  it('exits 3 when the invitation id is not pending in the organization, with the Atlas error code', async () => {
    simulator.state.accept(first.id)
    const result = await run(['--org', DEMO_ORG_ID, '--invite', first.id])
    expect(result.code).toBe(3)
    expect(result.lines[0]).toMatchObject({
      outcome: 'not_found',
      status: 404,
      errorCode: 'INVITATION_NOT_FOUND',
      detail: expect.stringContaining('revoke by email'),
    })
    expect(result.stderr).toEqual(['revoke: 0 revoked, 0 already gone, 0 failed, 1 not found'])
  })

  it('exits 1, not 3, when one request fails and another is not found', async () => {
    const stdin = `${DEMO_MEMBER_ORG_ID},b0000000000000000000000b
${DEMO_ORG_ID},dddddddddddddddddddddddd
`
    const result = await run(['--stdin'], keyEnv(), stdin)
    expect(result.lines.map((line) => line.outcome)).toEqual(['forbidden', 'not_found'])
    expect(result.code).toBe(1)
  })

  it('exits 1 when any invitation ends otherwise, and still tries the rest', async () => {
    const stdin = `${DEMO_MEMBER_ORG_ID},b0000000000000000000000b\n${DEMO_ORG_ID},${second.id}\n`
    const result = await run(['--stdin'], keyEnv(), stdin)
    expect(result.code).toBe(1)
    expect(result.lines.map((line) => [line.outcome, line.status, line.errorCode])).toEqual([
      ['forbidden', 403, 'USER_UNAUTHORIZED'],
      ['revoked', 204, undefined],
    ])
  })

  it('exits 1 on a wrong key and prints no key material', async () => {
    const result = await run(['--org', DEMO_ORG_ID, '--invite', first.id], {
      ...keyEnv(),
      ATLAS_PRIVATE_KEY: 'wrong-private-key-value',
    })
    expect(result.code).toBe(1)
    expect(result.lines[0]).toMatchObject({
      outcome: 'unauthorized',
      status: 401,
      errorCode: 'UNEXPECTED_ERROR',
    })
    expect([...result.stdout, ...result.stderr].join('\n')).not.toContain('wrong-private-key-value')
  })

  it('accepts the Atlas CLI variables for keys and organization', async () => {
    const result = await run(['--invite', first.id], {
      ATLAS_BASE_URL: url,
      MONGODB_ATLAS_PUBLIC_API_KEY: DEMO_API_KEY.publicKey,
      MONGODB_ATLAS_PRIVATE_API_KEY: DEMO_API_KEY.privateKey,
      MONGODB_ATLAS_ORG_ID: DEMO_ORG_ID,
    })
    expect(result.lines[0]).toMatchObject({ orgId: DEMO_ORG_ID, outcome: 'revoked' })
  })

  it('speaks the Users API with a service account (--api users, MONGODB_ATLAS_CLIENT_*)', async () => {
    const result = await run(['--api', 'users', '--org', DEMO_ORG_ID, '--invite', first.id], {
      ATLAS_BASE_URL: url,
      MONGODB_ATLAS_CLIENT_ID: DEMO_SERVICE_ACCOUNT.clientId,
      MONGODB_ATLAS_CLIENT_SECRET: DEMO_SERVICE_ACCOUNT.clientSecret,
    })
    expect(result.code).toBe(0)
    expect(result.lines).toEqual([
      {
        orgId: DEMO_ORG_ID,
        invitationId: first.id,
        userId: first.userId,
        username: first.username,
        outcome: 'revoked',
        status: 204,
        evidence: { kind: 'removed', status: 204, relisted: false },
        requestedBy: { trigger: 'cli', cliUser: userInfo().username },
      },
    ])
    // The invitation is read for its username, the pending user found by it and removed by user id.
    expect(
      simulator.requests().map((request) => `${request.method} ${request.target.split('?')[0]}`),
    ).toEqual([
      'POST /api/oauth/token',
      `GET /api/atlas/v2/orgs/${DEMO_ORG_ID}/invites/${first.id}`,
      `GET /api/atlas/v2/orgs/${DEMO_ORG_ID}/users`,
      `DELETE /api/atlas/v2/orgs/${DEMO_ORG_ID}/users/${first.userId}`,
      `DELETE /api/atlas/v2/orgs/${DEMO_ORG_ID}/invites/${first.id}`,
    ])
  })

  it('warns once on stderr when Atlas marks the API deprecated (ATLAS_API=v2)', async () => {
    const result = await run(['--org', DEMO_ORG_ID, '--invite', first.id, '--invite', second.id], {
      ...keyEnv(),
      ATLAS_API: 'v2',
    })
    expect(result.code).toBe(0)
    expect(result.stderr).toEqual([
      `revoke: warning: Atlas marks /api/atlas/v2/orgs/${DEMO_ORG_ID}/invites/${first.id} deprecated (Deprecation: Wed, 19 Feb 2025 00:00:00 GMT, Sunset: Thu, 1 Jul 2027 00:00:00 GMT); see --api`,
      'revoke: 2 revoked, 0 already gone, 0 failed',
    ])
  })

  it('refuses an unknown API', async () => {
    const result = await run(['--api', 'v3', '--org', DEMO_ORG_ID, '--invite', first.id])
    expect(result).toMatchObject({
      code: 2,
      stderr: ['revoke: --api / ATLAS_API must be one of v1, v2, users (got "v3")'],
    })
  })

  it('gives up on a host that accepts but never answers within --timeout, and says why', async () => {
    const sockets = new Set<import('node:net').Socket>()
    const silent = createServer((socket) => {
      sockets.add(socket)
    })
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const port = (silent.address() as { port: number }).port
    try {
      const started = Date.now()
      const result = await run(['--org', DEMO_ORG_ID, '--invite', first.id, '--timeout', '1'], {
        ...keyEnv(),
        ATLAS_BASE_URL: `http://127.0.0.1:${port}`,
      })
      expect(Date.now() - started).toBeLessThan(3_000)
      expect(result.code).toBe(1)
      expect(result.lines[0]).toMatchObject({
        outcome: 'upstream_error',
        detail: 'deadline reached before Atlas answered',
      })
      expect(result.stderr).toEqual(['revoke: 0 revoked, 0 already gone, 1 failed'])
    } finally {
      for (const socket of sockets) socket.destroy()
      silent.close()
    }
  })

  it('tells what to check when Atlas refuses the key', async () => {
    const result = await run(['--org', DEMO_ORG_ID, '--invite', first.id], {
      ...keyEnv(),
      ATLAS_PRIVATE_KEY: 'not-the-key',
    })
    expect(result.lines[0]).toMatchObject({
      outcome: 'unauthorized',
      detail: expect.stringMatching(/key pair .*organization.*IP access list/),
    })
  })

  it('offboards a person everywhere the key may look, projects too, as a dry run first', async () => {
    const env = { ...keyEnv(), ALLOWED_ORG_IDS: `${DEMO_ORG_ID},d0123456789abcdef012345d` }
    const dry = await run(['--user', first.username, '--include-projects', '--dry-run'], env)
    expect(dry.code).toBe(0)
    expect(dry.lines.map((line) => line.outcome)).toEqual([
      'would_revoke',
      'would_revoke',
      'would_revoke',
    ])
    expect(dry.stderr).toEqual(['revoke: 3 would revoke, 0 already gone, 0 failed'])
    expect(simulator.requests().filter((request) => request.method === 'DELETE')).toEqual([])
    const done = await run(['--user', first.username, '--include-projects'], env)
    expect(done.code).toBe(0)
    expect(done.lines.map((line) => [line.orgId, line.groupId, line.outcome])).toEqual(
      expect.arrayContaining([
        [DEMO_ORG_ID, undefined, 'revoked'],
        [DEMO_ORG_ID, 'e0123456789abcdef012345e', 'revoked'],
        ['d0123456789abcdef012345d', undefined, 'revoked'],
      ]),
    )
    const none = await run(['--user', first.username], env)
    expect(none.lines).toEqual([
      expect.objectContaining({ username: first.username, outcome: 'already_gone', searched: 2 }),
    ])
  })

  it('reads stdin lines of every form, and reports every bad line before revoking anything', async () => {
    const bad = await run(['--stdin'], keyEnv(), `email\nnot-an-email\n${DEMO_ORG_ID},zz\n`)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toEqual([
      'revoke: stdin line 2: expected orgId,invitationId, orgId,email or email',
      'revoke: stdin line 3: invitationId must be 24 lowercase hex digits (got "zz", 2 characters)',
    ])
    expect(simulator.counters().requests).toBe(0)
    const good = await run(
      ['--stdin'],
      { ...keyEnv(), ALLOWED_ORG_IDS: DEMO_ORG_ID },
      `orgId,invitationId\n${DEMO_ORG_ID},${first.id}\n${DEMO_ORG_ID},${second.username}\n${third.username}\n`,
    )
    expect(good.code).toBe(0)
    expect(good.lines.map((line) => line.outcome)).toEqual(['revoked', 'revoked', 'revoked'])
  })

  it('reads the key from the Secrets Manager secret named by ATLAS_SECRET_ID', async () => {
    const result = await run(['--org', DEMO_ORG_ID, '--invite', first.id], {
      ATLAS_BASE_URL: url,
      ATLAS_SECRET_ID: 'atlas/demo',
    })
    expect(result.code).toBe(0)
    expect(result.lines[0]).toMatchObject({ outcome: 'revoked' })
  })

  it.each([
    [
      ['--org', DEMO_ORG_ID, '--invite', 'nope'],
      {},
      'revoke: --invite: invitationId must be 24 lowercase hex digits',
    ],
    [
      ['--org', DEMO_ORG_ID, '--invite', first.id],
      { ATLAS_BASE_URL: 'http://atlas.example.com' },
      'revoke: ATLAS_BASE_URL may use plain http only for a loopback host',
    ],
    [
      ['--org', DEMO_ORG_ID, '--invite', first.id],
      { ATLAS_PUBLIC_KEY: undefined, ATLAS_PRIVATE_KEY: undefined },
      'no Atlas key to sign with',
    ],
    [
      ['--org', DEMO_ORG_ID, '--invite', first.id],
      { ATLAS_PRIVATE_KEY: undefined },
      'revoke: ATLAS_PRIVATE_KEY is not set but ATLAS_PUBLIC_KEY is',
    ],
    [
      ['--org', DEMO_ORG_ID, '--invite', first.id],
      {
        ATLAS_PUBLIC_KEY: undefined,
        ATLAS_PRIVATE_KEY: undefined,
        ATLAS_SECRET_ID: 'atlas/missing',
      },
      'revoke: ATLAS_SECRET_ID cannot be read from Secrets Manager (ResourceNotFoundException)',
    ],
    [
      ['--org', DEMO_ORG_ID, '--invite', first.id],
      {
        ATLAS_PUBLIC_KEY: undefined,
        ATLAS_PRIVATE_KEY: undefined,
        ATLAS_SECRET_ID: 'atlas/broken',
      },
      'revoke: ATLAS_SECRET_ID secret has no privateKey string',
    ],
    [
      ['--stdin'],
      {},
      'revoke: stdin line 1: is JSON; stdin takes one orgId,invitationId, orgId,email or email per line',
    ],
  ])('exits 2 without calling Atlas for %j %j', async (argv, env, message) => {
    const result = await run(argv, { ...keyEnv(), ...env }, '{"username":"leaver@example.com"}\n')
    expect(result.code).toBe(2)
    expect(result.stderr).toHaveLength(1)
    expect(result.stderr[0]).toContain(message)
    expect(result.stdout).toEqual([])
    expect(simulator.counters().requests).toBe(0)
  })

  it('says that no AWS region is set, and how to set one, rather than a bare SDK error', async () => {
    // The AWS SDK reads the region from the process's environment and AWS config files.
    const saved = { ...process.env }
    for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE']) delete process.env[name]
    process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config'
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials'
    try {
      const { ATLAS_PUBLIC_KEY: _public, ATLAS_PRIVATE_KEY: _private, ...env } = process.env
      const result = await run(['--org', DEMO_ORG_ID, '--invite', first.id], {
        ...env,
        ATLAS_BASE_URL: url,
        ATLAS_SECRET_ID: 'atlas/demo',
      })
      expect(result.code).toBe(2)
      expect(result.stderr).toEqual([
        'revoke: no AWS region is set: ATLAS_SECRET_ID is read from Secrets Manager, which lives in a region. Set AWS_REGION (export AWS_REGION=eu-west-1) or a region in your AWS profile (aws configure set region eu-west-1)',
      ])
      expect(simulator.counters().requests).toBe(0)
      // The AWS CLI's variable is named, since the SDK does not read it.
      process.env.AWS_DEFAULT_REGION = 'eu-west-1'
      const withCliVariable = await run(['--org', DEMO_ORG_ID, '--invite', first.id], {
        ...env,
        AWS_DEFAULT_REGION: 'eu-west-1',
        ATLAS_BASE_URL: url,
        ATLAS_SECRET_ID: 'atlas/demo',
      })
      expect(withCliVariable.code).toBe(2)
      expect(withCliVariable.stderr[0]).toMatch(
        /\(AWS_DEFAULT_REGION=eu-west-1 is set, but the AWS SDK reads AWS_REGION\)$/,
      )
    } finally {
      process.env = saved
    }
  })

  it('validates every stdin line before the first revocation', async () => {
    const result = await run(
      ['--stdin'],
      keyEnv(),
      `${DEMO_ORG_ID},${first.id}\n${DEMO_ORG_ID},bad\n`,
    )
    expect(result.code).toBe(2)
    expect(result.stderr[0]).toBe(
      'revoke: stdin line 2: invitationId must be 24 lowercase hex digits (got "bad", 3 characters)',
    )
    expect(simulator.counters().requests).toBe(0)
  })
})

describe('npm run revoke as a process', () => {
  const main = fileURLToPath(new URL('../../cli/main.ts', import.meta.url))
  const spawn = (argv: string[], env: Record<string, string>) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [main, ...argv],
        { env: { PATH: process.env.PATH ?? '', ...env } },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      )
    })

  it('revokes and exits 0, then exits 2 on bad input with one line and no stack trace', async () => {
    const env = keyEnv()
    const ok = await spawn(['--org', DEMO_ORG_ID, '--invite', first.id], env)
    expect(ok).toMatchObject({ code: 0, stderr: 'revoke: 1 revoked, 0 already gone, 0 failed\n' })
    expect(JSON.parse(ok.stdout)).toMatchObject({ invitationId: first.id, outcome: 'revoked' })

    const bad = await spawn(['--org', DEMO_ORG_ID, '--invite', 'zz'], env)
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim().split('\n')).toHaveLength(1)
    expect(bad.stderr).not.toMatch(/\n\s+at /)
    expect(`${ok.stdout}${bad.stdout}${bad.stderr}`).not.toContain(DEMO_API_KEY.privateKey)
  })
})
