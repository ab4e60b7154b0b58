/**
 * What every entry point runs: a revoke request by invitation id, or by username (find the
 * organization's pending invitations for that user, revoke each), through the adapter of the
 * Atlas API in use. The report's own outcome sums the parts up for the caller: settled only when
 * every part is.
 */

import { type Outcome, type OutcomeKind, SETTLED_OUTCOMES } from '../atlas/answer-outcome.ts'
import type { Revocation } from '../atlas/atlas-adapter.ts'
import { type AtlasApi, atlasAdapter } from '../atlas/atlas-api.ts'
import type { ListedEntry } from '../atlas/atlas-lists.ts'
import { type AtlasDependencies, AtlasSession } from '../atlas/atlas-session.ts'
import type { ResponseFormat } from '../atlas/response-format.ts'
import type { RevokeRequest } from './revoke-request.ts'

export type { Revocation } from '../atlas/atlas-adapter.ts'

export interface RevokeOptions {
  /** Absolute deadline, epoch milliseconds, for the whole request, retries included. */
  readonly deadline: number
  /** Default `v1`. */
  readonly api?: AtlasApi
  /** Atlas's `pretty` / `envelope` (the operator CLI's options). */
  readonly format?: ResponseFormat
}

export type RevokeReport = Outcome & {
  readonly request: RevokeRequest
  /** One entry per invitation revoked or tried; empty when a username had none pending. */
  readonly revocations: readonly Revocation[]
  /** Entries a list returned for other usernames (it ignored its filter): never revoked. */
  readonly ignored: readonly ListedEntry[]
  /** Requests sent to Atlas for the whole request. */
  readonly attempts: number
}

/**
 * Which unsettled outcome speaks for a report with several, lowest first: our setup's faults,
 * then what needs a person, then what passes. A Record, so a new outcome cannot be forgotten.
 */
const PRECEDENCE: Readonly<Record<Exclude<OutcomeKind, 'revoked' | 'already_gone'>, number>> = {
  unauthorized: 0,
  forbidden: 1,
  active_member: 2,
  invalid: 3,
  upstream_error: 4,
  throttled: 5,
}

/**
 * @example
 * const report = await executeRevokeRequest(
 *   { atlas: new AtlasClient(), credentials: fixedCredentials(key) },
 *   { kind: 'username', orgId, username: 'leaver@example.com' },
 *   { deadline: Date.now() + 10_000 },
 * )
 * if (SETTLED_OUTCOMES.has(report.outcome)) ack()
 */
export async function executeRevokeRequest(
  dependencies: AtlasDependencies,
  request: RevokeRequest,
  options: RevokeOptions,
): Promise<RevokeReport> {
  const adapter = atlasAdapter(options.api ?? 'v1')
  const session = new AtlasSession(dependencies, {
    deadline: options.deadline,
    ...(options.format ? { format: options.format } : {}),
  })
  const report = (revocations: readonly Revocation[], ignored: readonly ListedEntry[] = []) => ({
    ...summarize(revocations),
    request,
    revocations,
    ignored,
    attempts: session.attempts,
  })
  if (request.kind === 'invitation') return report(await adapter.revokeInvitation(session, request))
  const found = await adapter.findPending(session, request.orgId, request.username)
  if (found.kind === 'failed')
    return { ...found.outcome, request, revocations: [], ignored: [], attempts: session.attempts }
  const revocations: Revocation[] = []
  for (const entry of found.entries)
    revocations.push(await adapter.revokeEntry(session, request.orgId, entry))
  return report(revocations, found.ignored)
}

/** The outcome of several revocations: settled when all are, else the most telling failure. */
export function summarize(revocations: readonly Revocation[]): Outcome {
  if (revocations.length === 0) return { outcome: 'already_gone', status: 200, retryable: false }
  if (revocations.every((revocation) => SETTLED_OUTCOMES.has(revocation.outcome))) {
    const revoked = revocations.some((revocation) => revocation.outcome === 'revoked')
    return { outcome: revoked ? 'revoked' : 'already_gone', retryable: false }
  }
  const rank = (revocation: Revocation) =>
    SETTLED_OUTCOMES.has(revocation.outcome)
      ? Number.POSITIVE_INFINITY
      : PRECEDENCE[revocation.outcome as keyof typeof PRECEDENCE]
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
