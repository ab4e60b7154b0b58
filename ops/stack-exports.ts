/**
 * The stack's CloudFormation outputs as `export NAME='value'` lines a shell can eval: the JSON
 * of `aws cloudformation describe-stacks` in, shell text out. Pure. Only the outputs the
 * runbook uses are exported, under the names the runbook's commands expect; other outputs
 * (osls's own `HttpApiUrl`, `HttpApiId`, `ServerlessDeploymentBucketName`) are left out, so an
 * eval sets nothing else.
 */

/** CloudFormation output key (serverless.yml `Outputs:`) → shell variable. */
export const OUTPUT_VARIABLES = {
  WebhookUrl: 'WEBHOOK_URL',
  DeleteRouteUrl: 'DELETE_ROUTE_URL',
  OktaEventsUrl: 'OKTA_EVENTS_URL',
  RevokeQueueUrl: 'REVOKE_QUEUE_URL',
  RevokeQueueArn: 'REVOKE_QUEUE_ARN',
  DeadLetterQueueUrl: 'DLQ_URL',
  DeadLetterQueueArn: 'DLQ_ARN',
  AlarmTopicArn: 'ALARM_TOPIC_ARN',
  LedgerTableName: 'LEDGER_TABLE',
  SweepFunctionName: 'SWEEP_FUNCTION',
} as const

export type OutputKey = keyof typeof OUTPUT_VARIABLES

/** The description names no such stack, or the stack has none of this service's outputs. */
export class StackOutputsError extends Error {
  override readonly name = 'StackOutputsError'
}

export interface StackExports {
  /** One `export NAME='value'` line per output found, in the order of {@link OUTPUT_VARIABLES}. */
  readonly lines: readonly string[]
  /** Output keys of this service the stack does not have (deployed from an older version?). */
  readonly missing: readonly OutputKey[]
}

interface DescribedStack {
  readonly StackName?: unknown
  readonly StackStatus?: unknown
  readonly Outputs?: unknown
}

/**
 * @example
 * stackExports({ Stacks: [{ StackName: 'atlas-invite-revoker-prod', Outputs: [
 *   { OutputKey: 'DeadLetterQueueUrl', OutputValue: 'https://sqs…/atlas-invite-revoker-prod-revoke-dlq' },
 * ] }] }, 'atlas-invite-revoker-prod').lines
 * // → ["export DLQ_URL='https://sqs…/atlas-invite-revoker-prod-revoke-dlq'"]
 */
export function stackExports(description: unknown, stackName: string): StackExports {
  const stack = findStack(description, stackName)
  const values = outputValues(stack.Outputs)
  const keys = Object.keys(OUTPUT_VARIABLES) as OutputKey[]
  const found = keys.filter((key) => values.has(key))
  if (found.length === 0) {
    const status = typeof stack.StackStatus === 'string' ? ` (status ${stack.StackStatus})` : ''
    throw new StackOutputsError(`stack ${stackName} has none of this service's outputs${status}`)
  }
  return {
    lines: found.map(
      (key) => `export ${OUTPUT_VARIABLES[key]}=${shellQuote(values.get(key) ?? '')}`,
    ),
    missing: keys.filter((key) => !values.has(key)),
  }
}

/**
 * A single-quoted shell word for any string: POSIX shells (sh, bash, zsh) expand nothing
 * between single quotes, and a quote inside is written `'\''`.
 */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}

function findStack(description: unknown, stackName: string): DescribedStack {
  const stacks = (description as { Stacks?: unknown } | null)?.Stacks
  if (!Array.isArray(stacks))
    throw new StackOutputsError(
      'expected the JSON of `aws cloudformation describe-stacks` (an object with "Stacks")',
    )
  const described = stacks.filter(
    (stack): stack is DescribedStack => typeof stack === 'object' && stack !== null,
  )
  const stack = described.find((candidate) => candidate.StackName === stackName)
  if (stack) return stack
  const others = described.map((candidate) => String(candidate.StackName))
  throw new StackOutputsError(
    others.length === 0
      ? `stack ${stackName} not found`
      : `stack ${stackName} not found (the description holds ${others.join(', ')}; see --stage)`,
  )
}

function outputValues(outputs: unknown): Map<string, string> {
  const values = new Map<string, string>()
  if (!Array.isArray(outputs)) return values
  for (const output of outputs as { OutputKey?: unknown; OutputValue?: unknown }[]) {
    if (typeof output?.OutputKey === 'string' && typeof output.OutputValue === 'string')
      values.set(output.OutputKey, output.OutputValue)
  }
  return values
}
