/**
 * The report of one revoke request: the organizations and projects searched, its parts (one per
 * invitation or user tried) and their sum. Pure. The sum is settled only when every part is
 * (and every search succeeded); otherwise the most telling failure speaks, by the outcome
 * table's precedence.
 */
import type { Revocation } from '../atlas/api/index.ts'
import { sumOfProvenParts } from '../atlas/api/index.ts'
import { DONE_OUTCOMES, OUTCOME_TABLE, type Outcome } from '../outcome.ts'
import type { RevokeRequest } from './revoke-request.ts'

export type { Revocation } from '../atlas/api/index.ts'

/**
 * One organization or project searched for a person: how many entries it found (pending ones,
 * and with REMOVE_ACTIVE_MEMBERS the person's active memberships), or why not.
 */
export interface SearchRecord {
  readonly orgId: string
  readonly groupId?: string
  readonly found?: number
  readonly failure?: Outcome
}

export type RevokeReport = Outcome & {
  readonly request: RevokeRequest
  /** Every organization and project searched for a person (empty for a request by id). */
  readonly searched: readonly SearchRecord[]
  /** One entry per invitation revoked or tried; empty when a username had none pending. */
  readonly revocations: readonly Revocation[]
  /** What Atlas's answers left open without failing anything (a list count that was off). */
  readonly notes: readonly string[]
  /** Atlas refused reused Digest nonces twice during this request: none is reused from now on. */
  readonly nonceReuseStopped?: true
  /** Requests sent to Atlas for the whole request. */
  readonly attempts: number
  /** Wall time of the whole request, in milliseconds. */
  readonly durationMs: number
}

/**
 * The sum of a request's parts. `scopesSearched`: how many organizations and projects a person's
 * request listed whole (`undefined` for a request by id).
 *
 * @example
 * summarize([], 2)                                     // → already_gone: nothing pending in 2 scopes
 * summarize([], 0)                                     // → invalid: a search of nothing proves nothing
 * summarize([revoked, throttled, forbidden]).outcome   // → 'forbidden'
 */
export function summarize(revocations: readonly Revocation[], scopesSearched?: number): Outcome {
  if (scopesSearched === 0)
    return {
      outcome: 'invalid',
      detail:
        'no organization was searched: the request, ALLOWED_ORG_IDS and the key named none, so nothing is proven',
      retryable: false,
    }
  const rank = (outcome: Outcome) => OUTCOME_TABLE[outcome.outcome].precedence
  const worstRank = Math.min(...revocations.map(rank))
  const worst = revocations.filter((revocation) => rank(revocation) === worstRank)
  const first = worst[0]
  if (first === undefined || DONE_OUTCOMES.has(first.outcome)) {
    return (
      sumOfProvenParts(revocations, scopesSearched, rank) ?? {
        outcome: 'upstream_error',
        detail: 'the request has no part that proves it',
        retryable: true,
      }
    )
  }
  const retryAfter = Math.max(0, ...worst.map((revocation) => revocation.retryAfterSeconds ?? 0))
  return {
    ...outcomeFields(first),
    ...(retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
  }
}

function outcomeFields(revocation: Revocation): Outcome {
  const {
    orgId: _org,
    groupId: _group,
    invitationId: _invitation,
    userId: _user,
    username: _username,
    ...outcome
  } = revocation
  return outcome
}
