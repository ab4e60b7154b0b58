/**
 * Runs a script to its end, as a user runs it, and says whether it exited by itself. Once it has
 * printed the line that says its work is done it has `graceMs` to exit; still running then (a
 * server, socket, timer, child process or worker thread keeping it alive), it is killed and
 * reported as lingering. It runs in a process group of its own, so a kill takes npm, the script
 * and whatever they started, and nothing is left behind holding ports.
 */
import { spawn } from 'node:child_process'
import type { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface ScriptExit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  /** It said it was done, then it (or something it started) still ran `graceMs` later. */
  readonly lingered: boolean
  /** It had not said it was done after `timeoutMs`. */
  readonly timedOut: boolean
  /** From its done line to its end (every process it started gone), ms. */
  readonly endedAfterDoneMs?: number
}

export interface RunToExitOptions {
  /** What the script prints, on stdout or stderr, once its work is done. */
  readonly done: RegExp
  readonly timeoutMs: number
  /** Default 10 s: a script has nothing left to do by then, even on a busy machine. */
  readonly graceMs?: number
  readonly env?: NodeJS.ProcessEnv
}

/** `npm run -s <script> -- <args>` from the repository root. */
export function runNpmScript(
  script: string,
  args: readonly string[],
  options: RunToExitOptions,
): Promise<ScriptExit> {
  return runToExit('npm', ['run', '-s', script, '--', ...args], options)
}

export function runToExit(
  command: string,
  args: readonly string[],
  options: RunToExitOptions,
): Promise<ScriptExit> {
  const { done, timeoutMs, graceMs = 10_000 } = options
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const output = { stdout: '', stderr: '' }
    let doneAt: number | undefined
    let lingered = false
    let timedOut = false
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
      } catch {
        // Every process of the group is gone already.
      }
    }
    process.once('exit', killGroup)
    let grace: NodeJS.Timeout | undefined
    const deadline = setTimeout(() => {
      timedOut = true
      killGroup()
    }, timeoutMs)
    const watch = (stream: Readable | null, name: keyof typeof output) =>
      stream?.setEncoding('utf8').on('data', (chunk: string) => {
        output[name] += chunk
        if (doneAt !== undefined || !done.test(output[name])) return
        doneAt = performance.now()
        clearTimeout(deadline)
        grace = setTimeout(() => {
          lingered = true
          killGroup()
        }, graceMs)
      })
    watch(child.stdout, 'stdout')
    watch(child.stderr, 'stderr')
    child.once('error', reject)
    // `close`, not `exit`: the pipes close once every process holding them is gone, so a child
    // process left running by the script counts as the script still running.
    child.once('close', (code, signal) => {
      clearTimeout(deadline)
      clearTimeout(grace)
      process.removeListener('exit', killGroup)
      resolve({
        code,
        signal,
        ...output,
        lingered,
        timedOut,
        ...(doneAt === undefined ? {} : { endedAfterDoneMs: performance.now() - doneAt }),
      })
    })
  })
}
