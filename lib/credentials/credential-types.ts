/**
 * The two kinds of Atlas credentials: a programmatic API key pair (HTTP Digest) and a service
 * account (OAuth 2.0 client credentials, exchanged for bearer tokens). The secret half of each
 * lives in a private field and never shows in `util.inspect`, string conversion or `toJSON`.
 */
import { inspect } from 'node:util'

/** Base of the credential types (subclasses redact the secret in `toJSON` under their names). */
export abstract class SecretHolder {
  readonly #label: string
  readonly #secret: string

  /** `label` names the type in `toString` (class names do not survive minification). */
  protected constructor(label: string, secret: string) {
    this.#label = label
    this.#secret = secret
  }

  /** The public half, shown in logs: a public key or a client id. */
  abstract get id(): string

  /** Same kind, same public and secret halves (a re-read secret that did not change). */
  abstract sameAs(other: SecretHolder): boolean

  protected get secret(): string {
    return this.#secret
  }

  toString(): string {
    return `${this.#label}(${this.id})`
  }

  [inspect.custom](): string {
    return this.toString()
  }
}

/** An Atlas programmatic API key pair, signed with HTTP Digest. */
export class AtlasApiKey extends SecretHolder {
  readonly publicKey: string

  constructor(publicKey: string, privateKey: string) {
    super('AtlasApiKey', privateKey)
    this.publicKey = publicKey
  }

  get id(): string {
    return this.publicKey
  }

  get privateKey(): string {
    return this.secret
  }

  sameAs(other: SecretHolder): boolean {
    return (
      other instanceof AtlasApiKey &&
      other.publicKey === this.publicKey &&
      other.privateKey === this.secret
    )
  }

  toJSON(): { publicKey: string; privateKey: string } {
    return { publicKey: this.publicKey, privateKey: '[redacted]' }
  }
}

/** An Atlas service account: OAuth 2.0 client credentials, exchanged for bearer tokens. */
export class ServiceAccount extends SecretHolder {
  readonly clientId: string

  constructor(clientId: string, clientSecret: string) {
    super('ServiceAccount', clientSecret)
    this.clientId = clientId
  }

  get id(): string {
    return this.clientId
  }

  get clientSecret(): string {
    return this.secret
  }

  sameAs(other: SecretHolder): boolean {
    return (
      other instanceof ServiceAccount &&
      other.clientId === this.clientId &&
      other.clientSecret === this.secret
    )
  }

  toJSON(): { clientId: string; clientSecret: string } {
    return { clientId: this.clientId, clientSecret: '[redacted]' }
  }
}

export type AtlasCredentials = AtlasApiKey | ServiceAccount
