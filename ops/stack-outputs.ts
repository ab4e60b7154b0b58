#!/usr/bin/env node
/** `npm run outputs`: a deployed stack's outputs as `export` lines for the runbook's shell. */
import { readFile } from 'node:fs/promises'
import { scriptArgs } from '../scripts/script-args.ts'
import { requiredRegionOf, stackNameOf, stageOf } from './deployment.ts'
import { DescribeStackError, describeStack } from './describe-stack.ts'
import { OUTPUT_VARIABLES, StackOutputsError, stackExports } from './stack-exports.ts'

const NAME = 'stack-outputs'
const VARIABLES = Object.values(OUTPUT_VARIABLES)

const values = scriptArgs(
  NAME,
  `
npm run -s outputs -- [--stage <stage>] [--region <region>] [--from <file>]

Prints the outputs of the stack atlas-invite-revoker-<stage> as shell export lines, for a
runbook to eval:

  eval "$(npm run -s outputs -- --stage prod --region eu-west-1)"

Sets ${VARIABLES.slice(0, 4).join(', ')},
${VARIABLES.slice(4).join(', ')}.
Values are single-quoted, so the eval runs nothing but the exports. Other outputs are left
out; one missing from an older stack is named on stderr.

  --stage   default: $STAGE, else dev
  --region  default: $REGION, else $AWS_REGION; required unless --from is given
  --from    read a saved \`aws cloudformation describe-stacks --output json\` instead of
            calling the AWS CLI (which otherwise runs with your usual profile and credentials)

Exit 1 when the stack or its outputs cannot be found, or the AWS CLI fails.`,
  {
    stage: { type: 'string' },
    region: { type: 'string' },
    from: { type: 'string' },
  },
)

const stackName = stackNameOf(stageOf(NAME, values.stage, process.env))

try {
  const description =
    values.from === undefined
      ? await describeStack(stackName, requiredRegionOf(NAME, values.region, process.env))
      : await readDescription(values.from)
  const { lines, missing } = stackExports(description, stackName)
  if (missing.length > 0)
    process.stderr.write(
      `${NAME}: ${stackName} lacks the outputs ${missing.join(', ')} (deployed from an older version?)\n`,
    )
  process.stdout.write(`${lines.join('\n')}\n`)
} catch (error) {
  if (!(error instanceof StackOutputsError || error instanceof DescribeStackError)) throw error
  process.stderr.write(`${NAME}: ${error.message}\n`)
  process.exitCode = 1
}

async function readDescription(file: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new StackOutputsError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code})`)
  }
  try {
    return JSON.parse(text)
  } catch {
    throw new StackOutputsError(`${file} is not JSON`)
  }
}
