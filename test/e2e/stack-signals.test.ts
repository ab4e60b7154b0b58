/**
 * `npm start` stops the whole stack and frees its ports when npm itself is told to stop, the
 * way an IDE's stop button or `kill` does it: SIGTERM or SIGHUP to the npm process alone (npm
 * forwards SIGTERM to its shell, which passes nothing on; SIGHUP it does not forward at all).
 */
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { freePort } from '../support/free-port.ts'

async function isFree(port: number): Promise<boolean> {
  const probe = createServer()
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false))
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)))
  })
}

async function startStack() {
  const ports = await Promise.all(Array.from({ length: 5 }, () => freePort()))
  const [atlas, secrets, sqs, http, lambda] = ports
  const npm = spawn('npm', ['start'], {
    env: {
      ...process.env,
      LOCAL_ATLAS_PORT: String(atlas),
      LOCAL_SECRETS_MANAGER_PORT: String(secrets),
      LOCAL_SQS_PORT: String(sqs),
      LOCAL_HTTP_PORT: String(http),
      LOCAL_LAMBDA_PORT: String(lambda),
      ESBUILD_WORK_FOLDER: '.esbuild-signals-test',
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  npm.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  npm.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  const until = Date.now() + 150_000
  while (!/^ready: /m.test(output)) {
    if (Date.now() > until || npm.exitCode !== null) throw new Error(`no ready line:\n${output}`)
    await sleep(200)
  }
  return { npm, ports, output: () => output }
}

async function expectPortsFreed(ports: number[], output: () => string) {
  const until = Date.now() + 20_000
  while (Date.now() < until) {
    if ((await Promise.all(ports.map(isFree))).every(Boolean)) return
    await sleep(250)
  }
  throw new Error(`ports still taken:\n${output()}`)
}

describe('npm start under a stop signal to npm alone', () => {
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    it(`${signal}: the stack stops and frees every port`, async () => {
      const { npm, ports, output } = await startStack()
      try {
        npm.kill(signal)
        await expectPortsFreed(ports, output)
        expect(output()).toContain('Stopping')
      } finally {
        try {
          if (npm.pid !== undefined) process.kill(-npm.pid, 'SIGKILL')
        } catch {
          // The group is gone, as it should be.
        }
      }
    }, 200_000)
  }
})
