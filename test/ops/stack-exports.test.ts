/** describe-stacks JSON → `export` lines: the mapping, the messages, and quoting that survives eval. */
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  OUTPUT_VARIABLES,
  StackOutputsError,
  shellQuote,
  stackExports,
} from '../../ops/stack-exports.ts'

const run = promisify(execFile)
const PROD = 'atlas-invite-revoker-prod'
const described = JSON.parse(
  readFileSync(new URL('fixtures/describe-stacks-prod.json', import.meta.url), 'utf8'),
)

function describeOutputs(outputs: Record<string, string>, extra: Record<string, unknown> = {}) {
  return {
    Stacks: [
      {
        StackName: PROD,
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({
          OutputKey,
          OutputValue,
        })),
        ...extra,
      },
    ],
  }
}

/** Each shell word evaluated by `shell`, read back NUL-separated so any byte survives. */
async function evaluated(shell: 'bash' | 'sh', words: readonly string[]): Promise<string[]> {
  const assignments = words.map((word, index) => `v${index}=${word}`).join('\n')
  const prints = words.map((_, index) => `printf '%s\\0' "$v${index}"`).join('\n')
  const { stdout } = await run(shell, ['-c', `${assignments}\n${prints}`])
  return stdout.split('\0').slice(0, -1)
}

describe('stackExports', () => {
  it('exports the ten runbook outputs of a real description under their variable names, in order', () => {
    const { lines, missing } = stackExports(described, PROD)
    expect(missing).toEqual([])
    expect(lines).toEqual([
      "export WEBHOOK_URL='https://k2l9x4d1qa.execute-api.eu-west-1.amazonaws.com/revocations'",
      "export DELETE_ROUTE_URL='https://k2l9x4d1qa.execute-api.eu-west-1.amazonaws.com/orgs'",
      "export OKTA_EVENTS_URL='https://k2l9x4d1qa.execute-api.eu-west-1.amazonaws.com/okta/events'",
      "export REVOKE_QUEUE_URL='https://sqs.eu-west-1.amazonaws.com/210987654321/atlas-invite-revoker-prod-revoke'",
      "export REVOKE_QUEUE_ARN='arn:aws:sqs:eu-west-1:210987654321:atlas-invite-revoker-prod-revoke'",
      "export DLQ_URL='https://sqs.eu-west-1.amazonaws.com/210987654321/atlas-invite-revoker-prod-revoke-dlq'",
      "export DLQ_ARN='arn:aws:sqs:eu-west-1:210987654321:atlas-invite-revoker-prod-revoke-dlq'",
      "export ALARM_TOPIC_ARN='arn:aws:sns:eu-west-1:210987654321:atlas-invite-revoker-prod-alarms'",
      "export LEDGER_TABLE='atlas-invite-revoker-prod-ledger'",
      "export SWEEP_FUNCTION='atlas-invite-revoker-prod-sweep'",
    ])
  })

  it('leaves out the outputs osls adds (HttpApiUrl, HttpApiId, the deployment bucket)', () => {
    const text = stackExports(described, PROD).lines.join('\n')
    expect(text).not.toMatch(/HTTP_API|BUCKET|k3j5x8q2m4wz/)
    expect(stackExports(described, PROD).lines).toHaveLength(Object.keys(OUTPUT_VARIABLES).length)
  })

  it('names the outputs an older stack lacks and exports the rest', () => {
    const { lines, missing } = stackExports(
      describeOutputs({ WebhookUrl: 'https://a.example/revocations', AlarmTopicArn: 'arn:t' }),
      PROD,
    )
    expect(lines).toEqual([
      "export WEBHOOK_URL='https://a.example/revocations'",
      "export ALARM_TOPIC_ARN='arn:t'",
    ])
    expect(missing).toEqual([
      'DeleteRouteUrl',
      'OktaEventsUrl',
      'RevokeQueueUrl',
      'RevokeQueueArn',
      'DeadLetterQueueUrl',
      'DeadLetterQueueArn',
      'LedgerTableName',
      'SweepFunctionName',
    ])
  })

  it('refuses a description without the stack, saying which stacks it holds', () => {
    expect(() => stackExports(described, 'atlas-invite-revoker-dev')).toThrow(
      new StackOutputsError(
        'stack atlas-invite-revoker-dev not found (the description holds atlas-invite-revoker-prod; see --stage)',
      ),
    )
    expect(() => stackExports({ Stacks: [] }, PROD)).toThrow(
      new StackOutputsError('stack atlas-invite-revoker-prod not found'),
    )
  })

  it('refuses a stack with none of its outputs, with the stack status', () => {
    const rolledBack = describeOutputs(
      { HttpApiId: 'k2l9x4d1qa' },
      { StackStatus: 'ROLLBACK_COMPLETE' },
    )
    expect(() => stackExports(rolledBack, PROD)).toThrow(
      new StackOutputsError(
        "stack atlas-invite-revoker-prod has none of this service's outputs (status ROLLBACK_COMPLETE)",
      ),
    )
    const { Outputs: _none, ...withoutOutputs } = described.Stacks[0]
    expect(() => stackExports({ Stacks: [withoutOutputs] }, PROD)).toThrow(StackOutputsError)
  })

  it.each([null, 42, 'text', {}, { Stacks: 'no' }])('refuses %j as not a description', (input) => {
    expect(() => stackExports(input, PROD)).toThrow(
      new StackOutputsError(
        'expected the JSON of `aws cloudformation describe-stacks` (an object with "Stacks")',
      ),
    )
  })
})

describe('shellQuote', () => {
  const nasty = [
    'plain',
    '',
    'with spaces  and\ttabs',
    "it's",
    "''",
    '"double" quotes',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell text, not a template
    '$HOME ${PATH} $(touch /tmp/pwned) `id`',
    'back\\slash\\',
    'new\nline',
    '; rm -rf / #',
    '*?[a]',
    'ünïcødé ✓',
  ]

  it.each(['bash', 'sh'] as const)('round-trips awkward values through %s', async (shell) => {
    expect(await evaluated(shell, nasty.map(shellQuote))).toEqual(nasty)
  })

  it('round-trips any string without NUL through bash', async () => {
    const values = fc.sample(
      fc.string({ unit: 'binary', maxLength: 40 }).filter((value) => !value.includes('\0')),
      { numRuns: 200, seed: 13 },
    )
    expect(await evaluated('bash', values.map(shellQuote))).toEqual(values)
  })
})
