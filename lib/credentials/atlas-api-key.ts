/**
 * An Atlas programmatic API key pair. The private half is kept out of `JSON.stringify`,
 * `util.inspect` and string conversion, so logging the object can never leak it.
 */
import { inspect } from 'node:util'
import type { AtlasCredentials } from './atlas-credentials.ts'

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

  sameAs(other: AtlasCredentials): boolean {
    return (
      other instanceof AtlasApiKey &&
      other.publicKey === this.publicKey &&
      other.privateKey === this.#privateKey
    )
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
