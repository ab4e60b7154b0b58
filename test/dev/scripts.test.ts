/**
 * Every script a user runs answers `--help` with its usage (exit 0) and an unknown option or a
 * bad value with one line (exit 2), never a stack trace.
 */
import { execFile, spawn } from 'node:child_process'
import { connect, createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { freePort } from '../support/free-port.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const SCRIPTS = {
  revoke: 'cli/main.ts',
  simulator: 'dev/simulator/main.ts',
  start: 'dev/local-stack/start.ts',
  demo: 'dev/local-stack/demo.ts',
  enqueue: 'dev/local-stack/enqueue.ts',
  bench: 'bench/run-bench.ts',
  soak: 'bench/soak.ts',
  outputs: 'ops/stack-outputs.ts',
  smoke: 'ops/smoke.ts',
} as const

function run(
  script: keyof typeof SCRIPTS,
  argv: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [SCRIPTS[script], ...argv],
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: 30_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    )
  })
}

describe('the scripts', () => {
  for (const script of Object.keys(SCRIPTS) as (keyof typeof SCRIPTS)[]) {
    it(`${script} answers --help with its usage and exit 0`, async () => {
      const help = await run(script, ['--help'])
      expect(help.code, help.stderr).toBe(0)
      expect(help.stdout).toMatch(/npm (run|start)/)
    })

    it(`${script} answers an unknown option with one line and exit 2`, async () => {
      const bad = await run(script, ['--no-such-option'])
      expect(bad.code).toBe(2)
      expect(bad.stderr.trim().split('\n')).toHaveLength(1)
      expect(bad.stderr).toContain('--no-such-option')
      expect(bad.stderr).not.toMatch(/\n\s+at /)
    })
  }

  it("npm run simulator & … kill $! (the README's quick start) leaves no simulator behind", async () => {
    const port = await freePort()
    const npm = spawn('npm', ['run', '-s', 'simulator', '--', '--port', String(port)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let output = ''
    npm.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    for (let i = 0; i < 100 && !output.includes('ready'); i++) await sleep(100)
    expect(await listening(port)).toBe(true)
    npm.kill('SIGTERM')
    let stillThere = true
    for (let i = 0; i < 30 && stillThere; i++) {
      await sleep(200)
      stillThere = await listening(port)
    }
    expect(stillThere).toBe(false)
  }, 30_000)

  it('simulator --port abc is a one-line error', async () => {
    const bad = await run('simulator', ['--port', 'abc'])
    expect(bad).toMatchObject({ code: 2 })
    expect(bad.stderr.trim()).toBe(
      'simulator: --port must be a whole number from 0 to 65535 (got "abc")',
    )
  })

  it('simulator on a taken port says how to pick another, in one line', async () => {
    const port = await freePort()
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve))
    try {
      const taken = await run('simulator', ['--port', String(port)])
      expect(taken).toMatchObject({ code: 2 })
      expect(taken.stderr.trim().split('\n')).toHaveLength(1)
      expect(taken.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`)
      expect(taken.stderr).toContain('--port <n> or ATLAS_SIMULATOR_PORT')
    } finally {
      await new Promise((resolve) => blocker.close(resolve))
    }
  })

  it('enqueue says so when no local stack is running', async () => {
    const port = await freePort()
    const result = await run(
      'enqueue',
      ['--org', 'a0123456789abcdef012345a', '--invite', '6a793f89c0eb9e7a177165b6'],
      {
        LOCAL_SQS_PORT: String(port),
        AWS_MAX_ATTEMPTS: '1',
      },
    )
    expect(result.code).toBe(1)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toContain('is the local stack running? npm start')
  })

  it('npm run -s keeps npm’s banner off stdout: the JSON goes to jq clean', async () => {
    const result = await new Promise<string>((resolve) =>
      execFile('npm', ['run', '-s', 'revoke', '--', '--help'], { cwd: ROOT }, (_e, stdout) =>
        resolve(stdout),
      ),
    )
    expect(result.startsWith('Revoke pending MongoDB Atlas invitations.')).toBe(true)
  })
})

/** Whether something accepts connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}
