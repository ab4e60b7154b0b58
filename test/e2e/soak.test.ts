/**
 * The short soak: revocations through the whole local stack, HTTP and SQS mixed, with 5%
 * injected Atlas faults and 5% duplicate deliveries. Nothing may be lost.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const out = mkdtempSync(join(tmpdir(), 'soak-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))

describe('npm run soak (short)', () => {
  it('revokes every invitation or keeps its message in the DLQ: lost = 0', async () => {
    await run('npm', ['run', '-s', 'soak', '--', '--quick', '--out', out], {
      timeout: 240_000,
      env: { ...process.env, ESBUILD_WORK_FOLDER: '.esbuild-soak-test' },
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
