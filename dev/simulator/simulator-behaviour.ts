/**
 * The simulator's behaviour knobs: the ways Atlas may answer where MongoDB leaves the answer
 * open, each set per simulator (`behave(…)`, `PUT /__simulator/behaviour`) so tests pin each one.
 */
import type { NonceReuse } from './nonce-registry.ts'
import type { RemovedRouteStyle } from './simulated-responses.ts'

/** Ways Atlas may answer that MongoDB leaves open; tests pin each one. */
export interface SimulatorBehaviour {
  /** A 404 for a missing invitation or user names its id in `parameters`. Default true. */
  readonly notFoundNamesId: boolean
  /** The invitation endpoints are gone (past their sunset), answering in this style. */
  readonly invitationsRemoved: RemovedRouteStyle | undefined
  /** List endpoints ignore their `username` and status filters. Default false. */
  readonly listsIgnoreFilters: boolean
  /** The `username` filter matches case-sensitively (MongoDB does not say). Default false. */
  readonly usernameFilterCaseSensitive: boolean
  /**
   * The Cloud Users API does not list invitations made through the invitations API as pending
   * users (MongoDB's Terraform notes say so; not confirmed). Default false.
   */
  readonly usersListHidesLegacyInvitations: boolean
  /** Added to every list's `totalCount`, which the spec calls an estimate. Default 0. */
  readonly totalCountOver: number
  /**
   * The Cloud Users API lists the organization's API keys and service accounts among its ACTIVE
   * users, named by their public key or client id, with their roles (MongoDB does not say
   * whether it does; the recorded list shows people only). Such a user is never removable.
   * Default false.
   */
  readonly callersListedAsUsers: boolean
  /**
   * The Cloud Users API's list leaves out users' `roles` (a read by id still shows them); the
   * spec's examples always carry them, but the field's presence is not promised. Default false.
   */
  readonly usersListOmitsRoles: boolean
  /**
   * Whether a nonce may answer several requests (MongoDB does not say); a refused reuse gets a
   * 401 repeating the nonce with `stale=false`. Default `accepted`.
   */
  readonly nonceReuse: NonceReuse
}

export const DEFAULT_BEHAVIOUR: SimulatorBehaviour = {
  notFoundNamesId: true,
  invitationsRemoved: undefined,
  listsIgnoreFilters: false,
  usernameFilterCaseSensitive: false,
  usersListHidesLegacyInvitations: false,
  totalCountOver: 0,
  callersListedAsUsers: false,
  usersListOmitsRoles: false,
  nonceReuse: 'accepted',
}

/** Usernames compared as the `username` filter does: case-insensitive unless told otherwise. */
export function sameUsername(behaviour: SimulatorBehaviour): (a: string, b: string) => boolean {
  return behaviour.usernameFilterCaseSensitive
    ? (a, b) => a === b
    : (a, b) => a.toLowerCase() === b.toLowerCase()
}
