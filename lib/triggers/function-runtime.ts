/**
 * What a warm Lambda container keeps between invocations: validated settings, the Atlas client
 * (one keep-alive pool and nonce cache per origin), the secrets cache and the webhook verifier.
 */
import type { Dispatcher } from 'undici'
import { AtlasClient } from '../atlas/atlas-client.ts'
import type { AtlasDependencies } from '../atlas/atlas-session.ts'
import { type DeprecationNotice, firstNoticeOnly } from '../atlas/deprecation-notice.ts'
import { type FunctionConfig, loadFunctionConfig } from '../config/function-config.ts'
import { secretCredentials } from '../credentials/credentials-source.ts'
import { CachedSecrets, type SecretReader } from '../credentials/secret-cache.ts'
import type { HttpResult } from './http/http-responses.ts'
import { WebhookReplays } from './http/webhook-replays.ts'
import {
  TOLERANCE_SECONDS,
  type WebhookVerifier,
  webhookVerifier,
} from './http/webhook-signature.ts'

export interface FunctionRuntime {
  readonly config: FunctionConfig
  readonly dependencies: AtlasDependencies
  /** The verifier for the current webhook secret (read through the secrets cache). */
  webhookVerifier(): Promise<WebhookVerifier>
  /** Answers to signed webhooks this container saw within the signature's tolerance window. */
  readonly webhookReplays: WebhookReplays<HttpResult>
}

export interface RuntimeOverrides {
  /** Default: Secrets Manager through the AWS SDK, cached for SECRET_TTL_SECONDS. */
  readonly secrets?: SecretReader
  /** Default: the process-wide dispatcher for the Atlas origin. */
  readonly dispatcher?: Dispatcher
  /** Told (once) when Atlas marks the API in use deprecated. */
  readonly onDeprecation?: (notice: DeprecationNotice) => void
}

export function createFunctionRuntime(
  config: FunctionConfig,
  overrides: RuntimeOverrides = {},
): FunctionRuntime {
  const secrets = overrides.secrets ?? new CachedSecrets({ ttlSeconds: config.secretTtlSeconds })
  const atlas = new AtlasClient({
    origin: config.atlasOrigin,
    ...(overrides.dispatcher ? { dispatcher: overrides.dispatcher } : {}),
    ...(overrides.onDeprecation ? { onDeprecation: firstNoticeOnly(overrides.onDeprecation) } : {}),
  })
  let verifier: { secret: string; verify: WebhookVerifier } | undefined
  return {
    config,
    dependencies: { atlas, credentials: secretCredentials(secrets, config.atlasSecretId) },
    webhookReplays: new WebhookReplays<HttpResult>({
      ttlMs: TOLERANCE_SECONDS * 1000,
      // A settled answer stays; one a retry could change is forgotten so the retry runs.
      keep: (answer) => answer.statusCode === 200,
    }),
    async webhookVerifier() {
      const secretId = config.webhookSecretId ?? ''
      const secret = await secrets.read(secretId, 'WEBHOOK_SECRET_ID')
      if (verifier?.secret !== secret) verifier = { secret, verify: webhookVerifier(secret) }
      return verifier.verify
    },
  }
}

/**
 * The runtime, built on first use and kept: a bad setting fails every invocation the same
 * way with the same message, and a good one is read once per container.
 */
export function coldStartRuntime(
  env: Readonly<Record<string, string | undefined>>,
  trigger: 'http' | 'queue',
  overrides: RuntimeOverrides = {},
): () => FunctionRuntime {
  let built: { runtime: FunctionRuntime } | { error: unknown } | undefined
  return () => {
    if (!built) {
      try {
        built = { runtime: createFunctionRuntime(loadFunctionConfig(env, trigger), overrides) }
      } catch (error) {
        built = { error }
      }
    }
    if ('error' in built) throw built.error
    return built.runtime
  }
}

/** The deadline for one invocation: what Lambda leaves us, less a margin to answer in. */
export function invocationDeadline(
  remainingMs: number,
  now = Date.now(),
  marginMs = 1_000,
): number {
  return now + Math.max(0, remainingMs - marginMs)
}
