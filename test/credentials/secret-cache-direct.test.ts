/**
 * CachedSecrets in a Lambda container: the same cache, retries and errors as through the AWS
 * SDK (secret-cache.test.ts), with one signed request of our own per read, and the SDK never
 * loaded.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import type { LocalSecretsManager } from '../../dev/simulator/local-secrets-manager.ts'
import { CachedSecrets, SecretUnavailableError } from '../../lib/credentials/secret-cache.ts'
import { ConfigurationError } from '../../lib/errors.ts'
import { startLocalSecretsManager } from '../support/local-aws.ts'

const loaded = vi.hoisted(() => ({ sdk: false, powertools: false }))
vi.mock('@aws-sdk/client-secrets-manager', async (original) => {
  loaded.sdk = true
  return original()
})
vi.mock('@aws-lambda-powertools/parameters/secrets', async (original) => {
  loaded.powertools = true
  return original()
})

const VALUE = '{"publicKey":"abcdefgh","privateKey":"s3cr3t-private-value"}'
let secretsManager: LocalSecretsManager
/** What Lambda sets, beside the credentials startLocalSecretsManager put in process.env. */
const lambda = () => ({
  ...process.env,
  AWS_LAMBDA_FUNCTION_NAME: 'atlas-invite-revoker-test-queue',
  AWS_SESSION_TOKEN: 'test-session-token',
})

beforeAll(async () => {
  ;({ secretsManager } = await startLocalSecretsManager({ 'atlas/key': VALUE }))
})
afterAll(() => {
  expect(loaded).toEqual({ sdk: false, powertools: false })
  return secretsManager.stop()
})
beforeEach(() => {
  secretsManager.putSecret('atlas/key', VALUE)
  secretsManager.resetCalls()
})

describe('CachedSecrets on Lambda, without the AWS SDK', () => {
  it('reads the SecretString once per TTL, however many callers ask at once', async () => {
    const secrets = new CachedSecrets({ ttlSeconds: 300, env: lambda() })
    const values = await Promise.all(
      Array.from({ length: 10 }, () => secrets.read('atlas/key', 'ATLAS_SECRET_ID')),
    )
    expect(new Set(values)).toEqual(new Set([VALUE]))
    await secrets.read('atlas/key', 'ATLAS_SECRET_ID')
    expect(secretsManager.calls()).toBe(1)
  })

  it('reads again after the TTL, and at once when asked for a fresh value', async () => {
    const secrets = new CachedSecrets({ ttlSeconds: 1, env: lambda() })
    await secrets.read('atlas/key', 'ATLAS_SECRET_ID')
    secretsManager.putSecret('atlas/key', '{"rotated":true}')
    expect(await secrets.read('atlas/key', 'ATLAS_SECRET_ID')).toBe(VALUE)
    expect(await secrets.read('atlas/key', 'ATLAS_SECRET_ID', { fresh: true })).toBe(
      '{"rotated":true}',
    )
    expect(secretsManager.calls()).toBe(2)
    secretsManager.putSecret('atlas/key', '{"rotated":2}')
    await new Promise((resolve) => setTimeout(resolve, 1_100))
    expect(await secrets.read('atlas/key', 'ATLAS_SECRET_ID')).toBe('{"rotated":2}')
    expect(secretsManager.calls()).toBe(3)
  })

  it('rides out throttling with a retry', async () => {
    secretsManager.failNext('throttle')
    const secrets = new CachedSecrets({ ttlSeconds: 1, env: lambda() })
    expect(await secrets.read('atlas/key', 'ATLAS_SECRET_ID')).toBe(VALUE)
    expect(secretsManager.calls()).toBe(2)
  })

  it('says which setting is wrong when the secret does not exist', async () => {
    const read = new CachedSecrets({ ttlSeconds: 1, env: lambda() }).read(
      'missing/secret',
      'ATLAS_SECRET_ID',
    )
    await expect(read).rejects.toThrow(ConfigurationError)
    await expect(read).rejects.toThrow(
      'ATLAS_SECRET_ID cannot be read from Secrets Manager (ResourceNotFoundException)',
    )
    expect(secretsManager.calls()).toBe(1)
  })

  it('reports an unavailable Secrets Manager as a passing failure, after bounded retries', async () => {
    secretsManager.failNext('unavailable', 'unavailable', 'unavailable')
    const read = new CachedSecrets({ ttlSeconds: 1, env: lambda() }).read(
      'atlas/key',
      'WEBHOOK_SECRET_ID',
    )
    await expect(read).rejects.toThrow(SecretUnavailableError)
    await expect(read).rejects.toThrow(
      'WEBHOOK_SECRET_ID: Secrets Manager did not return the secret (ServiceUnavailableException)',
    )
    expect(secretsManager.calls()).toBe(3)
  })

  it('does not cache a failure: the next read asks again', async () => {
    secretsManager.failNext('unavailable', 'unavailable', 'unavailable')
    const secrets = new CachedSecrets({ ttlSeconds: 300, env: lambda() })
    await expect(secrets.read('atlas/key', 'ATLAS_SECRET_ID')).rejects.toThrow(
      SecretUnavailableError,
    )
    expect(await secrets.read('atlas/key', 'ATLAS_SECRET_ID')).toBe(VALUE)
    expect(secretsManager.calls()).toBe(4)
  })
})
