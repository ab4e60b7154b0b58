/**
 * When a whole SQS batch fails for reasons outside the messages (Atlas down or throttling,
 * our key refused, secrets unreadable), the handler throws instead of returning every record:
 * Lambda then backs off polling instead of spinning the queue. Powertools batch does the same
 * by default; we keep the exception for batches where some message itself was at fault, so
 * those go on towards the DLQ. Nothing is lost either way.
 */

/** Why a record was not acked. */
export type FailureCause = 'message' | 'environment'

/** A record that was not settled; `failureCause` says whether the message itself was at fault. */
export class RecordNotSettledError extends Error {
  override readonly name = 'RecordNotSettledError'
  readonly failureCause: FailureCause

  constructor(message: string, failureCause: FailureCause) {
    super(message)
    this.failureCause = failureCause
  }
}

export class BatchFailedError extends Error {
  override readonly name = 'BatchFailedError'
}

/**
 * Throw (so Lambda backs off) when every record of the batch failed and every record that ran
 * failed for reasons outside the messages. On FIFO queues, records skipped because an earlier
 * record of their group failed did not run; they follow that record.
 */
export function shouldFailWholeBatch(
  records: number,
  failed: number,
  causes: readonly FailureCause[],
): boolean {
  return (
    records > 0 &&
    failed === records &&
    causes.length > 0 &&
    causes.every((cause) => cause === 'environment')
  )
}
