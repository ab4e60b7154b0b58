/**
 * Secrets Manager values, cached for a TTL and fetched once however many callers ask at the
 * same time. Caching is Powertools Parameters'; this adds the shared in-flight read, the
 * SDK's timeouts and retries, and errors that say which setting is wrong.
 */
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets'
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { ConfigurationError } from '../errors.ts'

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
  /** Default: a client with 2 s connect / 3 s request timeouts and 3 attempts. */
  readonly client?: SecretsManagerClient
}

export class CachedSecrets implements SecretReader {
  readonly #provider: SecretsProvider
  readonly #ttlSeconds: number
  readonly #inFlight = new Map<string, Promise<string>>()

  constructor(options: CachedSecretsOptions) {
    this.#ttlSeconds = options.ttlSeconds
    this.#provider = new SecretsProvider({
      awsSdkV3Client:
        options.client ??
        new SecretsManagerClient({
          maxAttempts: 3,
          requestHandler: { connectionTimeout: 2_000, requestTimeout: 3_000 },
        }),
    })
  }

  read(
    secretId: string,
    setting: string,
    options: { readonly fresh?: boolean } = {},
  ): Promise<string> {
    const key = `${options.fresh ? 'fresh' : 'cached'} ${secretId}`
    let pending = this.#inFlight.get(key)
    if (!pending) {
      pending = this.#fetch(secretId, setting, options.fresh === true).finally(() =>
        this.#inFlight.delete(key),
      )
      this.#inFlight.set(key, pending)
    }
    return pending
  }

  async #fetch(secretId: string, setting: string, fresh: boolean): Promise<string> {
    let value: unknown
    try {
      value = await this.#provider.get(secretId, { maxAge: this.#ttlSeconds, forceFetch: fresh })
    } catch (error) {
      // Powertools wraps the SDK's error; its cause says what happened.
      const sdkError = (error as { cause?: unknown }).cause ?? error
      const name = errorName(sdkError)
      if (PERMANENT_ERRORS.has(name)) {
        throw new ConfigurationError(setting, `cannot be read from Secrets Manager (${name})`)
      }
      throw new SecretUnavailableError(setting, sdkError)
    }
    if (typeof value !== 'string') {
      throw new ConfigurationError(
        setting,
        'secret has no SecretString (binary secrets are not supported)',
      )
    }
    return value
  }
}

function errorName(error: unknown): string {
  const name = (error as { name?: unknown })?.name
  return typeof name === 'string' ? name : 'Error'
}
