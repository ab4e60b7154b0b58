/**
 * The HTTP function's container state: the shared runtime, plus the verifier for the current
 * webhook secret and the answers to webhooks this container saw (for replays).
 */

import type { FunctionConfig } from '../../config/function-config.ts'
import {
  createFunctionRuntime,
  type FunctionRuntime,
  type RuntimeOverrides,
} from '../function-runtime.ts'
import type { HttpResult } from './http-responses.ts'
import { WebhookReplays } from './webhook-replays.ts'
import { TOLERANCE_SECONDS, type WebhookVerifier, webhookVerifier } from './webhook-signature.ts'

export interface HttpRuntime extends FunctionRuntime {
  /** The verifier for the current webhook secret (read through the secrets cache). */
  webhookVerifier(): Promise<WebhookVerifier>
  /** Answers to signed webhooks this container saw within the signature's tolerance window. */
  readonly webhookReplays: WebhookReplays<HttpResult>
}

export function createHttpRuntime(
  config: FunctionConfig,
  overrides: RuntimeOverrides = {},
): HttpRuntime {
  const runtime = createFunctionRuntime(config, overrides)
  let verifier: { secret: string; verify: WebhookVerifier } | undefined
  return {
    ...runtime,
    webhookReplays: new WebhookReplays<HttpResult>({
      ttlMs: TOLERANCE_SECONDS * 1000,
      // A settled answer stays; one a retry could change is forgotten so the retry runs.
      keep: (answer) => answer.statusCode === 200,
    }),
    async webhookVerifier() {
      const secret = await runtime.secrets.read(config.webhookSecretId ?? '', 'WEBHOOK_SECRET_ID')
      if (verifier?.secret !== secret) verifier = { secret, verify: webhookVerifier(secret) }
      return verifier.verify
    },
  }
}
