/**
 * Whoever calls the simulated API: API keys and service accounts, each with its roles per
 * organization and an optional access list; and how they show among an organization's users.
 */
import { callerUserId } from './atlas-ids.ts'
import type { OrgRole } from './member-registry.ts'

/** Whoever calls the API: an API key or a service account. */
export interface SimulatedPrincipal {
  /** Roles per organization id; an organization absent here is invisible to the caller (401). */
  readonly roles: Readonly<Record<string, readonly OrgRole[]>>
  /** Client addresses the caller may use; absent = any. */
  readonly accessList?: readonly string[]
}

export interface SimulatedApiKey extends SimulatedPrincipal {
  readonly publicKey: string
  readonly privateKey: string
}

export interface SimulatedServiceAccount extends SimulatedPrincipal {
  readonly clientId: string
  readonly clientSecret: string
}

/** An API key or a service account, as it would show among an organization's users. */
export interface CallerUser {
  /** A user id derived from the public key or client id. */
  readonly id: string
  /** The public key or client id itself (MongoDB does not say how such a user is named). */
  readonly username: string
  readonly roles: readonly OrgRole[]
}

export class PrincipalRegistry {
  readonly #apiKeys = new Map<string, SimulatedApiKey>()
  readonly #serviceAccounts = new Map<string, SimulatedServiceAccount>()

  putApiKey(key: SimulatedApiKey): void {
    this.#apiKeys.set(key.publicKey, key)
  }

  apiKey(publicKey: string): SimulatedApiKey | undefined {
    return this.#apiKeys.get(publicKey)
  }

  putServiceAccount(account: SimulatedServiceAccount): void {
    this.#serviceAccounts.set(account.clientId, account)
  }

  serviceAccount(clientId: string): SimulatedServiceAccount | undefined {
    return this.#serviceAccounts.get(clientId)
  }

  /** The API keys and service accounts with a role in the organization, shown as users. */
  callerUsers(orgId: string): CallerUser[] {
    return [...this.#apiKeys.values(), ...this.#serviceAccounts.values()].flatMap((principal) => {
      const roles = principal.roles[orgId]
      if (!roles) return []
      const name = 'publicKey' in principal ? principal.publicKey : principal.clientId
      return [{ id: callerUserId(name), username: name, roles }]
    })
  }
}
