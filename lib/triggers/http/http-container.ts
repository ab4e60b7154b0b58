/**
 * The HTTP function's container state: what every function keeps, plus the verifier for the current
 * webhook secret, the answers to webhooks this container saw (for replays), the Okta event hook
 * secret and the revoke queue requests are handed to.
 */
import type { FunctionConfig } from '../../config/function-config.ts'
import { type Container, type ContainerOverrides, createContainer } from '../container.ts'
import { type HttpResult, keptAnswer } from './http-responses.ts'
import { type RevokeQueue, sqsRevokeQueue } from './revoke-queue.ts'
import { WebhookReplays } from './webhook-replays.ts'
import { TOLERANCE_SECONDS, type WebhookVerifier, webhookVerifier } from './webhook-signature.ts'

export interface HttpContainer extends Container {
  /** The verifier for the current webhook secret (read through the secrets cache). */
  webhookVerifier(): Promise<WebhookVerifier>
  /** Answers to signed webhooks this container saw within the signature's tolerance window. */
  readonly webhookReplays: WebhookReplays<HttpResult>
  /** The Okta event hook's Authorization value (read through the secrets cache). */
  oktaSecret(): Promise<string>
  /** Where requests are handed over (REVOKE_QUEUE_URL); absent when not configured. */
  readonly revokeQueue: RevokeQueue | undefined
}

export interface HttpContainerOverrides extends ContainerOverrides {
  /** Default: SQS at REVOKE_QUEUE_URL. */
  readonly revokeQueue?: RevokeQueue
}

export function createHttpContainer(
  config: FunctionConfig,
  overrides: HttpContainerOverrides = {},
): HttpContainer {
  const container = createContainer(config, overrides)
  let verifier: { secret: string; verify: WebhookVerifier } | undefined
  const queueUrl = config.revokeQueueUrl
  return {
    ...container,
    webhookReplays: new WebhookReplays<HttpResult>({
      // A delivery stays valid while its timestamp is within the tolerance either way.
      ttlMs: 2 * TOLERANCE_SECONDS * 1000,
      // A settled (or queued) answer stays; one a retry could change is forgotten so the retry runs.
      keep: keptAnswer,
    }),
    async webhookVerifier() {
      const secret = await container.secrets.read(config.webhookSecretId ?? '', 'WEBHOOK_SECRET_ID')
      if (verifier?.secret !== secret) verifier = { secret, verify: webhookVerifier(secret) }
      return verifier.verify
    },
    oktaSecret: () => container.secrets.read(config.oktaSecretId ?? '', 'OKTA_SECRET_ID'),
    revokeQueue: overrides.revokeQueue ?? (queueUrl ? sqsRevokeQueue(queueUrl) : undefined),
  }
}
