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
  /** Nothing is left to do for the request: an SQS ack, and (but for `not_found`) HTTP 200 and CLI exit 0. */
  readonly done: boolean
  /**
   * The outcome states a fact about Atlas (gone, not there, pending), so it can only be built
   * with an {@link Evidence} value (lib/atlas/api/evidence.ts makes them from Atlas's answers).
   */
  readonly proven: boolean
  /** The HTTP function's status. 502: Atlas refused our key or setup; 503: try later. */
  readonly httpStatus: number
  /**
   * Why an unsettled SQS record is not acked: the message itself (retrying cannot change it, so
   * it travels on to the DLQ) or the environment (Atlas, our key, secrets: a whole batch failing
   * so makes the function throw, and Lambda backs off).
   */
  readonly sqsFailure: 'message' | 'environment' | undefined
  /** 0 done, 1 not done, 3 not found (2 is the CLI's own: bad input or configuration). */
  readonly cliExit: 0 | 1 | 3
  /** Which unsettled outcome speaks for several, lowest first: our setup's faults, then what needs a person, then what passes. */
  readonly precedence: number
  /** The level of the revocation's log line. */
  readonly logLevel: 'info' | 'warn' | 'error'
}

export const OUTCOME_TABLE = {
  revoked: {
    settled: true,
    done: true,
    proven: true,
    httpStatus: 200,
    sqsFailure: undefined,
    cliExit: 0,
    precedence: 8,
    logLevel: 'info',
  },
  already_gone: {
    settled: true,
    done: true,
    proven: true,
    httpStatus: 200,
    sqsFailure: undefined,
    cliExit: 0,
    precedence: 9,
    logLevel: 'info',
  },
  /** A dry run found this pending; nothing was revoked, and nothing was asked to be. */
  would_revoke: {
    settled: false,
    done: true,
    proven: true,
    httpStatus: 200,
    sqsFailure: undefined,
    cliExit: 0,
    precedence: 7,
    logLevel: 'info',
  },
  /**
   * By id: the invitation is not pending in the organization named, and nothing shows it ever
   * was (a project's invitation, another organization's, a typo). Retrying cannot change it, so
   * the message is acked; the caller must ask by email to search everywhere.
   */
  not_found: {
    settled: false,
    done: true,
    proven: true,
    httpStatus: 404,
    sqsFailure: undefined,
    cliExit: 3,
    precedence: 6,
    logLevel: 'warn',
  },
  unauthorized: {
    settled: false,
    done: false,
    proven: false,
    httpStatus: 502,
    sqsFailure: 'environment',
    cliExit: 1,
    precedence: 0,
    logLevel: 'warn',
  },
  forbidden: {
    settled: false,
    done: false,
    proven: false,
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
    proven: false,
    httpStatus: 409,
    sqsFailure: 'message',
    cliExit: 1,
    precedence: 2,
    logLevel: 'warn',
  },
  invalid: {
    settled: false,
    done: false,
    proven: false,
    httpStatus: 502,
    sqsFailure: 'message',
    cliExit: 1,
    precedence: 3,
    logLevel: 'warn',
  },
  upstream_error: {
    settled: false,
    done: false,
    proven: false,
    httpStatus: 503,
    sqsFailure: 'environment',
    cliExit: 1,
    precedence: 4,
    logLevel: 'warn',
  },
  throttled: {
    settled: false,
    done: false,
    proven: false,
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

/** Outcomes after which nothing is left to do: settled ones, a dry run's report, `not_found`. */
export const DONE_OUTCOMES: ReadonlySet<OutcomeKind> = new Set(
  kinds.filter((kind) => OUTCOME_TABLE[kind].done),
)

/** Outcomes that state a fact about Atlas and so carry the evidence for it. */
export type ProvenKind = {
  [K in OutcomeKind]: (typeof OUTCOME_TABLE)[K]['proven'] extends true ? K : never
}[OutcomeKind]

export const PROVEN_OUTCOMES: ReadonlySet<OutcomeKind> = new Set(
  kinds.filter((kind) => OUTCOME_TABLE[kind].proven),
)

declare const madeFromAnAtlasAnswer: unique symbol

/**
 * Why a proven outcome may be believed. Only lib/atlas/api/evidence.ts makes these (the
 * architecture test keeps it so), each from a specific Atlas answer; no other code can settle.
 */
export type Evidence = EvidenceFacts & { readonly [madeFromAnAtlasAnswer]: true }

export type EvidenceFacts =
  /** `revoked`: Atlas answered our removal 2xx: the documented body, or a list without it after. */
  | { readonly kind: 'removed'; readonly status: number; readonly relisted: boolean }
  /**
   * Not pending in its scope, by a 404 naming it there or a fresh list of the scope without it:
   * `already_gone` when `was` shows it had been there (seen pending by this request, or revoked
   * by an earlier request, as the ledger records), else `not_found`.
   */
  | {
      readonly kind: 'absent'
      readonly by: 'named_404' | 'unlisted'
      /** Seen pending by this request, or revoked by an earlier one (`revokedBy`, the ledger's). */
      readonly was?: 'seen_pending' | 'revoked_before'
      readonly revokedBy?: string
    }
  /** `would_revoke`: seen pending by this request, in a list or read by id. */
  | { readonly kind: 'pending'; readonly by: 'listed' | 'read' }
  /**
   * A request's sum: each of its `parts` proven on its own, and (a person's request) each of the
   * `scopes` it covers listed whole; none pending there means `already_gone`.
   */
  | { readonly kind: 'all_parts'; readonly parts: number; readonly scopes: number }

interface OutcomeFields {
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

/** A proven outcome, with the evidence it rests on. */
export type ProvenOutcome = OutcomeFields & {
  readonly outcome: ProvenKind
  readonly evidence: Evidence
}

/** An outcome that states nothing about Atlas: a failure, a refusal, an active member. */
export type UnprovenOutcome = OutcomeFields & {
  readonly outcome: Exclude<OutcomeKind, ProvenKind>
  readonly evidence?: undefined
}

/** What one revocation (or a whole request) came to. */
export type Outcome = ProvenOutcome | UnprovenOutcome
