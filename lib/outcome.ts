/**
 * The outcomes of a revocation and what each one means everywhere: the one table every entry
 * point reads. Adding an outcome is one row here; the compiler then asks for nothing else.
 *
 * May import nothing from this project: everything else may import it.
 */

/** One row of the outcome table. */
export interface OutcomeRules {
  /** The invitation is gone. */
  readonly settled: boolean
  /** Nothing is left to do for the request: an HTTP 200, an SQS ack, CLI exit 0. */
  readonly done: boolean
  /** The HTTP function's status. 502: Atlas refused our key or setup; 503: try later. */
  readonly httpStatus: number
  /**
   * Why an unsettled SQS record is not acked: the message itself (retrying cannot change it, so
   * it travels on to the DLQ) or the environment (Atlas, our key, secrets: a whole batch failing
   * so makes the function throw, and Lambda backs off).
   */
  readonly sqsFailure: 'message' | 'environment' | undefined
  readonly cliExit: 0 | 1
  /** Which unsettled outcome speaks for several, lowest first: our setup's faults, then what needs a person, then what passes. */
  readonly precedence: number
  /** The level of the revocation's log line. */
  readonly logLevel: 'info' | 'warn' | 'error'
}

export const OUTCOME_TABLE = {
  revoked: {
    settled: true,
    done: true,
    httpStatus: 200,
    sqsFailure: undefined,
    cliExit: 0,
    precedence: 7,
    logLevel: 'info',
  },
  already_gone: {
    settled: true,
    done: true,
    httpStatus: 200,
    sqsFailure: undefined,
    cliExit: 0,
    precedence: 8,
    logLevel: 'info',
  },
  /** A dry run found this pending; nothing was revoked, and nothing was asked to be. */
  would_revoke: {
    settled: false,
    done: true,
    httpStatus: 200,
    sqsFailure: undefined,
    cliExit: 0,
    precedence: 6,
    logLevel: 'info',
  },
  unauthorized: {
    settled: false,
    done: false,
    httpStatus: 502,
    sqsFailure: 'environment',
    cliExit: 1,
    precedence: 0,
    logLevel: 'warn',
  },
  forbidden: {
    settled: false,
    done: false,
    httpStatus: 502,
    sqsFailure: 'environment',
    cliExit: 1,
    precedence: 1,
    logLevel: 'warn',
  },
  /** Users API only: the person accepted the invitation; removing a member is a person's call. */
  active_member: {
    settled: false,
    done: false,
    httpStatus: 409,
    sqsFailure: 'message',
    cliExit: 1,
    precedence: 2,
    logLevel: 'warn',
  },
  invalid: {
    settled: false,
    done: false,
    httpStatus: 502,
    sqsFailure: 'message',
    cliExit: 1,
    precedence: 3,
    logLevel: 'warn',
  },
  upstream_error: {
    settled: false,
    done: false,
    httpStatus: 503,
    sqsFailure: 'environment',
    cliExit: 1,
    precedence: 4,
    logLevel: 'warn',
  },
  throttled: {
    settled: false,
    done: false,
    httpStatus: 503,
    sqsFailure: 'environment',
    cliExit: 1,
    precedence: 5,
    logLevel: 'warn',
  },
} as const satisfies Readonly<Record<string, OutcomeRules>>

export type OutcomeKind = keyof typeof OUTCOME_TABLE

export function rulesOf(outcome: OutcomeKind): OutcomeRules {
  return OUTCOME_TABLE[outcome]
}

const kinds = Object.keys(OUTCOME_TABLE) as OutcomeKind[]

/** Outcomes after which the invitation no longer exists. */
export const SETTLED_OUTCOMES: ReadonlySet<OutcomeKind> = new Set(
  kinds.filter((kind) => OUTCOME_TABLE[kind].settled),
)

/** Outcomes after which nothing is left to do: settled ones, and a dry run's report. */
export const DONE_OUTCOMES: ReadonlySet<OutcomeKind> = new Set(
  kinds.filter((kind) => OUTCOME_TABLE[kind].done),
)

/** What one revocation (or a whole request) came to. */
export interface Outcome {
  readonly outcome: OutcomeKind
  /** Atlas's status (from the envelope when one was asked for); absent when no answer came. */
  readonly status?: number
  /** Atlas's `errorCode` (never relied on: codes for missing things are not published). */
  readonly errorCode?: string
  /** Our explanation, safe to show a caller: what happened, or what to change. */
  readonly detail?: string
  /** Atlas's own `detail` text: logged, never returned to a webhook caller (it may name our egress IP). */
  readonly atlasDetail?: string
  /** Whether trying again later can change the result. */
  readonly retryable: boolean
  /** From Atlas's `Retry-After`, when it sent one. */
  readonly retryAfterSeconds?: number
}
