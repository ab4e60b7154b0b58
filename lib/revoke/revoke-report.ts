/**
 * The report of one revoke request: its parts (one per invitation or user tried) and their sum.
 * Pure. The sum is settled only when every part is; otherwise the most telling failure speaks,
 * by the outcome table's precedence.
 */
import type { Revocation } from '../atlas/atlas-adapter.ts'
import type { ListedEntry } from '../atlas/atlas-lists.ts'
import { OUTCOME_TABLE, type Outcome, SETTLED_OUTCOMES } from '../outcome.ts'
import type { RevokeRequest } from './revoke-request.ts'

export type { Revocation } from '../atlas/atlas-adapter.ts'

export type RevokeReport = Outcome & {
  readonly request: RevokeRequest
  /** One entry per invitation revoked or tried; empty when a username had none pending. */
  readonly revocations: readonly Revocation[]
  /** Entries a list returned for other usernames (it ignored its filter): never revoked. */
  readonly ignored: readonly ListedEntry[]
  /** Requests sent to Atlas for the whole request. */
  readonly attempts: number
  /** Wall time of the whole request, in milliseconds. */
  readonly durationMs: number
}

/**
 * @example
 * summarize([])                                   // → already_gone: nothing was pending
 * summarize([revoked, throttled, forbidden]).outcome // → 'forbidden'
 */
export function summarize(revocations: readonly Revocation[]): Outcome {
  if (revocations.length === 0) return { outcome: 'already_gone', status: 200, retryable: false }
  if (revocations.every((revocation) => SETTLED_OUTCOMES.has(revocation.outcome))) {
    const revoked = revocations.some((revocation) => revocation.outcome === 'revoked')
    return { outcome: revoked ? 'revoked' : 'already_gone', retryable: false }
  }
  const rank = (revocation: Revocation) => OUTCOME_TABLE[revocation.outcome].precedence
  const worstRank = Math.min(...revocations.map(rank))
  const worst = revocations.filter((revocation) => rank(revocation) === worstRank)
  const retryAfter = Math.max(0, ...worst.map((revocation) => revocation.retryAfterSeconds ?? 0))
  return {
    ...outcomeFields(worst[0] as Revocation),
    ...(retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
  }
}

function outcomeFields(revocation: Revocation): Outcome {
  const {
    orgId: _org,
    invitationId: _invitation,
    userId: _user,
    username: _username,
    ...outcome
  } = revocation
  return outcome
}
