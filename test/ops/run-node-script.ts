/**
 * Runs an operator script the way `npm run` does (`node <file>` from the repository root, on
 * this Node) and collects what it printed; the script's environment is exactly `env`.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface ScriptRun {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export function runNodeScript(
  file: string,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<ScriptRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [file, ...argv],
      { cwd: ROOT, env, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
        resolve({ code, stdout, stderr })
      },
    )
  })
}

/** The environment a script gets in tests: PATH and HOME only, plus `extra`. */
export function bareEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...extra }
}
