#!/usr/bin/env node
import { SecretUnavailableError } from '../lib/credentials/secret-cache.ts'
import { ConfigurationError } from '../lib/errors.ts'
/** `npm run smoke`: after a deploy, proves the webhook route works without revoking anything. */
import { decimal, fail, scriptArgs } from '../scripts/script-args.ts'
import { requiredRegionOf } from './deployment.ts'
import { runSmokeChecks } from './smoke-checks.ts'
import { firstWebhookSecret, readWebhookSecret } from './webhook-secret.ts'

const NAME = 'smoke'

const values = scriptArgs(
  NAME,
  `
npm run smoke -- [--url <webhook url>] --secret-id <id> [--region <region>]
npm run smoke -- [--url <webhook url>] [--secret <whsec_…>]

Post-deploy smoke test of POST /revocations that never revokes anything. Two checks, one
line each (ok or FAILED, with the status and outcome):

  signed dry run            {"username": "smoke-test+<random>@invalid.example", "dryRun":
                            true}, signed as Standard Webhooks senders sign, must answer
                            200 already_gone with dryRun: the function read both secrets,
                            checked the signature, and Atlas listed the invitations of
                            every organization it searched (none can be pending for that
                            name).
                            202 queued, 401, 502 or 503 mean it is not working yet.
  unsigned request refused  the same body without a signature must answer 401.

  --url          the WebhookUrl output (default: $WEBHOOK_URL; eval "$(npm run -s outputs …)"
                 sets it); https, or http on 127.0.0.1/localhost
  --secret-id    Secrets Manager id or ARN of the webhook secret (the webhookSecretArn
                 deploy parameter), read with your AWS credentials in --region
  --region       default: $REGION, else $AWS_REGION; needed with --secret-id
  --secret       the whsec_… secret itself (default: $WEBHOOK_SECRET, which keeps it out
                 of the process list); of several space-separated values the first signs
  --timeout      seconds each request may take (default 10)

The secret is never printed. Exit 0 when every check passed, 1 otherwise.`,
  {
    url: { type: 'string' },
    'secret-id': { type: 'string' },
    secret: { type: 'string' },
    region: { type: 'string' },
    timeout: { type: 'string' },
  },
)

const timeoutMs = decimal(NAME, 'timeout', values.timeout, 10, 0.1, 120) * 1000
const url = webhookUrl(values.url ?? process.env.WEBHOOK_URL)

try {
  const secret = firstWebhookSecret(await webhookSecret())
  const results = await runSmokeChecks({ url, secret, timeoutMs })
  for (const result of results) process.stdout.write(`${result.line}\n`)
  process.exitCode = results.every((result) => result.passed) ? 0 : 1
} catch (error) {
  if (error instanceof ConfigurationError)
    process.stderr.write(
      `${NAME}: ${error.setting === '--secret-id' ? error.message : `unusable webhook secret (${error.problem})`}\n`,
    )
  else if (error instanceof SecretUnavailableError)
    process.stderr.write(`${NAME}: ${error.message}\n`)
  else throw error
  process.exitCode = 1
}

function webhookUrl(value: string | undefined): string {
  if (value === undefined)
    fail(NAME, '--url is required (or set WEBHOOK_URL, e.g. with npm run outputs)')
  let parsed: URL
  try {
    parsed = new URL(value)
  } catch {
    fail(NAME, `--url is not a URL (got ${JSON.stringify(value)})`)
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname)
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback))
    fail(NAME, '--url must be https (plain http only on 127.0.0.1 or localhost)')
  return parsed.href
}

async function webhookSecret(): Promise<string> {
  const secretId = values['secret-id']
  const given = values.secret ?? process.env.WEBHOOK_SECRET
  if (secretId !== undefined && values.secret !== undefined)
    fail(NAME, 'give --secret-id or --secret, not both')
  if (secretId !== undefined)
    return readWebhookSecret(
      secretId,
      requiredRegionOf(NAME, values.region, process.env),
      timeoutMs,
    )
  if (given === undefined || given.trim() === '')
    fail(NAME, 'a webhook secret is needed: --secret-id <Secrets Manager id> or WEBHOOK_SECRET')
  return given
}
