/**
 * Secrets Manager values, cached for a TTL and fetched once however many callers ask at the
 * same time, with errors that say which setting is wrong. On Lambda they are read with one
 * signed request of our own (secrets-manager-direct.ts), so a cold start does not load the
 * AWS SDK; elsewhere, or with a client given, through the SDK (Powertools Parameters' provider,
 * loaded on first use), with the same timeouts and retries.
 */
import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets'
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { ConfigurationError } from '../errors.ts'
import {
  type DirectSettings,
  directSettings,
  getSecretValueDirect,
  SecretsManagerError,
} from './secrets-manager-direct.ts'

export interface SecretReader {
  /**
   * The SecretString of `secretId`; `fresh` skips the cache (e.g. after Atlas rejected a key
   * that may have been rotated). `setting` names the configuration in errors.
   */
  read(secretId: string, setting: string, options?: { readonly fresh?: boolean }): Promise<string>
}

/** Secrets Manager could not be reached or refused for a reason that may pass. */
export class SecretUnavailableError extends Error {
  override readonly name = 'SecretUnavailableError'
  readonly setting: string

  constructor(setting: string, cause: unknown) {
    super(`${setting}: Secrets Manager did not return the secret (${errorName(cause)})`, { cause })
    this.setting = setting
  }
}

/** SDK errors that mean the configuration, not the moment, is wrong. */
const PERMANENT_ERRORS = new Set([
  'ResourceNotFoundException',
  'AccessDeniedException',
  'InvalidRequestException',
  'InvalidParameterException',
  'DecryptionFailure',
])

export interface CachedSecretsOptions {
  readonly ttlSeconds: number
  /** Read through this SDK client. Default: 2 s connect / 3 s request timeouts, 3 attempts. */
  readonly client?: SecretsManagerClient
  /**
   * Where Lambda's settings are read (default `process.env`): in a Lambda container with its
   * credentials there, secrets are read without the SDK (see secrets-manager-direct.ts).
   */
  readonly env?: Readonly<Record<string, string | undefined>>
}

type Fetch = (secretId: string) => Promise<unknown>

export class CachedSecrets implements SecretReader {
  readonly #ttlSeconds: number
  readonly #fetchValue: Fetch
  readonly #cache = new Map<string, { value: string; expiresAt: number }>()
  readonly #inFlight = new Map<string, Promise<string>>()

  constructor(options: CachedSecretsOptions) {
    this.#ttlSeconds = options.ttlSeconds
    const direct = options.client ? undefined : directSettings(options.env ?? process.env)
    this.#fetchValue = direct ? directFetch(direct) : sdkFetch(options.client)
  }

  read(
    secretId: string,
    setting: string,
    options: { readonly fresh?: boolean } = {},
  ): Promise<string> {
    const fresh = options.fresh === true
    const cached = this.#cache.get(secretId)
    if (!fresh && cached && Date.now() < cached.expiresAt) return Promise.resolve(cached.value)
    const key = `${fresh ? 'fresh' : 'cached'} ${secretId}`
    let pending = this.#inFlight.get(key)
    if (!pending) {
      pending = this.#fetch(secretId, setting).finally(() => this.#inFlight.delete(key))
      this.#inFlight.set(key, pending)
    }
    return pending
  }

  async #fetch(secretId: string, setting: string): Promise<string> {
    let value: unknown
    try {
      value = await this.#fetchValue(secretId)
    } catch (error) {
      // Powertools wraps the SDK's error; its cause says what happened. A direct read's error
      // is named already.
      const cause =
        error instanceof SecretsManagerError
          ? error
          : ((error as { cause?: unknown }).cause ?? error)
      const name = errorName(cause)
      if (PERMANENT_ERRORS.has(name)) {
        throw new ConfigurationError(setting, `cannot be read from Secrets Manager (${name})`)
      }
      throw new SecretUnavailableError(setting, cause)
    }
    if (typeof value !== 'string') {
      throw new ConfigurationError(
        setting,
        'secret has no SecretString (binary secrets are not supported)',
      )
    }
    this.#cache.set(secretId, { value, expiresAt: Date.now() + this.#ttlSeconds * 1000 })
    return value
  }
}

/** Reads with one signed request per attempt (secrets-manager-direct.ts). */
function directFetch(settings: DirectSettings): Fetch {
  return (secretId) => getSecretValueDirect(settings, secretId)
}

/** Reads through the SDK (Powertools' provider, its own cache off: ours is above it). */
function sdkFetch(client: SecretsManagerClient | undefined): Fetch {
  let provider: Promise<SecretsProvider> | undefined
  const load = async () => {
    const [{ SecretsProvider }, { SecretsManagerClient }] = await Promise.all([
      import('@aws-lambda-powertools/parameters/secrets'),
      import('@aws-sdk/client-secrets-manager'),
    ])
    return new SecretsProvider({
      awsSdkV3Client:
        client ??
        new SecretsManagerClient({
          maxAttempts: 3,
          requestHandler: {
            connectionTimeout: 2_000,
            requestTimeout: 3_000,
            throwOnRequestTimeout: true,
          },
        }),
    })
  }
  return async (secretId) => {
    provider ??= load().catch((error: unknown) => {
      provider = undefined
      throw error
    })
    return (await provider).get(secretId, { forceFetch: true })
  }
}

function errorName(error: unknown): string {
  const name = (error as { name?: unknown })?.name
  return typeof name === 'string' ? name : 'Error'
}
