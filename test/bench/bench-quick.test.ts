/**
 * `npm run bench -- --quick` still runs end to end and writes its table and JSON. The counted
 * measures (requests, connections, Secrets Manager calls) are exact, so they are checked too;
 * timings are reported by the benchmark, never asserted here.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const out = mkdtempSync(join(tmpdir(), 'bench-quick-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))

describe('npm run bench -- --quick', () => {
  it('measures all six rows; warm revocations cost one request on one connection, secrets are read once', async () => {
    const { stdout } = await run('npm', ['run', '-s', 'bench', '--', '--quick', '--out', out], {
      timeout: 120_000,
    })
    const report = JSON.parse(readFileSync(join(out, 'quick.json'), 'utf8')) as {
      rows: { id: string; met: boolean | undefined; data: Record<string, unknown> }[]
    }
    expect(report.rows.map((row) => row.id)).toEqual(['1', '2', '3', '4', '5', '6'])
    const [requests, connections, secrets] = report.rows
    expect(requests?.data).toMatchObject({ n: 20, ours: [21], naive: [40] })
    expect(connections?.data).toMatchObject({ ours: [1], naive: [20] })
    expect(secrets?.data).toMatchObject({ ours: { calls: 1 }, naive: { calls: 100 } })
    expect(readFileSync(join(out, 'quick.md'), 'utf8')).toBe(`${stdout}`)
  }, 120_000)
})
