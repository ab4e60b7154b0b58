/** An Atlas service account: OAuth 2.0 client credentials, exchanged for bearer tokens. */
import { SecretHolder } from './secret-holder.ts'

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
