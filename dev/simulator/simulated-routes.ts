/**
 * The Atlas Administration API paths the simulator serves, and the `X-Java-Method` each answers
 * with (as recorded, e.g. `ApiOrganizationUsersResource::getOrganizationUsers`).
 */

export type Resource = 'orgInvites' | 'orgUsers'

export interface Route {
  readonly resource: Resource
  readonly version: 'v1.0' | 'v2'
  readonly orgId: string
  /** The invitation or user the path names; `undefined` for the list. */
  readonly id: string | undefined
}

const PATHS: readonly { readonly resource: Resource; readonly pattern: RegExp }[] = [
  {
    resource: 'orgInvites',
    pattern: /^\/api\/atlas\/(v1\.0|v2)\/orgs\/([^/]+)\/invites(?:\/([^/]+))?\/?$/,
  },
  { resource: 'orgUsers', pattern: /^\/api\/atlas\/(v2)\/orgs\/([^/]+)\/users(?:\/([^/]+))?\/?$/ },
]

export function matchRoute(path: string): Route | undefined {
  for (const { resource, pattern } of PATHS) {
    const match = pattern.exec(path)
    if (match)
      return {
        resource,
        version: match[1] as Route['version'],
        orgId: match[2] ?? '',
        id: match[3],
      }
  }
  return undefined
}

/** Methods each resource answers: lists are read, one item is read or deleted. */
export function allowsMethod(route: Route, method: string): boolean {
  return method === 'GET' || (method === 'DELETE' && route.id !== undefined)
}

const JAVA_METHODS: Readonly<Record<Resource, readonly [list: string, get: string, del: string]>> =
  {
    orgInvites: [
      'ApiOrganizationInvitationResource::getInvitations',
      'ApiOrganizationInvitationResource::getInvitationByInvitationId',
      'ApiOrganizationInvitationResource::deleteInvitations',
    ],
    orgUsers: [
      'ApiOrganizationUsersResource::getOrganizationUsers',
      'ApiOrganizationUsersResource::getOrganizationUser',
      'ApiOrganizationUsersResource::removeOrganizationUser',
    ],
  }

export function javaMethod(route: Route | undefined, method: string): string {
  if (!route) return 'ApiRequestFilter::filter'
  const [list, get, del] = JAVA_METHODS[route.resource]
  if (route.id === undefined) return list
  return method === 'DELETE' ? del : get
}
