import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { LocalSecretsManager } from '../../dev/simulator/local-secrets-manager.ts'
import { CachedSecrets, SecretUnavailableError } from '../../lib/credentials/secret-cache.ts'
import { ConfigurationError } from '../../lib/errors.ts'
import { startLocalSecretsManager } from '../support/local-aws.ts'

const VALUE = '{"publicKey":"abcdefgh","privateKey":"s3cr3t-private-value"}'
let secretsManager: LocalSecretsManager

beforeAll(async () => {
  ;({ secretsManager } = await startLocalSecretsManager({ 'atlas/key': VALUE }))
})
afterAll(() => secretsManager.stop())
beforeEach(() => {
  secretsManager.putSecret('atlas/key', VALUE)
  secretsManager.resetCalls()
})

describe('CachedSecrets through the AWS SDK', () => {
  it('reads the SecretString once per TTL, however many callers ask at once', async () => {
    const secrets = new CachedSecrets({ ttlSeconds: 300 })
    const values = await Promise.all(
      Array.from({ length: 10 }, () => secrets.read('atlas/key', 'ATLAS_SECRET_ID')),
    )
    expect(new Set(values)).toEqual(new Set([VALUE]))
    await secrets.read('atlas/key', 'ATLAS_SECRET_ID')
    expect(secretsManager.calls()).toBe(1)
  })

  it('reads again after the TTL, and at once when asked for a fresh value', async () => {
    const secrets = new CachedSecrets({ ttlSeconds: 1 })
    await secrets.read('atlas/key', 'ATLAS_SECRET_ID')
    secretsManager.putSecret('atlas/key', '{"rotated":true}')
    expect(await secrets.read('atlas/key', 'ATLAS_SECRET_ID')).toBe(VALUE)
    expect(await secrets.read('atlas/key', 'ATLAS_SECRET_ID', { fresh: true })).toBe(
      '{"rotated":true}',
    )
    expect(secretsManager.calls()).toBe(2)
    secretsManager.putSecret('atlas/key', '{"rotated":2}')
    await sleep(1_100)
    expect(await secrets.read('atlas/key', 'ATLAS_SECRET_ID')).toBe('{"rotated":2}')
    expect(secretsManager.calls()).toBe(3)
  })

  it('rides out throttling with the SDK retries', async () => {
    secretsManager.failNext('throttle')
    expect(await new CachedSecrets({ ttlSeconds: 1 }).read('atlas/key', 'ATLAS_SECRET_ID')).toBe(
      VALUE,
    )
    expect(secretsManager.calls()).toBe(2)
  })

  it('says which setting is wrong when the secret does not exist', async () => {
    const read = new CachedSecrets({ ttlSeconds: 1 }).read('missing/secret', 'ATLAS_SECRET_ID')
    await expect(read).rejects.toThrow(ConfigurationError)
    await expect(read).rejects.toThrow(
      'ATLAS_SECRET_ID cannot be read from Secrets Manager (ResourceNotFoundException)',
    )
  })

  it('reports an unavailable Secrets Manager as a passing failure, after bounded retries', async () => {
    secretsManager.failNext('unavailable', 'unavailable', 'unavailable')
    const read = new CachedSecrets({ ttlSeconds: 1 }).read('atlas/key', 'WEBHOOK_SECRET_ID')
    await expect(read).rejects.toThrow(SecretUnavailableError)
    await expect(read).rejects.toThrow(
      'WEBHOOK_SECRET_ID: Secrets Manager did not return the secret',
    )
    expect(secretsManager.calls()).toBe(3)
  })
})
