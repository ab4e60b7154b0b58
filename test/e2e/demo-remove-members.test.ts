/**
 * `npm run demo` against `REMOVE_ACTIVE_MEMBERS=true npm start` (issue #21): every step of the
 * demo as before, and an Okta deactivation of a person who is an active member of both demo
 * organizations, removed from both through the Okta route and the queue function. The stack
 * runs on free ports and is stopped, with every process it started, at the end.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { DEMO_ORG_ID, DEMO_SECOND_ORG_ID } from '../../dev/simulator/demo-seed.ts'
import { demoStackForSuite } from '../support/demo-stack.ts'

const run = promisify(execFile)

describe('npm run demo with REMOVE_ACTIVE_MEMBERS=true', () => {
  const { env, output } = demoStackForSuite('REMOVE_ACTIVE_MEMBERS=true', {
    REMOVE_ACTIVE_MEMBERS: 'true',
    ESBUILD_WORK_FOLDER: '.esbuild-demo-members-test',
  })

  it('exits 0: every trigger revokes as before, and the Okta leaver who is an active member is removed from both demo organizations', async () => {
    expect(output()).toContain('Active members are removed too (REMOVE_ACTIVE_MEMBERS=true)')
    const demo = await run('npm', ['run', '-s', 'demo'], { env, timeout: 90_000 }).catch(
      (error: { code: number; stdout: string; stderr: string }) => error,
    )
    expect(demo, `${demo.stdout}\n${demo.stderr}\n--- stack ---\n${output()}`).not.toHaveProperty(
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
    expect(output()).toMatch(
      /functions \| WARN {2}audit: revocation {2}via=okta outcome=removed_member username=leaver-member-/,
    )
  }, 100_000)
})
