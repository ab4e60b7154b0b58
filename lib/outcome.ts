/**
 * The outcomes of a revocation and what each one means everywhere: the one table every entry
 * point reads. Adding an outcome is one row here; the compiler then asks for nothing else.
 *
 * May import nothing from this project: everything else may import it.
 */

/** One row of the outcome table. */
export interface OutcomeRules {
  /** Nothing of the request is left: the invitation (or, opted in, the membership) is gone. */
  readonly settled: boolean
  /** Nothing is left to do for the request: an SQS ack, and (but for `not_found`) HTTP 200 and CLI exit 0. */
  readonly done: boolean
  /**
   * The outcome states a fact about Atlas (gone, not there, pending, a member), so it can only be
   * built with an {@link Evidence} value (lib/atlas/api/evidence.ts makes them from Atlas's
   * answers).
   */
  readonly proven: boolean
  /** The HTTP function's status. 502: Atlas refused our key or setup; 503: try later. */
  readonly httpStatus: number
  /**
   * The queue acks the SQS record: every outcome that is done, and one that is final without
   * being done (`active_member`: retrying cannot change it, a person must act, and its metric's
   * alarm asks one). A record that is not acked comes back, and reaches the DLQ after 5 receives.
   */
  readonly acked: boolean
  /**
   * Why a record that is not acked is not: the message itself (retrying cannot change it, so it
   * travels on to the DLQ) or the environment (Atlas, our key, secrets: a whole batch failing so
   * makes the function throw, and Lambda backs off). `undefined` exactly when acked.
   */
  readonly sqsFailure: 'message' | 'environment' | undefined
  /** 0 done, 1 not done, 3 not found (2 is the CLI's own: bad input or configuration). */
  readonly cliExit: 0 | 1 | 3
  /**
   * Which outcome speaks for several, lowest first: our setup's faults, the request's, what
   * passes, then what a person must decide (acked, so it must rank after everything retried),
   * then what is done.
   */
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
    acked: true,
    sqsFailure: undefined,
    cliExit: 0,
    precedence: 10,
    logLevel: 'info',
  },
  already_gone: {
    settled: true,
    done: true,
    proven: true,
    httpStatus: 200,
    acked: true,
    sqsFailure: undefined,
    cliExit: 0,
    precedence: 11,
    logLevel: 'info',
  },
  /**
   * REMOVE_ACTIVE_MEMBERS on, a person's request: their active membership of the organization is
   * gone, on evidence (our removal answered 2xx, or a 404 naming them and a list without them).
   * Logged WARN and counted (`MemberRemoved`, which alarms): a removal is never quiet.
   */
  removed_member: {
    settled: true,
    done: true,
    proven: true,
    httpStatus: 200,
    acked: true,
    sqsFailure: undefined,
    cliExit: 0,
    precedence: 9,
    logLevel: 'warn',
  },
  /** A dry run found this pending; nothing was revoked, and nothing was asked to be. */
  would_revoke: {
    settled: false,
    done: true,
    proven: true,
    httpStatus: 200,
    acked: true,
    sqsFailure: undefined,
    cliExit: 0,
    precedence: 8,
    logLevel: 'info',
  },
  /** A dry run (REMOVE_ACTIVE_MEMBERS on) found a member the guardrails let go; none removed. */
  would_remove: {
    settled: false,
    done: true,
    proven: true,
    httpStatus: 200,
    acked: true,
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
    acked: true,
    sqsFailure: undefined,
    cliExit: 3,
    precedence: 6,
    logLevel: 'warn',
  },
  /**
   * The person accepted the invitation: an active member (seen in a list or read), not removed
   * (REMOVE_ACTIVE_MEMBERS off, or asked by id, where a member is never removed). Final, so the
   * queue acks it (counted in `ActiveMember`, which alarms); not done, so HTTP 409 and exit 1.
   */
  active_member: {
    settled: false,
    done: false,
    proven: true,
    httpStatus: 409,
    acked: true,
    sqsFailure: undefined,
    cliExit: 1,
    precedence: 5,
    logLevel: 'warn',
  },
  unauthorized: {
    settled: false,
    done: false,
    proven: false,
    httpStatus: 502,
    acked: false,
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
    acked: false,
    sqsFailure: 'environment',
    cliExit: 1,
    precedence: 1,
    logLevel: 'warn',
  },
  /** The request cannot be done as asked: a missing organization, a 4xx, a guardrail kept a member. */
  invalid: {
    settled: false,
    done: false,
    proven: false,
    httpStatus: 502,
    acked: false,
    sqsFailure: 'message',
    cliExit: 1,
    precedence: 2,
    logLevel: 'warn',
  },
  upstream_error: {
    settled: false,
    done: false,
    proven: false,
    httpStatus: 503,
    acked: false,
    sqsFailure: 'environment',
    cliExit: 1,
    precedence: 3,
    logLevel: 'warn',
  },
  throttled: {
    settled: false,
    done: false,
    proven: false,
    httpStatus: 503,
    acked: false,
    sqsFailure: 'environment',
    cliExit: 1,
    precedence: 4,
    logLevel: 'warn',
  },
} as const satisfies Readonly<Record<string, OutcomeRules>>

export type OutcomeKind = keyof typeof OUTCOME_TABLE

export function rulesOf(outcome: OutcomeKind): OutcomeRules {
  return OUTCOME_TABLE[outcome]
}

const kinds = Object.keys(OUTCOME_TABLE) as OutcomeKind[]

/** Outcomes after which nothing of the request is left pending (nor, opted in, a member). */
export const SETTLED_OUTCOMES: ReadonlySet<OutcomeKind> = new Set(
  kinds.filter((kind) => OUTCOME_TABLE[kind].settled),
)

/** Outcomes after which nothing is left to do: settled ones, a dry run's report, `not_found`. */
export const DONE_OUTCOMES: ReadonlySet<OutcomeKind> = new Set(
  kinds.filter((kind) => OUTCOME_TABLE[kind].done),
)

/** Outcomes whose SQS record is acked: the done ones, and `active_member`, final but not done. */
export const ACKED_OUTCOMES: ReadonlySet<OutcomeKind> = new Set(
  kinds.filter((kind) => OUTCOME_TABLE[kind].acked),
)

/** Outcomes that state a fact about Atlas and so carry the evidence for it. */
export type ProvenKind = {
  [K in OutcomeKind]: (typeof OUTCOME_TABLE)[K]['proven'] extends true ? K : never
}[OutcomeKind]

export const PROVEN_OUTCOMES: ReadonlySet<OutcomeKind> = new Set(
  kinds.filter((kind) => OUTCOME_TABLE[kind].proven),
)

declare const madeFromAnAtlasAnswer: unique symbol
declare const sumOf: unique symbol

/**
 * Why a proven outcome may be believed. Only lib/atlas/api/evidence.ts makes these (the
 * architecture test keeps it so), each from a specific Atlas answer; no other code can settle.
 */
export type Evidence = Proven<EvidenceFacts>

/** Facts, as evidence.ts vouches for them. */
export type Proven<Facts extends EvidenceFacts> = Facts & { readonly [madeFromAnAtlasAnswer]: true }

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
      readonly was: 'seen_pending' | 'revoked_before'
      readonly revokedBy?: string
    }
  /** `not_found`: absent, and nothing shows it had been there. */
  | {
      readonly kind: 'absent'
      readonly by: 'named_404' | 'unlisted'
      readonly was?: undefined
      readonly revokedBy?: undefined
    }
  /** `would_revoke`: seen pending by this request, in a list or read by id. */
  | { readonly kind: 'pending'; readonly by: 'listed' | 'read' }
  /**
   * `active_member`, `would_remove`: seen as an ACTIVE member of the organization by this
   * request, in its whole list (or read by id).
   */
  | { readonly kind: 'member'; readonly by: 'listed' | 'read' }
  /**
   * `removed_member`: a membership this request saw ACTIVE is gone: our removal answered 2xx
   * (`removal`; an undocumented body must be followed by a list without them, `relisted`), or a
   * 404 naming the user followed by a list without them (`named_404`, always `relisted`).
   */
  | {
      readonly kind: 'member_removed'
      readonly by: 'removal' | 'named_404'
      readonly status: number
      readonly relisted: boolean
    }
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

/** Evidence of one kind. */
type EvidenceOf<K extends EvidenceFacts['kind']> = Extract<Evidence, { readonly kind: K }>

/** `absent`, with what shows the target had been there; `absent` without it. */
type AbsentSeen = Extract<EvidenceOf<'absent'>, { readonly was: string }>
type AbsentNever = Exclude<EvidenceOf<'absent'>, AbsentSeen>

/**
 * Which evidence each proven outcome may rest on (the evidence ladder's table, in
 * lib/atlas/api/evidence.ts): its own kind, or a request's `all_parts`. So evidence cannot be
 * relabelled: `{ ...wouldRevoke, outcome: 'revoked' }` does not compile, nor does a dry run's
 * sum as a revocation's (`Object.assign`, which would get round it, is kept out of lib/ by the
 * architecture test).
 */
interface EvidenceForOutcome {
  readonly revoked: EvidenceOf<'removed'>
  readonly already_gone: AbsentSeen
  readonly not_found: AbsentNever
  readonly would_revoke: EvidenceOf<'pending'>
  readonly active_member: EvidenceOf<'member'>
  readonly would_remove: EvidenceOf<'member'>
  readonly removed_member: EvidenceOf<'member_removed'>
}

/**
 * A request's sum, as the outcome `K` it was made for: a sum once attached to one outcome does
 * not compile as another's (the mark is the type's only, never a field at run time).
 */
type SumOf<K extends ProvenKind> = EvidenceOf<'all_parts'> & { readonly [sumOf]?: K }

/** A proven outcome, with the evidence it rests on. */
export type ProvenOutcome = {
  [K in ProvenKind]: OutcomeFields & {
    readonly outcome: K
    readonly evidence: EvidenceForOutcome[K] | SumOf<K>
  }
}[ProvenKind]

/** An outcome that states nothing about Atlas: a failure, a refusal. */
export type UnprovenOutcome = OutcomeFields & {
  readonly outcome: Exclude<OutcomeKind, ProvenKind>
  readonly evidence?: undefined
}

/** What one revocation (or a whole request) came to. */
export type Outcome = ProvenOutcome | UnprovenOutcome
