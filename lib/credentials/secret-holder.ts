/**
 * Base of the credential types: the secret half lives in a private field and never shows in
 * `util.inspect` or string conversion (subclasses redact it in `toJSON` under their own names).
 */
import { inspect } from 'node:util'

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
