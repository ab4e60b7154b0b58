import { describe, expect, it } from 'vitest'
import {
  DONE_OUTCOMES,
  OUTCOME_TABLE,
  type OutcomeKind,
  PROVEN_OUTCOMES,
  SETTLED_OUTCOMES,
} from '../lib/outcome.ts'

const outcomes = Object.keys(OUTCOME_TABLE) as OutcomeKind[]

describe('the outcome table', () => {
  it('settles exactly revoked and already_gone; a 200, an ack and exit 0 mean done', () => {
    expect([...SETTLED_OUTCOMES].sort()).toEqual(['already_gone', 'revoked'])
    expect([...DONE_OUTCOMES].sort()).toEqual([
      'already_gone',
      'not_found',
      'revoked',
      'would_revoke',
    ])
    for (const outcome of outcomes.filter((kind) => kind !== 'not_found')) {
      const rules = OUTCOME_TABLE[outcome]
      expect(rules.httpStatus === 200, outcome).toBe(rules.done)
      expect(rules.cliExit === 0, outcome).toBe(rules.done)
      expect(rules.sqsFailure === undefined, outcome).toBe(rules.done)
      if (rules.settled) expect(rules.done, outcome).toBe(true)
    }
  })

  it('acks not_found (retrying cannot help) but answers it 404 and exit 3, never success', () => {
    expect(OUTCOME_TABLE.not_found).toMatchObject({
      settled: false,
      done: true,
      httpStatus: 404,
      cliExit: 3,
      sqsFailure: undefined,
    })
  })

  it('asks evidence of exactly the outcomes that state a fact about Atlas', () => {
    expect([...PROVEN_OUTCOMES].sort()).toEqual([
      'already_gone',
      'not_found',
      'revoked',
      'would_revoke',
    ])
    for (const outcome of outcomes)
      expect(OUTCOME_TABLE[outcome].proven, outcome).toBe(OUTCOME_TABLE[outcome].done)
  })

  it('ranks every failure before what is done, each rank once', () => {
    const ranks = outcomes.map((outcome) => OUTCOME_TABLE[outcome].precedence)
    expect(new Set(ranks).size).toBe(outcomes.length)
    const firstDone = Math.min(
      ...[...DONE_OUTCOMES].map((outcome) => OUTCOME_TABLE[outcome].precedence),
    )
    for (const outcome of outcomes.filter((kind) => !DONE_OUTCOMES.has(kind)))
      expect(OUTCOME_TABLE[outcome].precedence, outcome).toBeLessThan(firstDone)
  })

  it('sends what a person must look at to the DLQ as the message’s fault', () => {
    const ofTheMessage = outcomes.filter((kind) => OUTCOME_TABLE[kind].sqsFailure === 'message')
    expect(ofTheMessage.sort()).toEqual(['active_member', 'invalid'])
  })
})
