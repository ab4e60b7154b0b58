/**
 * `npm run outputs` end to end: from a saved description (`--from`) and through a stand-in
 * `aws` on PATH that records its arguments, never the real AWS CLI or the network.
 */
import { execFile } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { bareEnv, runNodeScript } from './run-node-script.ts'

const SCRIPT = 'ops/stack-outputs.ts'
const FIXTURE = 'test/ops/fixtures/describe-stacks-prod.json'
const folder = mkdtempSync(join(tmpdir(), 'stack-outputs-'))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

const outputs = (argv: string[], env: Record<string, string> = {}) =>
  runNodeScript(SCRIPT, argv, bareEnv(env))

/** A folder holding only an `aws` that records its arguments and plays `script`. */
function fakeAws(name: string, script: string): { path: string; calls: () => string } {
  const bin = join(folder, name)
  const calls = join(bin, 'calls')
  mkdirSync(bin)
  writeFileSync(
    join(bin, 'aws'),
    `#!/bin/sh\nprintf '%s\\n' "$*" "AWS_PAGER=[$AWS_PAGER]" >> '${calls}'\n${script}\n`,
  )
  chmodSync(join(bin, 'aws'), 0o755)
  return { path: `${bin}:/usr/bin:/bin`, calls: () => readFileSync(calls, 'utf8') }
}

/** The values of `names` after a shell evals `exports`. */
async function afterEval(exports: string, names: readonly string[]): Promise<string[]> {
  const prints = names.map((name) => `printf '%s\\0' "$${name}"`).join('; ')
  const { stdout } = await promisify(execFile)('bash', [
    '-c',
    `eval "$1"; ${prints}`,
    'bash',
    exports,
  ])
  return stdout.split('\0').slice(0, -1)
}

describe('npm run outputs', () => {
  it('answers --help with the eval example, exit 0', async () => {
    const help = await outputs(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('eval "$(npm run -s outputs -- --stage prod --region eu-west-1)"')
  })

  it.each([
    [['--no-such-option'], "stack-outputs: Unknown option '--no-such-option' (see --help)"],
    [
      ['--stage', 'pr od', '--from', FIXTURE],
      'stack-outputs: --stage must be letters, digits and hyphens (got "pr od")',
    ],
    [
      ['--region', 'Europe'],
      'stack-outputs: --region must be an AWS region such as eu-west-1 (got "Europe")',
    ],
    [[], 'stack-outputs: --region is required (or set REGION or AWS_REGION)'],
  ])('answers %j with one line and exit 2', async (argv, line) => {
    const bad = await outputs(argv)
    expect(bad).toMatchObject({ code: 2, stdout: '' })
    expect(bad.stderr).toBe(`${line}\n`)
  })

  it('prints export lines from a saved description that a shell evals to the outputs', async () => {
    const result = await outputs(['--stage', 'prod', '--from', FIXTURE])
    expect(result).toMatchObject({ code: 0, stderr: '' })
    expect(result.stdout.trim().split('\n')).toHaveLength(10)
    expect(
      await afterEval(result.stdout, ['WEBHOOK_URL', 'DLQ_URL', 'DLQ_ARN', 'REVOKE_QUEUE_ARN']),
    ).toEqual([
      'https://k2l9x4d1qa.execute-api.eu-west-1.amazonaws.com/revocations',
      'https://sqs.eu-west-1.amazonaws.com/210987654321/atlas-invite-revoker-prod-revoke-dlq',
      'arn:aws:sqs:eu-west-1:210987654321:atlas-invite-revoker-prod-revoke-dlq',
      'arn:aws:sqs:eu-west-1:210987654321:atlas-invite-revoker-prod-revoke',
    ])
  })

  it('quotes values with quotes, spaces, $ and backticks so eval runs nothing but the exports', async () => {
    const awkward = {
      WebhookUrl: `https://x.example/it's here`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: shell text, not a template
      DeadLetterQueueUrl: '$(touch pwned) `touch pwned` ${HOME} "q"',
      AlarmTopicArn: 'line one\nline two; echo injected',
    }
    const file = join(folder, 'awkward.json')
    writeFileSync(
      file,
      JSON.stringify({
        Stacks: [
          {
            StackName: 'atlas-invite-revoker-prod',
            Outputs: Object.entries(awkward).map(([OutputKey, OutputValue]) => ({
              OutputKey,
              OutputValue,
            })),
          },
        ],
      }),
    )
    const result = await outputs(['--from', file], { STAGE: 'prod' })
    expect(result.code).toBe(0)
    expect(result.stderr).toContain('lacks the outputs DeleteRouteUrl, OktaEventsUrl')
    const cwd = mkdtempSync(join(folder, 'eval-'))
    const { stdout } = await promisify(execFile)(
      'bash',
      [
        '-c',
        `eval "$1"; printf '%s\\0' "$WEBHOOK_URL" "$DLQ_URL" "$ALARM_TOPIC_ARN"; ls -A`,
        'bash',
        result.stdout,
      ],
      { cwd },
    )
    expect(stdout.split('\0')).toEqual([
      awkward.WebhookUrl,
      awkward.DeadLetterQueueUrl,
      awkward.AlarmTopicArn,
      '',
    ])
  })

  it('says which stacks a saved description holds when the stage does not match', async () => {
    const result = await outputs(['--from', FIXTURE])
    expect(result).toMatchObject({ code: 1, stdout: '' })
    expect(result.stderr).toBe(
      'stack-outputs: stack atlas-invite-revoker-dev not found (the description holds atlas-invite-revoker-prod; see --stage)\n',
    )
  })

  it('says so in one line when the saved file is missing or not JSON', async () => {
    const missing = await outputs(['--from', join(folder, 'nope.json')])
    expect(missing).toMatchObject({ code: 1, stdout: '' })
    expect(missing.stderr).toMatch(/^stack-outputs: cannot read .*nope\.json \(ENOENT\)\n$/)
    const garbage = join(folder, 'garbage.json')
    writeFileSync(garbage, '<html>')
    expect((await outputs(['--from', garbage])).stderr).toBe(
      `stack-outputs: ${garbage} is not JSON\n`,
    )
  })

  it('asks the AWS CLI for exactly one stack, in JSON, without a pager', async () => {
    const aws = fakeAws('describes', `cat '${join(process.cwd(), FIXTURE)}'`)
    const result = await outputs(['--stage', 'prod'], { PATH: aws.path, REGION: 'eu-west-1' })
    expect(result).toMatchObject({ code: 0, stderr: '' })
    expect(result.stdout).toContain(
      "export DLQ_ARN='arn:aws:sqs:eu-west-1:210987654321:atlas-invite-revoker-prod-revoke-dlq'",
    )
    expect(aws.calls()).toBe(
      'cloudformation describe-stacks --stack-name atlas-invite-revoker-prod --region eu-west-1 --output json\nAWS_PAGER=[]\n',
    )
  })

  it('takes the stage from STAGE and the region from AWS_REGION; --region wins over both env names', async () => {
    const aws = fakeAws('env', `cat '${join(process.cwd(), FIXTURE)}'`)
    await outputs([], { PATH: aws.path, STAGE: 'prod', AWS_REGION: 'eu-west-1' })
    await outputs(['--region', 'us-east-2'], {
      PATH: aws.path,
      STAGE: 'prod',
      REGION: 'eu-west-1',
      AWS_REGION: 'eu-central-1',
    })
    expect(
      aws
        .calls()
        .split('\n')
        .filter((line) => line.startsWith('cloudformation')),
    ).toEqual([
      'cloudformation describe-stacks --stack-name atlas-invite-revoker-prod --region eu-west-1 --output json',
      'cloudformation describe-stacks --stack-name atlas-invite-revoker-prod --region us-east-2 --output json',
    ])
  })

  it('says in one line that a stack does not exist in that region', async () => {
    const aws = fakeAws(
      'missing',
      `echo >&2; echo 'An error occurred (ValidationError) when calling the DescribeStacks operation: Stack with id atlas-invite-revoker-prod does not exist' >&2; exit 254`,
    )
    const result = await outputs(['--stage', 'prod', '--region', 'eu-west-1'], { PATH: aws.path })
    expect(result).toMatchObject({ code: 1, stdout: '' })
    expect(result.stderr).toBe(
      'stack-outputs: stack atlas-invite-revoker-prod not found in eu-west-1 (deployed? right --stage and --region?)\n',
    )
  })

  it('passes on the last line of any other AWS CLI error', async () => {
    const aws = fakeAws(
      'expired',
      `echo 'Traceback (most recent call last):' >&2; echo 'Error when retrieving token from sso: Token has expired and refresh failed' >&2; exit 255`,
    )
    const result = await outputs(['--region', 'eu-west-1'], { PATH: aws.path })
    expect(result).toMatchObject({ code: 1, stdout: '' })
    expect(result.stderr).toBe(
      'stack-outputs: aws cloudformation describe-stacks failed: Error when retrieving token from sso: Token has expired and refresh failed\n',
    )
  })

  it('says in one line that the AWS CLI is not installed', async () => {
    const empty = mkdtempSync(join(folder, 'no-aws-'))
    const result = await outputs(['--region', 'eu-west-1'], { PATH: empty })
    expect(result).toMatchObject({ code: 1, stdout: '' })
    expect(result.stderr).toBe(
      'stack-outputs: the aws command was not found: install the AWS CLI (https://aws.amazon.com/cli/), or pass --from <describe-stacks JSON>\n',
    )
  })
})
