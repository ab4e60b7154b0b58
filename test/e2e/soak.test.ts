/**
 * The short soak: revocations through the whole local stack, HTTP and SQS mixed, with 5%
 * injected Atlas faults and 5% duplicate deliveries. Nothing may be lost.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runNpmScript } from '../scripts/run-to-exit.ts'

const out = mkdtempSync(join(tmpdir(), 'soak-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))

describe('npm run soak (short)', () => {
  it('revokes every invitation or keeps its message in the DLQ: lost = 0', async () => {
    const soak = await runNpmScript('soak', ['--quick', '--out', out], {
      done: /^\| \d+ \|/m,
      timeoutMs: 220_000,
      env: { ...process.env, ESBUILD_WORK_FOLDER: '.esbuild-soak-test' },
    })
    // Exited 0 by itself once its table was out: nothing of the local stack kept it running.
    expect(soak, soak.stderr).toMatchObject({
      code: 0,
      signal: null,
      lingered: false,
      timedOut: false,
    })
    const report = JSON.parse(readFileSync(join(out, 'soak.json'), 'utf8')) as {
      lost: number
      revoked: number
      failedToDlq: number
      webhookSenderGaveUp: number
      atlas404Answers: number
      atlasRequests: number
    }
    expect(report.lost).toBe(0)
    expect(report.revoked + report.failedToDlq + report.webhookSenderGaveUp).toBe(300)
    expect(report.atlas404Answers).toBeGreaterThan(0)
    expect(report.atlasRequests).toBeGreaterThan(300)
  }, 240_000)
})
