/**
 * `run`'s answer, or a TimeoutError at `deadline` (epoch ms): `run`'s signal is aborted then, so
 * an AWS SDK call drops its connection, and nothing waits on a call past the deadline, whatever
 * the client does. `what` names the awaited thing in the error ("the ledger took the writes").
 * No deadline means no timer: `run` gets a signal that never aborts.
 */
export async function beforeDeadline<T>(
  deadline: number | undefined,
  what: string,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController()
  if (deadline === undefined) return run(controller.signal)
  let timer: ReturnType<typeof setTimeout> | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        const error = deadlineReached(what)
        // Rejected first, so that the race ends on this error rather than on the client's abort.
        reject(error)
        controller.abort(error)
      },
      Math.max(0, deadline - Date.now()),
    )
  })
  try {
    return await Promise.race([run(controller.signal), expired])
  } finally {
    clearTimeout(timer)
  }
}

/** The error of a deadline reached before `what` (a TimeoutError, as `AbortSignal.timeout`'s). */
export function deadlineReached(what: string): DOMException {
  return new DOMException(`deadline reached before ${what}`, 'TimeoutError')
}
