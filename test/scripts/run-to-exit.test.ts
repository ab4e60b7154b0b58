/**
 * Issue #20: a script that has printed its result exits by itself. The check (run-to-exit.ts)
 * tells a script that exits from one kept alive, by itself or by a process it started; the
 * oracle's short mode is held to it here, `bench -- --quick` in test/bench/bench-quick.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { runNpmScript, runToExit } from './run-to-exit.ts'

/** A Node script (this Node) that prints `x: done` and then does `then`. */
const script = (then: string) =>
  runToExit(process.execPath, ['-e', `console.error('x: done'); ${then}`], {
    done: /x: done/,
    graceMs: 1_000,
    timeoutMs: 10_000,
  })

/** Running: there, and (where /proc says) not a zombie waiting for its new parent to reap it. */
/** Whether `pid` is gone within `withinMs`. */
async function stopsRunning(pid: number, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs
  while (running(pid)) {
    if (Date.now() > until) return false
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return true
}

const running = (pid: number) => {
  try {
    if (!existsSync('/proc/self')) return process.kill(pid, 0)
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

describe('the check that a script exits by itself', () => {
  it('a script that ends after its done line exited by itself', async () => {
    const run = await script('setTimeout(() => {}, 100)')
    expect(run).toMatchObject({ code: 0, signal: null, lingered: false, timedOut: false })
  })

  it('a timer left running after the done line: lingered, and killed', async () => {
    const run = await script('setInterval(() => {}, 1_000)')
    expect(run).toMatchObject({ lingered: true, signal: 'SIGKILL' })
  })

  it('a child process left running: lingered, and the child is killed too', async () => {
    const run = await script(
      "const c = require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1_000)'], { stdio: 'inherit' }); c.unref(); console.log(c.pid)",
    )
    expect(run).toMatchObject({ code: 0, lingered: true })
    // SIGKILL is sent to the whole group; the child may take a moment to die once it is.
    expect(await stopsRunning(Number(run.stdout.trim()), 2_000)).toBe(true)
  })

  it('a script that never says it is done is stopped at the timeout', async () => {
    const run = await runToExit(process.execPath, ['-e', 'setInterval(() => {}, 1_000)'], {
      done: /never/,
      timeoutMs: 500,
    })
    expect(run).toMatchObject({ timedOut: true, lingered: false, signal: 'SIGKILL' })
  })
})

describe('npm run oracle -- --cases 20', () => {
  it('prints its verdict and exits by itself, 0', async () => {
    const run = await runNpmScript('oracle', ['--cases', '20', '--seed', '1'], {
      done: /oracle: every case held/,
      timeoutMs: 60_000,
    })
    expect(run, run.stderr).toMatchObject({
      code: 0,
      signal: null,
      lingered: false,
      timedOut: false,
    })
  })
})
