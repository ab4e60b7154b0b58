import { describe, expect, it } from 'vitest'
import { OUTCOME_TABLE, type OutcomeKind, SETTLED_OUTCOMES } from '../lib/outcome.ts'

const outcomes = Object.keys(OUTCOME_TABLE) as OutcomeKind[]

describe('the outcome table', () => {
  it('settles exactly revoked and already_gone: a 200, an ack, exit 0', () => {
    expect([...SETTLED_OUTCOMES].sort()).toEqual(['already_gone', 'revoked'])
    for (const outcome of outcomes) {
      const rules = OUTCOME_TABLE[outcome]
      expect(rules.httpStatus === 200, outcome).toBe(rules.settled)
      expect(rules.cliExit === 0, outcome).toBe(rules.settled)
      expect(rules.sqsFailure === undefined, outcome).toBe(rules.settled)
    }
  })

  it('ranks every unsettled outcome before every settled one, each rank once', () => {
    const ranks = outcomes.map((outcome) => OUTCOME_TABLE[outcome].precedence)
    expect(new Set(ranks).size).toBe(outcomes.length)
    const worstSettled = Math.min(
      ...[...SETTLED_OUTCOMES].map((outcome) => OUTCOME_TABLE[outcome].precedence),
    )
    for (const outcome of outcomes.filter((kind) => !SETTLED_OUTCOMES.has(kind)))
      expect(OUTCOME_TABLE[outcome].precedence, outcome).toBeLessThan(worstSettled)
  })

  it('sends what a person must look at to the DLQ as the message’s fault', () => {
    const ofTheMessage = outcomes.filter((kind) => OUTCOME_TABLE[kind].sqsFailure === 'message')
    expect(ofTheMessage.sort()).toEqual(['active_member', 'invalid'])
  })
})
