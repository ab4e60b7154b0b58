/** An Atlas programmatic API key pair, signed with HTTP Digest. */
import { SecretHolder } from './secret-holder.ts'

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
