/**
 * The tables readers act on say what the code does: the README's outcome table against
 * `lib/outcome.ts` (HTTP status, SQS verdict, CLI exit), and the variables `npm run outputs`
 * prints against `ops/stack-exports.ts`. A row added, dropped or changed on one side fails here.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { OUTCOME_TABLE, type OutcomeKind } from '../../lib/outcome.ts'
import { OUTPUT_VARIABLES } from '../../ops/stack-exports.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8')

/** The rows of the first Markdown table whose header is `header`, as trimmed cells. */
function tableRows(text: string, header: string): string[][] {
  const lines = text.split('\n')
  const start = lines.findIndex((line) => line.trim() === header)
  expect(start, `a table headed ${header}`).toBeGreaterThanOrEqual(0)
  const rows: string[][] = []
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break
    rows.push(
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    )
  }
  return rows
}

const unquote = (cell: string) => cell.replace(/^`(.*)`$/, '$1')

describe("the README's outcome table", () => {
  const rows = tableRows(read('README.md'), '| outcome | when | HTTP | SQS record | CLI |')
  const byOutcome = new Map(rows.map((row) => [unquote(row[0] ?? ''), row]))

  it('has one row per outcome of lib/outcome.ts, and no other', () => {
    expect([...byOutcome.keys()].sort()).toEqual(Object.keys(OUTCOME_TABLE).sort())
    expect(byOutcome.size).toBe(rows.length)
  })

  it.each(Object.keys(OUTCOME_TABLE) as OutcomeKind[])(
    '%s: the HTTP status, SQS verdict and CLI exit the code gives',
    (outcome) => {
      const rules = OUTCOME_TABLE[outcome]
      const [, , http, sqs = '', cli] = byOutcome.get(outcome) ?? []
      expect(Number(http)).toBe(rules.httpStatus)
      expect(Number(cli)).toBe(rules.cliExit)
      // Every record not acked comes back, and reaches the DLQ after 5 receives.
      if (rules.acked) expect(sqs).toMatch(/^acked\b/)
      else expect(sqs).toBe('retried, then DLQ')
    },
  )
})

describe('the variables npm run outputs prints', () => {
  const variables = Object.values(OUTPUT_VARIABLES)

  it('are the rows of the table in ops/README.md, output by output', () => {
    const rows = tableRows(read('ops/README.md'), '| output               | variable           |')
    expect(
      Object.fromEntries(rows.map(([output = '', name = '']) => [unquote(output), unquote(name)])),
    ).toEqual(OUTPUT_VARIABLES)
  })

  it('are each named in the deploy guide', () => {
    const deploy = read('docs/deploy.md')
    const paragraph = deploy.slice(deploy.indexOf('`npm run outputs`'), deploy.indexOf('Keep `-s`'))
    for (const name of variables) expect(paragraph).toContain(`\`${name}\``)
  })
})
