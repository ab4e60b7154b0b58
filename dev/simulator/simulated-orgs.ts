/**
 * Organization and project listing: `GET /orgs` (the organizations the caller has a role in)
 * and `GET /orgs/{orgId}/groups` (an organization's projects), both paginated.
 */
import type { SimulatedOrg, SimulatedProject } from './org-registry.ts'
import type { SimulatedPrincipal } from './principal-registry.ts'
import type { SimulatedAtlasState } from './simulated-atlas-state.ts'
import { paginate } from './simulated-pagination.ts'
import { apiResponse, type ResponseContext, type SimulatedResponse } from './simulated-responses.ts'

/** The organizations `principal` has a role in; `totalCountOver` is added to `totalCount`. */
export function orgsRoute(
  state: SimulatedAtlasState,
  context: ResponseContext,
  principal: SimulatedPrincipal,
  url: URL,
  totalCountOver: number,
): SimulatedResponse {
  const visible = state.orgs().filter((org) => principal.roles[org.id] !== undefined)
  const present = (org: SimulatedOrg) => ({
    id: org.id,
    isDeleted: false,
    links: [{ href: `http://localhost:8080${url.pathname}/${org.id}`, rel: 'self' }],
    name: org.name,
    skipDefaultAlertsSettings: false,
  })
  return apiResponse(
    context,
    200,
    paginate(visible.map(present), url.searchParams, url.pathname, totalCountOver),
  )
}

/** The projects of `orgId`; `totalCountOver` is added to `totalCount`. */
export function orgProjectsRoute(
  state: SimulatedAtlasState,
  context: ResponseContext,
  orgId: string,
  url: URL,
  totalCountOver: number,
): SimulatedResponse {
  return apiResponse(
    context,
    200,
    paginate(
      state.projects(orgId).map(presentProject),
      url.searchParams,
      url.pathname,
      totalCountOver,
    ),
  )
}

/** A project as `GET /orgs/{orgId}/groups` lists it. */
function presentProject(project: SimulatedProject) {
  return {
    clusterCount: 0,
    created: '2026-01-01T00:00:00Z',
    id: project.id,
    name: project.name,
    orgId: project.orgId,
  }
}
