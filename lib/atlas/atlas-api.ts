/**
 * Which Atlas API revokes: `v1` (the documented v1.0 invitations, default), `v2` (the v2
 * invitations, deprecated and sunset on 2027-07-01), or `users` (the Cloud Users API, which
 * removes a user whose membership is still pending; needs API version 2025-02-19).
 */
import { ConfigurationError } from '../errors.ts'

export type AtlasApi = 'v1' | 'v2' | 'users'

export const ATLAS_APIS: readonly AtlasApi[] = ['v1', 'v2', 'users']

/** Accept headers that pin the v2 resource versions we speak. */
export const V2_INVITATIONS_ACCEPT = 'application/vnd.atlas.2023-01-01+json'
export const USERS_ACCEPT = 'application/vnd.atlas.2025-02-19+json'

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
