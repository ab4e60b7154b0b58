/**
 * Notices when whoever started us is gone. `npm start` runs `sh -c node …`, and npm forwards only
 * SIGINT and SIGTERM, to the shell, which does not pass them on; an IDE's stop button or a
 * `kill` of npm (SIGTERM, SIGHUP) would leave the stack running with its ports taken. So the
 * stack watches its parent and grandparent and stops when either exits.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

export function onParentsExit(stop: () => void, intervalMs = 250): () => void {
  const watched = [process.ppid, parentOf(process.ppid)].filter(
    (pid): pid is number => pid !== undefined && pid > 1,
  )
  const timer = setInterval(() => {
    if (process.ppid === 1 || watched.some((pid) => !alive(pid))) {
      clearInterval(timer)
      stop()
    }
  }, intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The parent of `pid`: from /proc where there is one, else from `ps`. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
  } catch {
    try {
      return Number(
        execFileSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' }).trim(),
      )
    } catch {
      return undefined
    }
  }
}
