/**
 * `npm run bench -- --quick` still runs end to end, writes its table and JSON, and exits by
 * itself once done (issue #20). The counted measures (requests, connections, Secrets Manager
 * calls) are exact, so they are checked too; timings are reported by the benchmark, never
 * asserted here.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runNpmScript } from '../scripts/run-to-exit.ts'

const out = mkdtempSync(join(tmpdir(), 'bench-quick-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))

describe('npm run bench -- --quick', () => {
  it('measures every row; warm revocations cost one request on one connection, secrets are read once', async () => {
    const bench = await runNpmScript('bench', ['--quick', '--out', out], {
      done: /^bench: done in /m,
      timeoutMs: 400_000,
    })
    // Exited 0 by itself: nothing (a server, socket, timer, worker or child) kept it running.
    expect(bench, bench.stderr).toMatchObject({
      code: 0,
      signal: null,
      lingered: false,
      timedOut: false,
    })
    const report = JSON.parse(readFileSync(join(out, 'quick.json'), 'utf8')) as {
      rows: { id: string; met: boolean | undefined; data: Record<string, unknown> }[]
    }
    expect(report.rows.map((row) => row.id)).toEqual(
      Array.from({ length: 12 }, (_, i) => String(i + 1)),
    )
    const [requests, connections, secrets, , , , cold, memory, layoff, okta, ledger, sweep] =
      report.rows
    // The ledger: both functions measured with and without it, warm and cold.
    const ledgerFigures = ledger?.data.figures as {
      trigger: string
      warmMs: { recorded: number }
    }[]
    expect(ledgerFigures.map((row) => row.trigger)).toEqual(['queue', 'http'])
    expect(ledgerFigures.every((row) => row.warmMs.recorded > 0)).toBe(true)
    // The sweep checked every leaver and revoked the one invited again (else the row throws).
    expect(sweep?.data).toMatchObject({ leavers: 20, reinvited: 1, runs: 1 })
    // The Okta delivery was answered 200 by a cold process (else the row throws).
    expect((okta?.data.coldMs as number[] | undefined)?.every((ms) => ms > 0)).toBe(true)
    expect(requests?.data).toMatchObject({ n: 20, ours: [21], naive: [40] })
    expect(connections?.data).toMatchObject({ ours: [1], naive: [20] })
    expect(secrets?.data).toMatchObject({ ours: { calls: 1 }, naive: { calls: 100 } })
    // Cold revocations: every contender ran in a fresh process and revoked (else the row throws),
    // at the four network settings (Atlas 40, 10 and 120 ms, and 40 ms with real TLS), each
    // timed from the spawn, beside the limit.
    const atDefault = cold?.data.atDefault as {
      coldMs: Record<string, number>
      fromSpawn: Record<string, { medianMs: number }>
      limitMs: number
      processStart: { medianMs: number }
    }
    expect(Object.keys(atDefault.coldMs).sort()).toEqual([
      'naive-http',
      'naive-queue',
      'ours-http',
      'ours-queue',
    ])
    expect(Object.values(atDefault.coldMs).every((ms) => ms > 0)).toBe(true)
    expect(Object.values(atDefault.fromSpawn).every((cell) => cell.medianMs > 0)).toBe(true)
    expect(atDefault.limitMs).toBeCloseTo(atDefault.processStart.medianMs + 4 * 40, 0)
    expect(
      ((cold?.data.others ?? []) as { network: { atlasRttMs: number; handshake?: string } }[]).map(
        ({ network }) => [network.atlasRttMs, network.handshake ?? 'charged'],
      ),
    ).toEqual([
      [10, 'charged'],
      [120, 'charged'],
      [40, 'tls'],
    ])
    // Memory: an RSS per contender, and the memory size serverless.yml deploys with.
    expect(memory?.data).toMatchObject({ warm: 20, configured: 256 })
    expect((memory?.data.peakMb as number) > 0).toBe(true)
    // The layoff batch: every message revoked through the queue handler, none dead-lettered,
    // both variants; a username costs a list as well as the DELETE.
    const runs = layoff?.data.runs as {
      variant: string
      revocations: number
      atlasRequests: number
      requestsNeeded: number
      deadLettered: number
      notRevoked: number
    }[]
    expect(runs.map((run) => run.variant)).toEqual(['by id', 'by username'])
    for (const run of runs) {
      expect(run).toMatchObject({ revocations: 40, deadLettered: 0, notRevoked: 0 })
      expect(run.atlasRequests).toBeGreaterThanOrEqual(run.revocations * run.requestsNeeded)
    }
    expect(readFileSync(join(out, 'quick.md'), 'utf8')).toBe(bench.stdout)
  }, 420_000)
})
