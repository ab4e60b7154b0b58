/**
 * `execFile`, promised, whose failure says why: the exit code or the signal (a timeout kills),
 * and the ends of both streams. Node's own message shows only stderr, and an empty one when a
 * child dies by a signal.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)
const TAIL = 4_000

interface ChildFailure extends Error {
  code?: number | string
  signal?: string | null
  killed?: boolean
  stdout?: string
  stderr?: string
}

const tail = (text = '') => (text.length > TAIL ? `…${text.slice(-TAIL)}` : text)

export async function runCommand(
  file: string,
  args: readonly string[],
  options: Parameters<typeof execFileAsync>[2] & { encoding?: 'utf8' },
): Promise<{ stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(file, args, { ...options, encoding: 'utf8' })
    return { stdout, stderr }
  } catch (error) {
    const failure = error as ChildFailure
    const how =
      failure.signal != null
        ? `killed by ${failure.signal}${failure.killed ? ' (its timeout)' : ''}`
        : `exit ${String(failure.code)}`
    throw new Error(
      `${file} ${args.join(' ')}: ${how}\n--- stdout ---\n${tail(failure.stdout)}\n--- stderr ---\n${tail(failure.stderr)}`,
    )
  }
}
