/**
 * An Atlas programmatic API key pair. The private half is kept out of `JSON.stringify`,
 * `util.inspect` and string conversion, so logging the object can never leak it.
 */
import { inspect } from 'node:util'
import { ConfigurationError } from '../errors.ts'

export class AtlasApiKey {
  readonly publicKey: string
  readonly #privateKey: string

  constructor(publicKey: string, privateKey: string) {
    this.publicKey = publicKey
    this.#privateKey = privateKey
  }

  get privateKey(): string {
    return this.#privateKey
  }

  sameAs(other: AtlasApiKey): boolean {
    return other.publicKey === this.publicKey && other.privateKey === this.#privateKey
  }

  toJSON(): { publicKey: string; privateKey: string } {
    return { publicKey: this.publicKey, privateKey: '[redacted]' }
  }

  toString(): string {
    return `AtlasApiKey(${this.publicKey})`
  }

  [inspect.custom](): string {
    return this.toString()
  }
}

/**
 * Reads the Secrets Manager value `{"publicKey": "...", "privateKey": "..."}`. Errors name the
 * secret and the field, never the value.
 */
export function parseAtlasApiKeySecret(secretString: string, setting: string): AtlasApiKey {
  let value: unknown
  try {
    value = JSON.parse(secretString)
  } catch {
    throw new ConfigurationError(
      setting,
      'secret is not JSON: expected {"publicKey": "...", "privateKey": "..."}',
    )
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigurationError(
      setting,
      'secret must be a JSON object with publicKey and privateKey',
    )
  }
  const { publicKey, privateKey } = value as Record<string, unknown>
  if (typeof publicKey !== 'string' || publicKey.trim() === '') {
    throw new ConfigurationError(setting, 'secret has no publicKey string')
  }
  if (typeof privateKey !== 'string' || privateKey.trim() === '') {
    throw new ConfigurationError(setting, 'secret has no privateKey string')
  }
  return new AtlasApiKey(publicKey.trim(), privateKey.trim())
}
