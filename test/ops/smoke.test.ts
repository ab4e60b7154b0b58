/**
 * `npm run smoke` end to end against the real HTTP function on 127.0.0.1 (the Atlas simulator
 * and the local Secrets Manager behind it): it passes on a working deployment, fails on a
 * wrong secret, a refused Atlas key, a route that takes unsigned requests or one that does
 * not answer, never revokes anything, and never prints the secret.
 */
import { randomBytes } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DEMO_API_KEY, DEMO_ORG_ID, DEMO_SECOND_ORG_ID } from '../../dev/simulator/demo-seed.ts'
import { smokeUsername } from '../../ops/smoke-checks.ts'
import { freePort } from '../support/free-port.ts'
import {
  type FunctionFixture,
  startFunctionFixture,
  WEBHOOK_SECRET_ID,
} from '../support/function-fixture.ts'
import { knownSecrets, registerSecret } from '../support/known-secrets.ts'
import { type LoopbackServer, startLoopbackServer } from '../support/loopback-server.ts'
import { type HttpFunctionServer, serveHttpFunction } from './http-function-server.ts'
import { bareEnv, runNodeScript, type ScriptRun } from './run-node-script.ts'

let fixture: FunctionFixture
let deployment: HttpFunctionServer
let webhookUrl: string
const stubs: LoopbackServer[] = []

beforeEach(async () => {
  fixture = await startFunctionFixture()
  deployment = await serveHttpFunction(
    { ...fixture.env, ALLOWED_ORG_IDS: `${DEMO_ORG_ID},${DEMO_SECOND_ORG_ID}` },
    { dispatcher: fixture.dispatcher() },
  )
  webhookUrl = `${deployment.url}/revocations`
})
afterEach(async () => {
  await Promise.all([deployment.stop(), fixture.stop(), ...stubs.splice(0).map((s) => s.close())])
})

const smoke = (argv: string[], env: Record<string, string> = {}) =>
  runNodeScript('ops/smoke.ts', argv, bareEnv(env))

/** A smoke run against `url` with the deployment's own secret (in WEBHOOK_SECRET). */
const smokeWithSecret = (url: string, ...argv: string[]) =>
  smoke(['--url', url, ...argv], { WEBHOOK_SECRET: fixture.webhookSecret })

/** A `whsec_` secret the deployment does not know, registered so no output may show it. */
function strangerSecret(): string {
  const secret = `whsec_${randomBytes(32).toString('base64')}`
  registerSecret(secret)
  return secret
}

function expectNoSecretIn(run: ScriptRun): void {
  for (const secret of knownSecrets) {
    expect(run.stdout.includes(secret), 'a secret on stdout').toBe(false)
    expect(run.stderr.includes(secret), 'a secret on stderr').toBe(false)
  }
}

function expectNothingRevoked(): void {
  expect(fixture.simulator.requests().filter((request) => request.method === 'DELETE')).toEqual([])
  expect(fixture.simulator.state.revocations()).toEqual([])
}

const lines = (run: ScriptRun) => run.stdout.trim().split('\n')
/** The exit code and the result lines, to compare in one go. */
const verdict = (run: ScriptRun) => ({ code: run.code, lines: lines(run) })

describe('npm run smoke', () => {
  it('answers --help with what each check proves, exit 0', async () => {
    const help = await smoke(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('never revokes anything')
    expect(help.stdout).toContain('200 already_gone')
  })

  it.each([
    [['--no-such-option'], "smoke: Unknown option '--no-such-option' (see --help)"],
    [['--secret', 'x'], 'smoke: --url is required (or set WEBHOOK_URL, e.g. with npm run outputs)'],
    [['--url', 'not a url'], 'smoke: --url is not a URL (got "not a url")'],
    [
      ['--url', 'http://k2l9x4d1qa.execute-api.eu-west-1.amazonaws.com/revocations'],
      'smoke: --url must be https (plain http only on 127.0.0.1 or localhost)',
    ],
    [
      ['--url', 'https://a.example/revocations'],
      'smoke: a webhook secret is needed: --secret-id <Secrets Manager id> or WEBHOOK_SECRET',
    ],
    [
      ['--url', 'https://a.example/revocations', '--secret', 'x', '--secret-id', 'y'],
      'smoke: give --secret-id or --secret, not both',
    ],
    [
      ['--url', 'https://a.example/revocations', '--secret-id', 'y'],
      'smoke: --region is required (or set REGION or AWS_REGION)',
    ],
    [
      ['--url', 'https://a.example/revocations', '--secret', 'x', '--timeout', '0'],
      'smoke: --timeout must be a number from 0.1 to 120 (got "0")',
    ],
  ])('answers %j with one line and exit 2', async (argv, line) => {
    const bad = await smoke(argv)
    expect(bad).toMatchObject({ code: 2, stdout: '', stderr: `${line}\n` })
  })

  it('passes both checks on a working deployment, revoking nothing and printing no secret', async () => {
    const before = fixture.simulator.state.snapshot()
    const run = await smokeWithSecret(webhookUrl)
    expect(run).toMatchObject({ code: 0, stderr: '' })
    expect(lines(run)).toEqual([
      expect.stringMatching(
        /^ok {6}signed dry run: 200 already_gone \(nothing to revoke, nothing revoked; 2 organizations or projects searched; requestId httpApi-[\w-]+\)$/,
      ),
      'ok      unsigned request refused: 401 invalid_signature',
    ])
    // A dry run, for a username in the reserved .example domain; signed once, then not.
    const [signed, unsigned] = deployment.served
    const token = /^smoke_([0-9a-f]{16})$/.exec(signed?.webhookId ?? '')?.[1] ?? 'missing'
    const body = JSON.stringify({ username: smokeUsername(token), dryRun: true })
    expect(smokeUsername(token)).toBe(`smoke-test+${token}@invalid.example`)
    expect(deployment.served).toEqual([
      { method: 'POST', path: '/revocations', webhookId: `smoke_${token}`, body, status: 200 },
      { method: 'POST', path: '/revocations', webhookId: undefined, body, status: 401 },
    ])
    expect(unsigned?.body).toBe(signed?.body)
    expectNothingRevoked()
    expect(fixture.simulator.state.snapshot()).toEqual(before)
    expectNoSecretIn(run)
  })

  it('signs with the first of several space-separated secrets, as a rotation holds them', async () => {
    const rotating = `${fixture.webhookSecret} ${strangerSecret()}`
    const passes = await smoke(['--url', webhookUrl, '--secret', rotating])
    expect(passes.code).toBe(0)
    const fails = await smoke([
      '--url',
      webhookUrl,
      '--secret',
      `${strangerSecret()}\n${fixture.webhookSecret}`,
    ])
    expect(fails.code).toBe(1)
    expectNoSecretIn(passes)
    expectNoSecretIn(fails)
  })

  it('reads the secret from Secrets Manager with --secret-id and --region', async () => {
    const aws = {
      AWS_ACCESS_KEY_ID: 'AKIDLOCAL',
      AWS_SECRET_ACCESS_KEY: 'local-secret',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER ?? '',
    }
    const run = await smoke(
      ['--url', webhookUrl, '--secret-id', WEBHOOK_SECRET_ID, '--region', 'eu-west-1'],
      aws,
    )
    expect(run).toMatchObject({ code: 0, stderr: '' })
    expect(lines(run).map((line) => line.slice(0, 6))).toEqual(['ok    ', 'ok    '])
    expectNoSecretIn(run)

    const missing = await smoke(['--url', webhookUrl, '--secret-id', 'no/such/secret'], {
      ...aws,
      REGION: 'eu-west-1',
    })
    expect(missing).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        'smoke: --secret-id cannot be read from Secrets Manager (ResourceNotFoundException)\n',
    })
  })

  it('fails the signed check with a wrong secret (401), exit 1, nothing revoked, no secret shown', async () => {
    const run = await smoke(['--url', webhookUrl], { WEBHOOK_SECRET: strangerSecret() })
    expect(run).toMatchObject({ code: 1, stderr: '' })
    expect(lines(run)).toEqual([
      expect.stringMatching(
        /^FAILED {2}signed dry run: 401 invalid_signature - no matching v1 signature \(is the secret the one the deployment reads\?\); requestId /,
      ),
      'ok      unsigned request refused: 401 invalid_signature',
    ])
    expectNothingRevoked()
    expectNoSecretIn(run)
  })

  it('fails when Atlas refuses the deployment’s key (502 unauthorized)', async () => {
    fixture.simulator.state.putApiKey({
      publicKey: DEMO_API_KEY.publicKey,
      privateKey: 'retired',
      roles: {},
    })
    const run = await smokeWithSecret(webhookUrl)
    expect(run.code).toBe(1)
    expect(lines(run)[0]).toMatch(/^FAILED {2}signed dry run: 502 unauthorized - /)
    expectNothingRevoked()
  })

  it('fails when the route takes a request without a signature', async () => {
    stubs.push(
      await startLoopbackServer(() => ({
        status: 200,
        body: JSON.stringify({ outcome: 'already_gone', dryRun: true, searched: [] }),
      })),
    )
    expect(verdict(await smokeWithSecret(`${stubs[0]?.url}/revocations`))).toEqual({
      code: 1,
      lines: [
        'ok      signed dry run: 200 already_gone (nothing to revoke, nothing revoked; 0 organizations or projects searched)',
        'FAILED  unsigned request refused: 200 already_gone (expected 401: the route must refuse unsigned requests)',
      ],
    })
  })

  it('fails each check that gets no answer within --timeout, and when nothing listens', async () => {
    stubs.push(await startLoopbackServer(() => new Promise(() => {})))
    const silent = await smokeWithSecret(`${stubs[0]?.url}/revocations`, '--timeout', '0.3')
    const closed = await smokeWithSecret(`http://127.0.0.1:${await freePort()}/revocations`)
    expect([verdict(silent), verdict(closed)]).toEqual(
      ['nothing within 0.3 s', 'ECONNREFUSED'].map((reason) => ({
        code: 1,
        lines: [
          `FAILED  signed dry run: no answer (${reason})`,
          `FAILED  unsigned request refused: no answer (${reason})`,
        ],
      })),
    )
  })

  it('refuses a secret that is not whsec_ base64 in one line, without showing it', async () => {
    const run = await smoke(['--url', webhookUrl], { WEBHOOK_SECRET: 'not-a-webhook-secret' })
    expect(run).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'smoke: unusable webhook secret (secret must be whsec_ followed by base64)\n',
    })
  })
})
