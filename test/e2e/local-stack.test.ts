/**
 * `npm start` end to end, as a user runs it: the whole stack on loopback, then a revocation
 * through the pasted curl command (signed with openssl), one through SQS, `npm run demo`, and
 * Ctrl-C — with the results read back from the Atlas simulator.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_INVITATIONS, DEMO_ORG_ID } from '../../dev/simulator/demo-seed.ts'
import { freePort } from '../support/free-port.ts'

const run = promisify(execFile)
const [viaCurl, viaQueue, viaDelete] = DEMO_INVITATIONS
let stack: ChildProcess
let output = ''
let env: Record<string, string>
let ports: Record<'atlas' | 'secrets' | 'sqs' | 'http' | 'lambda' | 'dynamodb', number>

async function state(): Promise<{ revoked: { invitationId: string }[] }> {
  const response = await request(`http://127.0.0.1:${ports.atlas}/__simulator/state`)
  return (await response.body.json()) as { revoked: { invitationId: string }[] }
}

async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    const value = await check()
    if (value !== undefined) return value
    await sleep(200)
  }
  throw new Error(`timed out; stack output:\n${output}`)
}

beforeAll(async () => {
  ports = {
    atlas: await freePort(),
    secrets: await freePort(),
    sqs: await freePort(),
    http: await freePort(),
    lambda: await freePort(),
    dynamodb: await freePort(),
  }
  env = {
    ...(process.env as Record<string, string>),
    LOCAL_ATLAS_PORT: String(ports.atlas),
    LOCAL_SECRETS_MANAGER_PORT: String(ports.secrets),
    LOCAL_SQS_PORT: String(ports.sqs),
    LOCAL_HTTP_PORT: String(ports.http),
    LOCAL_LAMBDA_PORT: String(ports.lambda),
    LOCAL_DYNAMODB_PORT: String(ports.dynamodb),
    ESBUILD_WORK_FOLDER: '.esbuild-e2e-test',
  }
  stack = spawn('npm', ['start'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  stack.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  stack.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  // The last line npm start prints before the functions' own lines.
  await waitFor(
    async () => (/Ctrl-C stops everything\.$/m.test(output) ? true : undefined),
    150_000,
  )
}, 160_000)

afterAll(() => {
  try {
    if (stack.pid !== undefined) process.kill(-stack.pid, 'SIGKILL')
  } catch {
    // Already gone, as it should be.
  }
})

describe('npm start', () => {
  it('prints one ready line with the endpoints, the demo ids and pasteable commands', () => {
    expect(output).toContain(
      `ready: HTTP API http://127.0.0.1:${ports.http}, Atlas simulator http://127.0.0.1:${ports.atlas}`,
    )
    expect(output).toContain(DEMO_ORG_ID)
    expect(output).toContain('openssl dgst -sha256 -mac HMAC')
    expect(output).toContain('npm run enqueue --')
    expect(output).toContain('aws sqs send-message')
    expect(output).toContain(`AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:${ports.dynamodb}`)
  })

  it('revokes through the printed curl command, signed with openssl', async () => {
    const snippet = output.slice(
      output.indexOf("body='"),
      output.indexOf('-d "$body"') + '-d "$body"'.length,
    )
    const { stdout } = await run('bash', ['-c', snippet])
    expect(JSON.parse(stdout)).toMatchObject({ outcome: 'revoked', invitationId: viaCurl.id })
    expect((await state()).revoked.map((record) => record.invitationId)).toContain(viaCurl.id)
  })

  it("runs the trigger guide's signing example word for word (port aside)", async () => {
    const readme = readFileSync(new URL('../../docs/triggers.md', import.meta.url), 'utf8')
    const block = readme.slice(
      readme.indexOf("secret='whsec_"),
      readme.indexOf('```', readme.indexOf("secret='whsec_")),
    )
    const { stdout } = await run('bash', [
      '-c',
      block.replace('127.0.0.1:3000', `127.0.0.1:${ports.http}`),
    ])
    // The guide revokes the same demo invitation as the printed command: it is gone by now, and
    // the ledger remembers that this tool revoked it, so by id it is already_gone.
    expect(JSON.parse(stdout)).toMatchObject({
      outcome: 'already_gone',
      invitationId: viaCurl.id,
      evidence: { kind: 'absent', was: 'revoked_before' },
    })
  })

  it('revokes through SQS: the real queue function, fed by the local event source', async () => {
    await run(
      'npm',
      ['run', '-s', 'enqueue', '--', '--org', DEMO_ORG_ID, '--invite', viaQueue.id],
      { env },
    )
    await waitFor(
      async () =>
        (await state()).revoked.some((record) => record.invitationId === viaQueue.id)
          ? true
          : undefined,
      20_000,
    )
  })

  it('serves the IAM route locally without an authorizer', async () => {
    const response = await request(
      `http://127.0.0.1:${ports.http}/orgs/${DEMO_ORG_ID}/invites/${viaDelete.id}`,
      { method: 'DELETE' },
    )
    expect(response.statusCode).toBe(200)
    expect(await response.body.json()).toMatchObject({ outcome: 'revoked' })
  })

  it('runs npm run demo: by HTTP, SQS and an Okta deactivation, the sweep, a dry run, and the receipts', async () => {
    const { stdout } = await run('npm', ['run', '-s', 'demo'], { env, timeout: 60_000 })
    expect(stdout).toMatch(/^HTTP {2}POST \/revocations → 200 .*"outcome":"revoked"/m)
    expect(stdout).toMatch(/^SQS {3}message /m)
    expect(stdout).toMatch(
      /^OKTA {2}POST \/okta\/events \(user\.lifecycle\.deactivate .*\) → 200, queued/m,
    )
    // The Okta leaver, invited again after the offboarding, is revoked by the next sweep.
    expect(stdout).toMatch(
      /^SWEEP (leaver-okta-\S+) invited again; the sweep re-checked \d+ leavers? → 1 reappeared$/m,
    )
    expect(stdout.match(/simulator: invitation [0-9a-f]{24} \(.*\) revoked at /g)).toHaveLength(4)
    expect(stdout).toMatch(/^DRY .* → 200 would_revoke, 3 would be revoked$/m)
    expect(stdout).toContain('simulator: 3 of 3 still pending (a dry run revokes nothing)')
    // The receipts, read from the local ledger: one row per person, the sweep's find included.
    const csv = stdout.slice(stdout.indexOf('person,asked_at,'))
    const rows = csv.split('\n').filter((line) => /^(leaver-|a0123)/.test(line))
    expect(rows).toHaveLength(4)
    expect(rows.find((row) => row.startsWith('leaver-okta-'))).toMatch(
      /revoked by okta \(removed 204\); \S+ revoked by sweep \(removed 204\),checked,/,
    )
    expect(stdout).toMatch(/^receipts: 4 people$/m)
    // The printed receipts command, pasted into a shell that has none of the stack's settings.
    const start = stdout.indexOf('LEDGER_TABLE=')
    const command = stdout.slice(
      start,
      stdout.indexOf('\n', stdout.indexOf('receipts --since ', start)),
    )
    const pasted = await run('bash', ['-c', command], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    })
    expect(pasted.stdout.split('\n').filter((line) => /^(leaver-|a0123)/.test(line))).toEqual(rows)
    expect(pasted.stderr).toContain('receipts: 4 people')
  })

  it('shows the functions’ own log lines, one readable line per revocation with its outcome', () => {
    expect(output).toMatch(/functions \| INFO {2}audit: revocation {2}via=webhook outcome=revoked /)
    expect(output).toMatch(/functions \| INFO {2}audit: revocation {2}via=okta outcome=revoked /)
    expect(output).toMatch(
      /functions \| INFO {2}okta events received {2}leavers=leaver-okta-\S+ skipped=\d/,
    )
    expect(output).not.toContain('"_aws"')
  })

  it('refuses to start with a clear message when a port is taken', async () => {
    const blocker = createServer()
    const port = await freePort()
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve))
    try {
      const result = await run('npm', ['start'], {
        env: { ...env, LOCAL_ATLAS_PORT: String(port) },
      }).catch((error: { code: number; stderr: string }) => error)
      expect(result).toMatchObject({ code: 1 })
      expect((result as { stderr: string }).stderr).toContain(
        `port ${port} (Atlas simulator) is already in use on 127.0.0.1; set LOCAL_ATLAS_PORT to a free port`,
      )
    } finally {
      blocker.close()
    }
  })

  it('stops everything on Ctrl-C', async () => {
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      stack.once('exit', (code, signal) => resolve({ code, signal })),
    )
    if (stack.pid !== undefined) process.kill(-stack.pid, 'SIGINT')
    // npm itself dies of the SIGINT; the stack behind it stops and frees every port.
    expect(await exited).toSatisfy(
      ({ code, signal }: { code: number | null; signal: string | null }) =>
        code === 0 || signal === 'SIGINT',
    )
    await waitFor(
      async () =>
        (await Promise.all(Object.values(ports).map(isFree))).every(Boolean) ? true : undefined,
      15_000,
    )
  }, 30_000)
})

async function isFree(port: number): Promise<boolean> {
  const probe = createServer()
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false))
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)))
  })
}
