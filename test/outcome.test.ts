/**
 * The outcome table: one row per outcome, and the rules every row must keep between its columns.
 */
import { describe, expect, it } from 'vitest'
import {
  ACKED_OUTCOMES,
  DONE_OUTCOMES,
  OUTCOME_TABLE,
  type OutcomeKind,
  PROVEN_OUTCOMES,
  SETTLED_OUTCOMES,
} from '../lib/outcome.ts'

const outcomes = Object.keys(OUTCOME_TABLE) as OutcomeKind[]

describe('the outcome table', () => {
  it('settles exactly revoked, already_gone and removed_member; a 200, an ack and exit 0 mean done', () => {
    expect([...SETTLED_OUTCOMES].sort()).toEqual(['already_gone', 'removed_member', 'revoked'])
    expect([...DONE_OUTCOMES].sort()).toEqual([
      'already_gone',
      'not_found',
      'removed_member',
      'revoked',
      'would_remove',
      'would_revoke',
    ])
    for (const outcome of outcomes.filter((kind) => kind !== 'not_found')) {
      const rules = OUTCOME_TABLE[outcome]
      expect(rules.httpStatus === 200, outcome).toBe(rules.done)
      expect(rules.cliExit === 0, outcome).toBe(rules.done)
      if (rules.settled) expect(rules.done, outcome).toBe(true)
    }
  })

  it('acks what is done, and active_member, final though not done; a failure says why not', () => {
    expect([...ACKED_OUTCOMES].sort()).toEqual([...DONE_OUTCOMES, 'active_member'].sort())
    for (const outcome of outcomes) {
      const rules = OUTCOME_TABLE[outcome]
      if (rules.done) expect(rules.acked, outcome).toBe(true)
      expect(rules.sqsFailure === undefined, outcome).toBe(rules.acked)
    }
  })

  it('acks not_found (retrying cannot help) but answers it 404 and exit 3, never success', () => {
    expect(OUTCOME_TABLE.not_found).toMatchObject({
      settled: false,
      done: true,
      httpStatus: 404,
      cliExit: 3,
      acked: true,
      sqsFailure: undefined,
    })
  })

  it('acks active_member (retrying cannot help) but answers it 409 and exit 1, as documented', () => {
    expect(OUTCOME_TABLE.active_member).toMatchObject({
      settled: false,
      done: false,
      proven: true,
      httpStatus: 409,
      cliExit: 1,
      acked: true,
      sqsFailure: undefined,
    })
  })

  it('settles a member removal like a revocation, and reports a dry run’s like would_revoke', () => {
    const { removed_member, would_remove, revoked, would_revoke } = OUTCOME_TABLE
    expect({ ...removed_member, precedence: 0, logLevel: 'info' }).toEqual({
      ...revoked,
      precedence: 0,
      logLevel: 'info',
    })
    // Never quiet: a removal is a WARN line (and a metric with an alarm).
    expect(removed_member.logLevel).toBe('warn')
    expect({ ...would_remove, precedence: 0 }).toEqual({ ...would_revoke, precedence: 0 })
  })

  it('asks evidence of exactly the outcomes that state a fact about Atlas', () => {
    expect([...PROVEN_OUTCOMES].sort()).toEqual([
      'active_member',
      'already_gone',
      'not_found',
      'removed_member',
      'revoked',
      'would_remove',
      'would_revoke',
    ])
    // What is acked must rest on evidence: an ack drops the record for good.
    for (const outcome of outcomes)
      expect(OUTCOME_TABLE[outcome].proven, outcome).toBe(OUTCOME_TABLE[outcome].acked)
  })

  it('ranks every failure first, then what a person must decide, then what is done, each rank once', () => {
    const ranks = outcomes.map((outcome) => OUTCOME_TABLE[outcome].precedence)
    expect(new Set(ranks).size).toBe(outcomes.length)
    const rank = (kinds: Iterable<OutcomeKind>) =>
      [...kinds].map((outcome) => OUTCOME_TABLE[outcome].precedence)
    const firstAcked = Math.min(...rank(ACKED_OUTCOMES))
    const firstDone = Math.min(...rank(DONE_OUTCOMES))
    // A record carrying a failure and an active member is retried, never acked.
    for (const outcome of outcomes.filter((kind) => !ACKED_OUTCOMES.has(kind)))
      expect(OUTCOME_TABLE[outcome].precedence, outcome).toBeLessThan(firstAcked)
    for (const outcome of outcomes.filter((kind) => !DONE_OUTCOMES.has(kind)))
      expect(OUTCOME_TABLE[outcome].precedence, outcome).toBeLessThan(firstDone)
    // The most telling of what is done: a removed member over a revoked invitation.
    expect(OUTCOME_TABLE.removed_member.precedence).toBeLessThan(OUTCOME_TABLE.revoked.precedence)
    expect(OUTCOME_TABLE.would_remove.precedence).toBeLessThan(
      OUTCOME_TABLE.would_revoke.precedence,
    )
  })

  it('sends what the message itself gets wrong to the DLQ as the message’s fault', () => {
    const ofTheMessage = outcomes.filter((kind) => OUTCOME_TABLE[kind].sqsFailure === 'message')
    expect(ofTheMessage.sort()).toEqual(['invalid'])
  })
})
