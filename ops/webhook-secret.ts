/**
 * The webhook secret the smoke test signs with: read from Secrets Manager the way the deployed
 * function reads it (the same cache class, so the same errors), or given directly. A secret
 * being rotated holds several space-separated `whsec_…` values; senders sign with the first.
 * Neither the value nor any part of it ever appears in an error.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { CachedSecrets } from '../lib/credentials/secret-cache.ts'

/** The SecretString of `secretId` in `region`; throws ConfigurationError or SecretUnavailableError. */
export async function readWebhookSecret(
  secretId: string,
  region: string,
  timeoutMs: number,
): Promise<string> {
  const client = new SecretsManagerClient({
    region,
    maxAttempts: 2,
    requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs },
  })
  try {
    return await new CachedSecrets({ ttlSeconds: 0, client }).read(secretId, '--secret-id')
  } finally {
    client.destroy()
  }
}

/**
 * @example
 * firstWebhookSecret(' whsec_new… whsec_old… ') // → 'whsec_new…'
 */
export function firstWebhookSecret(value: string): string {
  return value.trim().split(/\s+/)[0] ?? ''
}
