/**
 * An Atlas service account (OAuth 2.0 client credentials). As with the API key, the secret half
 * stays out of `JSON.stringify`, `util.inspect` and string conversion.
 */
import { inspect } from 'node:util'
import type { AtlasCredentials } from './atlas-credentials.ts'

export class ServiceAccount {
  readonly clientId: string
  readonly #clientSecret: string

  constructor(clientId: string, clientSecret: string) {
    this.clientId = clientId
    this.#clientSecret = clientSecret
  }

  get clientSecret(): string {
    return this.#clientSecret
  }

  sameAs(other: AtlasCredentials): boolean {
    return (
      other instanceof ServiceAccount &&
      other.clientId === this.clientId &&
      other.clientSecret === this.#clientSecret
    )
  }

  toJSON(): { clientId: string; clientSecret: string } {
    return { clientId: this.clientId, clientSecret: '[redacted]' }
  }

  toString(): string {
    return `ServiceAccount(${this.clientId})`
  }

  [inspect.custom](): string {
    return this.toString()
  }
}
