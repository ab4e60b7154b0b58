/**
 * The evidence ladder: how Atlas's answer about one invitation, pending user or member becomes
 * an outcome, and the only place that makes {@link Evidence}, without which no outcome can say
 * "revoked", "already gone", "not found", "would revoke", "an active member", "removed member"
 * or "would remove" (the outcome type requires it, and of the kind in the table below: evidence
 * made for one outcome does not compile as another's).
 *
 * | evidence                                 | allows                                  |
 * | ---------------------------------------- | --------------------------------------- |
 * | `removed`: 2xx to our removal, documented body (or, for an entry seen pending, a list without it after an undocumented one) | `revoked` |
 * | `absent` by a 404 naming it in its scope, or a fresh list without it, `was` seen pending by this request | `already_gone` |
 * | `absent` without `was`                   | `not_found` (by id: never shown to have been there) |
 * | `pending`, listed or read by id          | `would_revoke`                          |
 * | `member`, seen ACTIVE in the organization's whole list or read by id | `active_member`; `would_remove` (a dry run the guardrails let go) |
 * | `member_removed`: 2xx to our removal of a member seen ACTIVE (an undocumented body: then a list without them), or a 404 naming them then a list without them | `removed_member` |
 * | `all_parts`: every part proven, every scope of a person's request listed whole | the request's sum |
 *
 * A 404 naming the organization or project is `invalid`; one naming nothing, or a 2xx in an
 * undocumented shape, proves nothing until a fresh look at the scope decides.
 */

import type { EvidenceFacts, Outcome, Proven, UnprovenOutcome } from '../../outcome.ts'
import type { AtlasSession, CallShape } from '../http/index.ts'
import { type AtlasAnswer, atlasError, outcomeOfRefusal } from './answer-outcome.ts'
import { missingThing } from './not-found-evidence.ts'
import { containersOf, type Scope } from './scope.ts'
import type { Username } from './username.ts'

/** What an answer is about: its id, what it is, and the scope holding it. */
export interface Target {
  readonly id: string
  /** `invitation`, `pending user`, … for the explanations. */
  readonly what: string
  readonly scope: Scope
}

/** What a fresh look at the scope found of the target. */
export type Relisted =
  | { readonly found: 'pending'; readonly username?: Username }
  | { readonly found: 'absent'; readonly by: 'named_404' | 'unlisted' }
  /** The person accepted meanwhile: an active member now (Cloud Users API), read or listed. */
  | { readonly found: 'active'; readonly by: 'listed' | 'read'; readonly username?: Username }
  | { readonly found: 'unknown'; readonly outcome: Outcome }

/** What shows the target was pending before this answer; without it, absence is `not_found`. */
export type Presence = 'seen_pending' | undefined

export interface AskOptions {
  /** `remove`: a DELETE; `read`: a GET of the target by id (a dry run, or whose it is). */
  readonly purpose: 'remove' | 'read'
  readonly presence?: Presence
  /** A fresh look at the scope, for answers that prove nothing alone. */
  readonly relist: () => Promise<Relisted>
  /** `read`: the target as a 2xx body shows it (its username), or `undefined` when it does not. */
  readonly shows?: (
    body: unknown,
  ) => { readonly id: string; readonly username: Username } | undefined
}

/** The outcome, and for a read that found the target pending, whose it is. */
export interface Answered {
  readonly outcome: Outcome
  readonly username?: Username
}

/**
 * Sends `call` about `target` and reads the answer by the ladder above.
 *
 * @example
 * const { outcome } = await askAbout(session, deleteInvitationCall('v1', scope, id), target, {
 *   purpose: 'remove',
 *   relist: () => lookAgain(scope, id),
 * })
 */
export async function askAbout(
  session: AtlasSession,
  call: CallShape,
  target: Target,
  options: AskOptions,
): Promise<Answered> {
  const result = await session.call(call)
  if (result.kind === 'failed') return { outcome: result.outcome }
  const { response } = result
  const { status } = response
  const { presence } = options
  // An earlier attempt that reached Atlas and lost its answer may have been what removed the
  // target, but a 404 cannot tell that from a target that was never there: said, not proof.
  const lostAttempt =
    options.purpose === 'remove' && result.earlierAttemptLost
      ? ' (an earlier attempt of this removal lost its answer: it may have been ours)'
      : ''
  const success = status >= 200 && status < 300
  if (success && options.purpose === 'remove' && response.bodyKind !== 'other')
    return { outcome: revoked(status, false) }
  if (success && options.purpose === 'read' && response.bodyKind === 'json') {
    const shown = options.shows?.(response.body)
    if (shown?.id === target.id)
      return { outcome: wouldRevoke('read', status), username: shown.username }
  }
  if (!success && status !== 404) return { outcome: outcomeOfRefusal(response) }
  if (!success) {
    const missing = missingThing(response, target.id, containersOf(target.scope))
    if (missing === 'container') return { outcome: containerNotFound(response, target.scope) }
    if (missing === 'target')
      return { outcome: absent(target, 'named_404', presence, status, lostAttempt, response) }
  }
  const answered = success ? `${status} in an undocumented shape` : '404 naming nothing'
  const again = await options.relist()
  switch (again.found) {
    case 'unknown':
      return { outcome: again.outcome }
    case 'active':
      return {
        outcome: activeMemberSeen(
          again.by,
          `${target.what} ${target.id} is an active member now (accepted the invitation), not pending; not removed`,
          status,
        ),
      }
    case 'pending':
      if (options.purpose === 'read')
        return {
          outcome: wouldRevoke('listed', status),
          ...(again.username === undefined ? {} : { username: again.username }),
        }
      return {
        outcome: {
          outcome: 'upstream_error',
          status,
          detail: `Atlas answered ${answered} for ${target.what} ${target.id} but still lists it as pending`,
          retryable: true,
        },
      }
    case 'absent':
      // Gone after our removal's undocumented 2xx: ours, if it was there; by id nothing says so.
      if (success && options.purpose === 'remove' && presence === 'seen_pending')
        return { outcome: revoked(status, true) }
      return { outcome: absent(target, again.by, presence, status, lostAttempt) }
  }
}

/** `revoked`: Atlas answered our removal 2xx. */
function revoked(status: number, relisted: boolean): Outcome {
  return {
    outcome: 'revoked',
    status,
    evidence: proof({ kind: 'removed', status, relisted }),
    ...(relisted
      ? { detail: `Atlas answered ${status} in an undocumented shape and no longer lists it` }
      : {}),
    retryable: false,
  }
}

/** `already_gone` when something shows the target was there, else `not_found`. */
function absent(
  target: Target,
  by: 'named_404' | 'unlisted',
  was: Presence,
  status: number,
  lostAttempt: string,
  answer?: AtlasAnswer,
): Outcome {
  const how = by === 'named_404' ? 'Atlas says' : 'Atlas no longer lists'
  const fields = { status, ...(answer ? atlasError(answer) : {}), retryable: false }
  if (was !== undefined)
    return {
      outcome: 'already_gone',
      ...fields,
      evidence: proof({ kind: 'absent', by, was }),
      detail:
        by === 'named_404'
          ? `${how} ${target.what} ${target.id} does not exist`
          : `${how} ${target.what} ${target.id} as pending`,
    }
  const where =
    target.scope.groupId === undefined
      ? `organization ${target.scope.orgId}`
      : `project ${target.scope.groupId}`
  return {
    outcome: 'not_found',
    ...fields,
    evidence: proof({ kind: 'absent', by }),
    detail: `${target.what} ${target.id} is not pending in ${where}, and nothing shows it ever was${lostAttempt}: revoke by email (username) to search every organization and project`,
  }
}

function wouldRevoke(by: 'listed' | 'read', status?: number): Outcome {
  return {
    outcome: 'would_revoke',
    ...(status === undefined ? {} : { status }),
    evidence: proof({ kind: 'pending', by }),
    detail: 'dry run: pending, not revoked',
    retryable: false,
  }
}

/**
 * A `not_found` by id that an earlier request of ours revoked (the ledger's record): the id was
 * there, and it is gone, so `already_gone`. Anything else is returned as it is.
 */
export function goneAsRecorded(outcome: Outcome, revokedBy: string): Outcome {
  const { evidence } = outcome
  if (outcome.outcome !== 'not_found' || evidence?.kind !== 'absent' || evidence.was !== undefined)
    return outcome
  return {
    outcome: 'already_gone',
    ...(outcome.status === undefined ? {} : { status: outcome.status }),
    evidence: proof({ kind: 'absent', by: evidence.by, was: 'revoked_before', revokedBy }),
    detail: `revoked by this tool before (request ${revokedBy}), and not pending now`,
    retryable: false,
  }
}

/** A dry run's answer for an entry a list of this request showed pending. */
export function wouldRevokeListed(): Outcome {
  return wouldRevoke('listed')
}

/**
 * `active_member`: this request saw the person as an ACTIVE member (in the organization's whole
 * list, or read by id) and does not remove them (`detail` says why).
 */
export function activeMemberSeen(by: 'listed' | 'read', detail: string, status = 200): Outcome {
  return {
    outcome: 'active_member',
    status,
    evidence: proof({ kind: 'member', by }),
    detail,
    retryable: false,
  }
}

/** A dry run's answer for a member the organization's whole list showed ACTIVE and the guardrails let go. */
export function wouldRemoveListed(): Outcome {
  return {
    outcome: 'would_remove',
    evidence: proof({ kind: 'member', by: 'listed' }),
    detail: 'dry run: an active member, not removed',
    retryable: false,
  }
}

/** What a fresh look at the organization's whole ACTIVE list found of a member. */
export type MemberRelisted =
  | { readonly found: 'absent' }
  | { readonly found: 'active' }
  | { readonly found: 'unknown'; readonly outcome: Outcome }

/**
 * Sends the removal of a member this request saw ACTIVE and reads the answer. Settled
 * (`removed_member`) only on a 2xx in the documented shape (empty or JSON), or when a fresh
 * list without them follows a 2xx in another shape or a 404 naming the user. A 404 naming the
 * organization is `invalid`; one naming nothing proves nothing (`upstream_error`, even if a list
 * then lacks them: it may be a removed route); any other refusal is the refusal's outcome, a 4xx
 * `invalid` with a detail saying Atlas kept the member (it refuses to remove an organization's
 * last owner, say).
 */
export async function askToRemoveMember(
  session: AtlasSession,
  call: CallShape,
  target: Target & { readonly username: Username },
  relist: () => Promise<MemberRelisted>,
): Promise<Outcome> {
  const result = await session.call(call)
  if (result.kind === 'failed') return result.outcome
  const { response } = result
  const { status } = response
  const who = `member ${target.username} (user ${target.id}) of organization ${target.scope.orgId}`
  const success = status >= 200 && status < 300
  if (success && response.bodyKind !== 'other')
    return memberRemoved(status, 'removal', false, `removed ${who}`)
  if (!success && status !== 404) {
    const refused = outcomeOfRefusal(response)
    return refused.outcome === 'invalid'
      ? {
          ...refused,
          detail: `Atlas refused to remove ${who} (${status}${refused.errorCode ? ` ${refused.errorCode}` : ''}); nothing was removed. Atlas refuses to remove an organization's last Organization Owner, for one: see atlasDetail in the log`,
        }
      : refused
  }
  if (!success) {
    const missing = missingThing(response, target.id, containersOf(target.scope))
    if (missing === 'container') return containerNotFound(response, target.scope)
    if (missing === 'unexplained') return outcomeOfRefusal(response)
  }
  const again = await relist()
  switch (again.found) {
    case 'unknown':
      return again.outcome
    case 'active':
      return {
        outcome: 'upstream_error',
        status,
        detail: `Atlas answered ${success ? `${status} in an undocumented shape` : '404 naming the user'} to the removal of ${who} but still lists them as active`,
        retryable: true,
      }
    case 'absent':
      return success
        ? memberRemoved(
            status,
            'removal',
            true,
            `Atlas answered ${status} in an undocumented shape and no longer lists ${who}`,
          )
        : memberRemoved(
            status,
            'named_404',
            true,
            `Atlas says ${who} does not exist, and no longer lists them`,
          )
  }
}

function memberRemoved(
  status: number,
  by: 'removal' | 'named_404',
  relisted: boolean,
  detail: string,
): Outcome {
  return {
    outcome: 'removed_member',
    status,
    evidence: proof({ kind: 'member_removed', by, status, relisted }),
    detail,
    retryable: false,
  }
}

/**
 * The sum of a request whose every part is done: the part ranked first by the outcome table
 * speaks (`not_found`, then `would_remove`, `would_revoke`, `removed_member`, `revoked`,
 * `already_gone`); a person's request with
 * nothing pending is `already_gone` on the strength of its complete lists. `undefined` when
 * nothing proves a sum: a part without evidence, or a person's request that covered no scope.
 */
export function sumOfProvenParts(
  parts: readonly Outcome[],
  scopesSearched: number | undefined,
  rank: (outcome: Outcome) => number,
): Outcome | undefined {
  if (scopesSearched === 0 || (parts.length === 0 && scopesSearched === undefined)) return undefined
  if (parts.some((part) => part.evidence === undefined)) return undefined
  const evidence = proof({ kind: 'all_parts', parts: parts.length, scopes: scopesSearched ?? 0 })
  const first = [...parts].sort((a, b) => rank(a) - rank(b))[0]
  if (first === undefined)
    return { outcome: 'already_gone', status: 200, evidence, retryable: false }
  if (first.evidence === undefined) return undefined
  // One part by id: its own evidence says more than a sum of one.
  if (parts.length === 1 && scopesSearched === undefined)
    return { ...only(first, ['outcome', 'status', 'detail', 'evidence']), retryable: false }
  return {
    outcome: first.outcome,
    ...(first.status === undefined ? {} : { status: first.status }),
    ...(first.detail === undefined ? {} : { detail: first.detail }),
    evidence,
    retryable: false,
  }
}

/** The organization (or project) does not exist: retrying cannot help, the request is wrong. */
export function containerNotFound(answer: AtlasAnswer, scope: Scope): UnprovenOutcome {
  const parameters = (answer.body as { parameters?: unknown } | undefined)?.parameters
  const names = (id: string | undefined) => Array.isArray(parameters) && parameters.includes(id)
  const [what, id] =
    scope.groupId !== undefined && names(scope.groupId)
      ? ['project', scope.groupId]
      : ['organization', scope.orgId]
  return {
    ...outcomeOfRefusal(answer),
    outcome: 'invalid',
    detail: `Atlas says ${what} ${id} does not exist`,
    retryable: false,
  }
}

/** Each member of a union, cut to the keys named (an outcome keeps its evidence's own type). */
type EachPicked<T, K extends PropertyKey> = T extends unknown ? Pick<T, Extract<keyof T, K>> : never

/** `value` with only the `keys` it holds: a report's fields, without a revocation's own. */
function only<T extends object, K extends PropertyKey>(
  value: T,
  keys: readonly K[],
): EachPicked<T, K> {
  const kept: Record<PropertyKey, unknown> = {}
  for (const key of keys)
    if (key in value && (value as Record<PropertyKey, unknown>)[key] !== undefined)
      kept[key] = (value as Record<PropertyKey, unknown>)[key]
  return kept as EachPicked<T, K>
}

/** The one place evidence is made: from the facts an answer above established. */
function proof<const Facts extends EvidenceFacts>(facts: Facts): Proven<Facts> {
  return facts as Proven<Facts>
}
