/**
 * The Atlas Administration API paths the simulator serves, and the `X-Java-Method` each answers
 * with (as recorded where a recording exists, e.g. `ApiOrganizationUsersResource::getOrganizationUsers`),
 * and how a request to one is answered: in which version, deprecated or not, pretty or enveloped.
 */
import type { RateDecision } from './rate-limiter.ts'
import type { ResponseContext } from './simulated-responses.ts'

export type Resource = 'orgs' | 'orgGroups' | 'orgInvites' | 'orgUsers' | 'groupInvites'

export interface Route {
  readonly resource: Resource
  readonly version: 'v1.0' | 'v2'
  /** The organization the path names (empty for `GET /orgs`). */
  readonly orgId: string
  /** The project the path names (project invitations). */
  readonly groupId?: string
  /** The invitation or user the path names; `undefined` for a list. */
  readonly id: string | undefined
}

const V = '(v1\\.0|v2)'
const PATHS: readonly {
  readonly resource: Resource
  readonly pattern: RegExp
  readonly read: (match: RegExpExecArray) => Omit<Route, 'resource' | 'version'>
}[] = [
  {
    resource: 'orgs',
    pattern: new RegExp(`^/api/atlas/${V}/orgs/?$`),
    read: () => ({ orgId: '', id: undefined }),
  },
  {
    resource: 'orgGroups',
    pattern: new RegExp(`^/api/atlas/${V}/orgs/([^/]+)/groups/?$`),
    read: (match) => ({ orgId: match[2] ?? '', id: undefined }),
  },
  {
    resource: 'orgInvites',
    pattern: new RegExp(`^/api/atlas/${V}/orgs/([^/]+)/invites(?:/([^/]+))?/?$`),
    read: (match) => ({ orgId: match[2] ?? '', id: match[3] }),
  },
  {
    resource: 'orgUsers',
    pattern: /^\/api\/atlas\/(v2)\/orgs\/([^/]+)\/users(?:\/([^/]+))?\/?$/,
    read: (match) => ({ orgId: match[2] ?? '', id: match[3] }),
  },
  {
    resource: 'groupInvites',
    pattern: new RegExp(`^/api/atlas/${V}/groups/([^/]+)/invites(?:/([^/]+))?/?$`),
    read: (match) => ({ orgId: '', groupId: match[2] ?? '', id: match[3] }),
  },
]

export function matchRoute(path: string): Route | undefined {
  for (const { resource, pattern, read } of PATHS) {
    const match = pattern.exec(path)
    if (match) return { resource, version: match[1] as Route['version'], ...read(match) }
  }
  return undefined
}

/** Lists are read; one invitation or user is read or deleted. */
export function allowsMethod(route: Route, method: string): boolean {
  return method === 'GET' || (method === 'DELETE' && route.id !== undefined)
}

/** Invitation resources: deprecated in v2, gone after the sunset. */
export function isInvitations(route: Route | undefined): boolean {
  return route?.resource === 'orgInvites' || route?.resource === 'groupInvites'
}

const JAVA_METHODS: Readonly<Record<Resource, readonly [list: string, get: string, del: string]>> =
  {
    orgs: ['ApiOrganizationsResource::getAllOrgs', '', ''],
    orgGroups: ['ApiOrganizationsResource::getOrgGroups', '', ''],
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
    groupInvites: [
      'ApiGroupInvitationResource::getInvitations',
      'ApiGroupInvitationResource::getInvitationByInvitationId',
      'ApiGroupInvitationResource::deleteInvitations',
    ],
  }

export function javaMethod(route: Route | undefined, method: string): string {
  if (!route) return 'ApiRequestFilter::filter'
  const [list, get, del] = JAVA_METHODS[route.resource]
  if (route.id === undefined) return list
  return method === 'DELETE' ? del : get
}

/** What a v2 request without a versioned Accept header gets. */
const DEFAULT_VERSION = '2023-01-01'

/** How a request to `route` (or to no route) at `url` is answered. */
export function routeContext(
  route: Route | undefined,
  request: { readonly method: string; readonly url: URL; readonly accept: string | undefined },
  rate: RateDecision,
  namesMissing: boolean,
): ResponseContext {
  const { method, url } = request
  return {
    versionDate:
      route?.version === 'v1.0' || !route
        ? undefined
        : (acceptedVersion(request.accept) ?? DEFAULT_VERSION),
    deprecated: isInvitations(route) && route?.version === 'v2',
    javaMethod: javaMethod(route, method),
    rate,
    pretty: url.searchParams.get('pretty') === 'true',
    envelope: url.searchParams.get('envelope') === 'true',
    namesMissing,
  }
}

/** The date in `Accept: application/vnd.atlas.YYYY-MM-DD+json`, if any. */
function acceptedVersion(accept: string | undefined): string | undefined {
  return /application\/vnd\.atlas\.(\d{4}-\d{2}-\d{2})\+json/.exec(accept ?? '')?.[1]
}
