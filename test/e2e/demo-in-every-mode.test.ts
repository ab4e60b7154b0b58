/**
 * `npm run demo` passes against the local stack in every Atlas API mode: v1 (in
 * local-stack.test.ts), v2 and the Cloud Users API, where a person's pending user and its
 * invitation must count once (issue #24). Each mode starts its own `npm start` on free ports and
 * stops it, and every process it started, before the next.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { demoStackForSuite } from '../support/demo-stack.ts'

const run = promisify(execFile)

for (const api of ['v2', 'users'] as const) {
  describe(`npm run demo with ATLAS_API=${api}`, () => {
    const { env, output } = demoStackForSuite(`ATLAS_API=${api}`, {
      ATLAS_API: api,
      ESBUILD_WORK_FOLDER: `.esbuild-demo-${api}-test`,
    })

    it('exits 0: every trigger revokes, the sweep finds the re-invited leaver once, the dry run counts each invitation once', async () => {
      const demo = await run('npm', ['run', '-s', 'demo'], { env, timeout: 90_000 }).catch(
        (error: { code: number; stdout: string; stderr: string }) => error,
      )
      expect(demo, `${demo.stdout}\n${demo.stderr}\n--- stack ---\n${output()}`).not.toHaveProperty(
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
