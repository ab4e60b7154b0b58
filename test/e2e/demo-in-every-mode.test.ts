/**
 * `npm run demo` passes against the local stack in every Atlas API mode: v1 (in
 * local-stack.test.ts), v2 and the Cloud Users API, where a person's pending user and its
 * invitation must count once (issue #24). Each mode starts its own `npm start` on free ports and
 * stops it, and every process it started, before the next.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../support/free-port.ts'

const run = promisify(execFile)

for (const api of ['v2', 'users'] as const) {
  describe(`npm run demo with ATLAS_API=${api}`, () => {
    let stack: ChildProcess
    let output = ''
    let env: Record<string, string>

    beforeAll(async () => {
      const [atlas, secrets, sqs, http, lambda, dynamodb] = await Promise.all(
        Array.from({ length: 6 }, () => freePort()),
      )
      env = {
        ...(process.env as Record<string, string>),
        ATLAS_API: api,
        LOCAL_ATLAS_PORT: String(atlas),
        LOCAL_SECRETS_MANAGER_PORT: String(secrets),
        LOCAL_SQS_PORT: String(sqs),
        LOCAL_HTTP_PORT: String(http),
        LOCAL_LAMBDA_PORT: String(lambda),
        LOCAL_DYNAMODB_PORT: String(dynamodb),
        ESBUILD_WORK_FOLDER: `.esbuild-demo-${api}-test`,
      }
      stack = spawn('npm', ['start'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
      for (const stream of [stack.stdout, stack.stderr])
        stream?.on('data', (chunk: Buffer) => {
          output += chunk.toString()
        })
      const until = Date.now() + 150_000
      while (!/Ctrl-C stops everything\.$/m.test(output)) {
        if (Date.now() > until || stack.exitCode !== null)
          throw new Error(`npm start (ATLAS_API=${api}) did not get ready:\n${output}`)
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

    it('exits 0: every trigger revokes, the sweep finds the re-invited leaver once, the dry run counts each invitation once', async () => {
      const demo = await run('npm', ['run', '-s', 'demo'], { env, timeout: 90_000 }).catch(
        (error: { code: number; stdout: string; stderr: string }) => error,
      )
      expect(demo, `${demo.stdout}\n${demo.stderr}\n--- stack ---\n${output}`).not.toHaveProperty(
        'code',
      )
      expect(demo.stdout).toMatch(/^HTTP {2}POST \/revocations → 200 .*"outcome":"revoked"/m)
      expect(demo.stdout).toMatch(/^SWEEP .* → 1 reappeared$/m)
      expect(demo.stdout).toMatch(/^DRY .* → 200 would_revoke, 3 would be revoked$/m)
      expect(demo.stdout).toContain('simulator: 3 of 3 still pending (a dry run revokes nothing)')
      expect(demo.stdout).toMatch(/^receipts: 4 people$/m)
    }, 100_000)
  })
}
