/**
 * `npm run demo` against `REMOVE_ACTIVE_MEMBERS=true npm start` (issue #21): every step of the
 * demo as before, and an Okta deactivation of a person who is an active member of both demo
 * organizations, removed from both through the Okta route and the queue function. The stack
 * runs on free ports and is stopped, with every process it started, at the end.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_ORG_ID, DEMO_SECOND_ORG_ID } from '../../dev/simulator/demo-seed.ts'
import { freePort } from '../support/free-port.ts'

const run = promisify(execFile)

describe('npm run demo with REMOVE_ACTIVE_MEMBERS=true', () => {
  let stack: ChildProcess
  let output = ''
  let env: Record<string, string>

  beforeAll(async () => {
    const [atlas, secrets, sqs, http, lambda, dynamodb] = await Promise.all(
      Array.from({ length: 6 }, () => freePort()),
    )
    env = {
      ...(process.env as Record<string, string>),
      REMOVE_ACTIVE_MEMBERS: 'true',
      LOCAL_ATLAS_PORT: String(atlas),
      LOCAL_SECRETS_MANAGER_PORT: String(secrets),
      LOCAL_SQS_PORT: String(sqs),
      LOCAL_HTTP_PORT: String(http),
      LOCAL_LAMBDA_PORT: String(lambda),
      LOCAL_DYNAMODB_PORT: String(dynamodb),
      ESBUILD_WORK_FOLDER: '.esbuild-demo-members-test',
    }
    stack = spawn('npm', ['start'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    for (const stream of [stack.stdout, stack.stderr])
      stream?.on('data', (chunk: Buffer) => {
        output += chunk.toString()
      })
    const until = Date.now() + 150_000
    while (!/Ctrl-C stops everything\.$/m.test(output)) {
      if (Date.now() > until || stack.exitCode !== null)
        throw new Error(`npm start (REMOVE_ACTIVE_MEMBERS=true) did not get ready:\n${output}`)
      await sleep(200)
    }
  }, 160_000)

  afterAll(async () => {
    const exited = new Promise((resolve) => stack.once('exit', resolve))
    try {
      if (stack.pid !== undefined) process.kill(-stack.pid, 'SIGINT')
    } catch {
      return // already gone
    }
    await Promise.race([exited, sleep(20_000)])
  }, 30_000)

  it('exits 0: every trigger revokes as before, and the Okta leaver who is an active member is removed from both demo organizations', async () => {
    expect(output).toContain('Active members are removed too (REMOVE_ACTIVE_MEMBERS=true)')
    const demo = await run('npm', ['run', '-s', 'demo'], { env, timeout: 90_000 }).catch(
      (error: { code: number; stdout: string; stderr: string }) => error,
    )
    expect(demo, `${demo.stdout}\n${demo.stderr}\n--- stack ---\n${output}`).not.toHaveProperty(
      'code',
    )
    const { stdout } = demo
    expect(stdout).toMatch(/^HTTP {2}POST \/revocations → 200 .*"outcome":"revoked"/m)
    expect(stdout).toMatch(/^SWEEP .* → 1 reappeared$/m)
    expect(stdout).toMatch(/^DRY .* → 200 would_revoke, 3 would be revoked$/m)
    expect(stdout).toMatch(
      /^MEMBER POST \/okta\/events \(user\.lifecycle\.deactivate leaver-member-\d+@example\.com, an active member of both demo orgs\) → 200, queued → removed from 2 of 2 organizations$/m,
    )
    for (const orgId of [DEMO_ORG_ID, DEMO_SECOND_ORG_ID])
      expect(stdout).toMatch(
        new RegExp(
          `^ {6}simulator: member [0-9a-f]{24} \\(leaver-member-\\d+@example\\.com\\) removed from ${orgId} at `,
          'm',
        ),
      )
    // The member's offboarding is in the ledger like any other: one more person.
    expect(stdout).toMatch(/^receipts: 5 people$/m)
    expect(output).toMatch(
      /functions \| WARN {2}audit: revocation {2}via=okta outcome=removed_member username=leaver-member-/,
    )
  }, 100_000)
})
