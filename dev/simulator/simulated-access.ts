/**
 * What a caller may reach, as Atlas checks it: the API key's IP access list (403), well-formed
 * ids in the path (400 `INVALID_*_ID`), a project that exists (404 `GROUP_NOT_FOUND`) and the
 * `ORG_OWNER` role the invitation and user routes need (403 `USER_UNAUTHORIZED`).
 */
import type { OrgRole } from './member-registry.ts'
import type { SimulatedPrincipal } from './principal-registry.ts'
import { apiError, type ResponseContext, type SimulatedResponse } from './simulated-responses.ts'
import type { Route } from './simulated-routes.ts'

const ORG_OWNER = 'ORG_OWNER'
const ATLAS_ID = /^[0-9a-f]{24}$/

/** The 403 for a caller whose access list leaves out the address it calls from. */
export function accessListRefusal(
  context: ResponseContext,
  principal: SimulatedPrincipal,
  remoteAddress: string | undefined,
): SimulatedResponse | undefined {
  const address = (remoteAddress ?? '').replace(/^::ffff:/, '')
  if (!principal.accessList || principal.accessList.includes(address)) return undefined
  return apiError(
    context,
    403,
    'IP_ADDRESS_NOT_ON_ACCESS_LIST',
    `IP address ${address} is not allowed to access this resource.`,
    [address],
  )
}

/**
 * The 400 for an organization, project, invitation or user id that is not an Atlas id, then the
 * 404 for a project that does not exist (`orgId` is the project's organization, if found).
 */
export function pathRefusal(
  context: ResponseContext,
  route: Route,
  orgId: string | undefined,
): SimulatedResponse | undefined {
  const badId = [
    { id: route.orgId || undefined, code: 'INVALID_ORG_ID', what: 'organization' },
    { id: route.groupId, code: 'INVALID_GROUP_ID', what: 'group' },
    {
      id: route.id,
      code: route.resource === 'orgUsers' ? 'INVALID_USER_ID' : 'INVALID_INVITATION_ID',
      what: route.resource === 'orgUsers' ? 'user' : 'invitation',
    },
  ].find(({ id }) => id !== undefined && !ATLAS_ID.test(id))
  if (badId) {
    const id = badId.id ?? ''
    return apiError(context, 400, badId.code, `An invalid ${badId.what} ID ${id} was specified.`, [
      id,
    ])
  }
  if (route.groupId !== undefined && orgId === undefined)
    return apiError(context, 404, 'GROUP_NOT_FOUND', `No group with ID ${route.groupId} exists.`, [
      route.groupId,
    ])
  return undefined
}

/** The 403 for a caller with `roles` in the organization but not `ORG_OWNER`. */
export function ownerRefusal(
  context: ResponseContext,
  roles: readonly OrgRole[],
): SimulatedResponse | undefined {
  if (roles.includes(ORG_OWNER)) return undefined
  return apiError(
    context,
    403,
    'USER_UNAUTHORIZED',
    'Current user is not authorized to perform this action.',
  )
}
