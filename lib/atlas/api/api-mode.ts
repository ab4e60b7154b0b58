/**
 * Which Atlas API revokes: `v1` (the documented v1.0 invitations, default), `v2` (the v2
 * invitations, deprecated and sunset on 2027-07-01), or `users` (the Cloud Users API, which
 * removes a user whose membership is still pending; needs API version 2025-02-19). Active
 * members, with REMOVE_ACTIVE_MEMBERS on, are the Cloud Users API's in every mode
 * (offboard-members.ts).
 */
import { ConfigurationError } from '../../errors.ts'
import type { AtlasAdapter } from './adapter.ts'
import { invitationsAdapter } from './invitations-adapter.ts'
import { type UsersAdapterOptions, usersAdapter } from './users-adapter.ts'

export type AtlasApi = 'v1' | 'v2' | 'users'

export type AdapterOptions = UsersAdapterOptions

const ADAPTERS: Readonly<Record<AtlasApi, (options: AdapterOptions) => AtlasAdapter>> = {
  v1: () => invitationsAdapter('v1'),
  v2: () => invitationsAdapter('v2'),
  users: (options) => usersAdapter(options),
}

export const ATLAS_APIS = Object.keys(ADAPTERS) as readonly AtlasApi[]

export function atlasAdapter(
  api: AtlasApi,
  options: AdapterOptions = { searchInvitationsApi: true },
): AtlasAdapter {
  return ADAPTERS[api](options)
}

export function parseAtlasApi(value: string | undefined, setting = 'ATLAS_API'): AtlasApi {
  const api = (value ?? '').trim() || 'v1'
  if (!ATLAS_APIS.includes(api as AtlasApi)) {
    throw new ConfigurationError(
      setting,
      `must be one of ${ATLAS_APIS.join(', ')} (got ${JSON.stringify(value)})`,
    )
  }
  return api as AtlasApi
}
