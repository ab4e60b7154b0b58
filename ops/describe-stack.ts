/**
 * `aws cloudformation describe-stacks` for one stack, through the operator's own AWS CLI (so
 * its profiles, SSO sessions and MFA apply). Failures become one line that says what to do:
 * no CLI installed, no such stack in that region, or the CLI's own last line of error.
 */
import { type ExecFileException, execFile } from 'node:child_process'

/** The AWS CLI could not describe the stack; the message is one line, fit for an operator. */
export class DescribeStackError extends Error {
  override readonly name = 'DescribeStackError'
}

const TIMEOUT_MS = 60_000

export async function describeStack(stackName: string, region: string): Promise<unknown> {
  const args = ['cloudformation', 'describe-stacks', '--stack-name', stackName, '--region', region]
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      'aws',
      [...args, '--output', 'json'],
      // No pager: AWS CLI v2 pipes output through one, which may wait for a key press.
      { env: { ...process.env, AWS_PAGER: '' }, timeout: TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
      (error, out, err) =>
        error ? reject(cliFailure(error, err, stackName, region)) : resolve(out),
    )
  })
  try {
    return JSON.parse(stdout)
  } catch {
    throw new DescribeStackError('aws cloudformation describe-stacks did not print JSON')
  }
}

function cliFailure(
  error: ExecFileException,
  stderr: string,
  stackName: string,
  region: string,
): DescribeStackError {
  if (error.code === 'ENOENT')
    return new DescribeStackError(
      'the aws command was not found: install the AWS CLI (https://aws.amazon.com/cli/), or pass --from <describe-stacks JSON>',
    )
  if (error.killed)
    return new DescribeStackError(`aws did not answer within ${TIMEOUT_MS / 1000} s`)
  if (/does not exist/.test(stderr))
    return new DescribeStackError(
      `stack ${stackName} not found in ${region} (deployed? right --stage and --region?)`,
    )
  const lastLine = stderr.trim().split('\n').at(-1)?.trim()
  return new DescribeStackError(
    `aws cloudformation describe-stacks failed: ${lastLine || `exit ${String(error.code)}`}`,
  )
}
