/**
 * `npm start` on free ports for an end-to-end test of `npm run demo`: started in `beforeAll`,
 * ready once it prints its last line, and stopped, with every process it started, in
 * `afterAll`. `extra` adds settings (ATLAS_API, REMOVE_ACTIVE_MEMBERS) and its own build folder.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll } from 'vitest'
import { freePort } from './free-port.ts'

export interface DemoStack {
  /** The settings the stack was started with, for `npm run demo` beside it. */
  readonly env: Record<string, string>
  /** Everything the stack printed so far. */
  readonly output: () => string
}

export function demoStackForSuite(name: string, extra: Record<string, string>): DemoStack {
  let stack: ChildProcess
  let output = ''
  const env: Record<string, string> = {}
  beforeAll(async () => {
    const [atlas, secrets, sqs, http, lambda, dynamodb] = await Promise.all(
      Array.from({ length: 6 }, () => freePort()),
    )
    Object.assign(env, process.env, extra, {
      LOCAL_ATLAS_PORT: String(atlas),
      LOCAL_SECRETS_MANAGER_PORT: String(secrets),
      LOCAL_SQS_PORT: String(sqs),
      LOCAL_HTTP_PORT: String(http),
      LOCAL_LAMBDA_PORT: String(lambda),
      LOCAL_DYNAMODB_PORT: String(dynamodb),
    })
    stack = spawn('npm', ['start'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    for (const stream of [stack.stdout, stack.stderr])
      stream?.on('data', (chunk: Buffer) => {
        output += chunk.toString()
      })
    const until = Date.now() + 150_000
    while (!/Ctrl-C stops everything\.$/m.test(output)) {
      if (Date.now() > until || stack.exitCode !== null)
        throw new Error(`npm start (${name}) did not get ready:\n${output}`)
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
  return { env, output: () => output }
}
