/**
 * `npm run package` for one test at a time, across test files and their workers. Two osls
 * packagings of the same service at once mix their outputs: one's template lands in the
 * other's --package folder, and the other finds none. A lock folder (mkdir is atomic) keeps
 * them apart; a lock older than the longest packaging is a crashed holder's, and is taken over.
 */
import { mkdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

const LOCK = join(tmpdir(), `atlas-invite-revoker-packaging-${process.getuid?.() ?? 0}.lock`)
const STALE_MS = 5 * 60_000

export async function onePackagingAtATime<T>(packaging: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(LOCK)
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const age = Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now())
      if (age > STALE_MS) rmSync(LOCK, { recursive: true, force: true })
      else await sleep(100)
    }
  }
  try {
    return await packaging()
  } finally {
    rmSync(LOCK, { recursive: true, force: true })
  }
}
