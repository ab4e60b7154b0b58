/**
 * Which deployment an operator script talks to: the stage and region (`--stage`, `--region` or
 * the environment) and the CloudFormation stack `osls deploy` made for them. Bad values are a
 * one-line usage error (exit 2), as everywhere in this project.
 */
import { fail } from '../scripts/script-args.ts'

/** `service:` in serverless.yml; osls names the stack `<service>-<stage>`. */
export const SERVICE = 'atlas-invite-revoker'

type Env = Readonly<Record<string, string | undefined>>

/** osls stage names: letters, digits and hyphens (they end up in resource names). */
const STAGE = /^[A-Za-z0-9-]{1,40}$/
/** An AWS region name such as `eu-west-1` or `us-gov-west-1`. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/

/** `--stage`, else `STAGE`, else `dev` (osls's default). */
export function stageOf(script: string, option: string | undefined, env: Env): string {
  const stage = option ?? env.STAGE ?? 'dev'
  if (!STAGE.test(stage))
    fail(script, `--stage must be letters, digits and hyphens (got ${JSON.stringify(stage)})`)
  return stage
}

/** `--region`, else `REGION`, else `AWS_REGION`; `undefined` when none is set. */
export function regionOf(script: string, option: string | undefined, env: Env): string | undefined {
  const region = option ?? env.REGION ?? env.AWS_REGION
  if (region !== undefined && !REGION.test(region))
    fail(script, `--region must be an AWS region such as eu-west-1 (got ${JSON.stringify(region)})`)
  return region
}

/** Like {@link regionOf}, but a missing region is a usage error naming what to set. */
export function requiredRegionOf(script: string, option: string | undefined, env: Env): string {
  return (
    regionOf(script, option, env) ??
    fail(script, '--region is required (or set REGION or AWS_REGION)')
  )
}

export function stackNameOf(stage: string): string {
  return `${SERVICE}-${stage}`
}
