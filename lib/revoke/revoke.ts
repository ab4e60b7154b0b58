/**
 * The revoke use case, the one function every entry point runs (both Lambda triggers and the
 * operator CLI): validate the request, check the organization allowlist, then revoke by
 * invitation id, or find a person's pending invitations (in one organization, in several, or in
 * every one the deployment may look in; with their projects when asked) and revoke each,
 * through the adapter of the Atlas API in use, within one deadline; one report. With
 * REMOVE_ACTIVE_MEMBERS on, a person's search then removes their active membership of each
 * organization it covers, within the guardrails; a request by id never removes a member.
 *
 * May import: atlas, outcome, errors. Knows no trigger, no Atlas path or status.
 */
import pLimit from 'p-limit'
import type { AtlasAdapter, Revocation, Scope, Username } from '../atlas/api/index.ts'
import { type AtlasApi, atlasAdapter, goneAsRecorded, offboardMembers } from '../atlas/api/index.ts'
import { type AtlasDependencies, AtlasSession } from '../atlas/http/index.ts'
import type { Outcome } from '../outcome.ts'
import { withMemberParts } from './member-parts.ts'
import { type RevokeReport, type SearchRecord, summarize } from './revoke-report.ts'
import { parseRevokeRequest, type RevokeRequest } from './revoke-request.ts'

export interface RevokeSettings {
  readonly dependencies: AtlasDependencies
  /** Default `v1`. */
  readonly api?: AtlasApi
  /** When set, requests for any other organization are refused before an Atlas call, and a person is looked for in these. */
  readonly allowedOrgIds?: ReadonlySet<string> | undefined
  /** Look for a person's project invitations too (INCLUDE_PROJECT_INVITATIONS). */
  readonly includeProjects?: boolean
  /** Users mode: look at the invitations API too (SEARCH_INVITATIONS_API). Default true. */
  readonly searchInvitationsApi?: boolean
  /**
   * The ledger's word on an id: the request that revoked it before, if this tool did. A by-id
   * request it covers is `already_gone` rather than `not_found`.
   */
  readonly revokedBefore?: (
    orgId: string,
    id: string,
  ) => Promise<{ readonly requestId: string } | undefined>
  /** Organizations and projects listed or searched at the same time. Default 4. */
  readonly concurrency?: number
  /**
   * REMOVE_ACTIVE_MEMBERS: a person's request also removes their active membership of every
   * organization it searches (never by id; guardrails in lib/atlas/api/member-guardrails.ts).
   * Default false: an active member is reported, never removed.
   */
  readonly removeActiveMembers?: boolean
  /** PROTECTED_USERNAMES, normalized: members never removed. */
  readonly protectedUsernames?: ReadonlySet<Username>
}

const NONCE_REUSE_STOPPED =
  'Atlas refused reused Digest nonces twice: this container now answers a fresh challenge per call (two requests per revocation)'

/** The organization is not one this deployment serves (`ALLOWED_ORG_IDS`). */
export class OrgNotAllowedError extends Error {
  override readonly name = 'OrgNotAllowedError'
  readonly orgId: string

  constructor(orgId: string) {
    super(`organization ${orgId} is not in ALLOWED_ORG_IDS`)
    this.orgId = orgId
  }
}

/**
 * Throws `ValidationError` for a malformed request and `OrgNotAllowedError` for an organization
 * outside the allowlist, both before any Atlas call; otherwise the report, whatever Atlas said.
 *
 * @example
 * const report = await revoke(
 *   { username: 'leaver@example.com' },
 *   { dependencies: { atlas: new AtlasClient(), credentials: fixedCredentials(key) } },
 *   Date.now() + 10_000,
 * )
 * if (SETTLED_OUTCOMES.has(report.outcome)) ack()
 */
export async function revoke(
  input: unknown,
  settings: RevokeSettings,
  deadline: number,
): Promise<RevokeReport> {
  const request = parseRevokeRequest(input)
  const named = request.kind === 'invitation' ? [request.orgId] : (request.orgIds ?? [])
  const outside = named.find(
    (orgId) => settings.allowedOrgIds && !settings.allowedOrgIds.has(orgId),
  )
  if (outside !== undefined) throw new OrgNotAllowedError(outside)
  const started = performance.now()
  const session = new AtlasSession(settings.dependencies, { deadline })
  const adapter = atlasAdapter(settings.api ?? 'v1', {
    searchInvitationsApi: settings.searchInvitationsApi ?? true,
    removeActiveMembers: settings.removeActiveMembers === true,
  })
  const found =
    request.kind === 'invitation'
      ? await byInvitation(adapter, session, request, settings)
      : await byUsername(adapter, session, request, settings)
  const parts = [...found.revocations, ...failedSearches(found.searched)]
  return {
    ...(found.failure ??
      summarize(parts, request.kind === 'username' ? found.searched.length : undefined)),
    request,
    searched: found.searched,
    revocations: found.revocations,
    notes: session.nonceReuseStopped ? [...found.notes, NONCE_REUSE_STOPPED] : found.notes,
    ...(session.nonceReuseStopped ? { nonceReuseStopped: true } : {}),
    attempts: session.attempts,
    durationMs: Math.round(performance.now() - started),
  }
}

interface Found {
  readonly searched: readonly SearchRecord[]
  readonly revocations: readonly Revocation[]
  readonly notes: readonly string[]
  /** The request failed before any search (the organizations could not be listed). */
  readonly failure?: Outcome
}

const NOTHING: Found = { searched: [], revocations: [], notes: [] }

async function byInvitation(
  adapter: AtlasAdapter,
  session: AtlasSession,
  request: Extract<RevokeRequest, { kind: 'invitation' }>,
  settings: RevokeSettings,
): Promise<Found> {
  const revocations = await adapter.revokeInvitation(session, request, { dryRun: request.dryRun })
  const lookUp = settings.revokedBefore
  if (!lookUp || request.dryRun) return { ...NOTHING, revocations }
  // Not found in the organization: it may be one this tool revoked before (a redelivery).
  const recorded = await Promise.all(
    revocations.map(async (revocation) => {
      if (revocation.outcome !== 'not_found') return revocation
      const record = await lookUp(request.orgId, request.invitationId)
      if (!record) return revocation
      const { orgId, groupId, invitationId, userId, username } = revocation
      const where = { orgId, groupId, invitationId, userId, username }
      return {
        ...(Object.fromEntries(
          Object.entries(where).filter(([, value]) => value !== undefined),
        ) as { orgId: string }),
        ...goneAsRecorded(revocation, record.requestId),
      }
    }),
  )
  return { ...NOTHING, revocations: recorded }
}

async function byUsername(
  adapter: AtlasAdapter,
  session: AtlasSession,
  request: Extract<RevokeRequest, { kind: 'username' }>,
  settings: RevokeSettings,
): Promise<Found> {
  let orgIds = request.orgIds ?? (settings.allowedOrgIds ? [...settings.allowedOrgIds] : undefined)
  const notes: string[] = []
  if (orgIds === undefined) {
    const listing = await adapter.listOrganizations(session)
    if (listing.kind === 'failed') return { ...NOTHING, failure: listing.outcome }
    orgIds = listing.ids
    notes.push(...(listing.notes ?? []))
  }
  if (orgIds.length > MAX_SCOPES) return { ...NOTHING, failure: tooManyScopes(orgIds.length) }
  const limit = pLimit(settings.concurrency ?? 4)
  // The scopes first (each organization, and its projects when asked), so a search too wide to
  // finish is refused before it starts.
  const scopes: Scope[] = orgIds.map((orgId) => ({ orgId }))
  const unlisted: Found[] = []
  if (settings.includeProjects) {
    const listings = await Promise.all(
      orgIds.map((orgId) =>
        limit(async () => ({ orgId, projects: await adapter.listProjects(session, orgId) })),
      ),
    )
    for (const { orgId, projects } of listings) {
      if (projects.kind === 'failed')
        unlisted.push({ ...NOTHING, searched: [{ orgId, failure: projects.outcome }] })
      else {
        scopes.push(...projects.ids.map((groupId) => ({ orgId, groupId })))
        notes.push(...(projects.notes ?? []))
      }
    }
    if (scopes.length > MAX_SCOPES) return { ...NOTHING, failure: tooManyScopes(scopes.length) }
  }
  const searchScope = async (scope: Scope): Promise<Found> => {
    const search = await adapter.findPending(session, scope, request.username)
    if (search.kind === 'failed')
      return { ...NOTHING, searched: [{ ...scope, failure: search.outcome }] }
    const revocations: Revocation[] = []
    for (const entry of search.entries)
      revocations.push(await adapter.revokeEntry(session, scope, entry, { dryRun: request.dryRun }))
    return {
      searched: [{ ...scope, found: search.entries.length }],
      revocations,
      notes: search.notes ?? [],
    }
  }
  const found = merge([
    ...(await Promise.all(scopes.map((scope) => limit(() => searchScope(scope))))),
    ...unlisted,
  ])
  if (!settings.removeActiveMembers) return { ...found, notes: [...notes, ...found.notes] }
  // The member phase comes after every pending search of the request: a person who accepted an
  // invitation (of the organization, or of one of its projects) while those ran is a member now.
  const searchedWhole = found.searched.filter(
    (search) => search.groupId === undefined && search.failure === undefined,
  )
  const memberPhases = await Promise.all(
    searchedWhole.map((search) =>
      limit(async () => ({
        orgId: search.orgId,
        members: await offboardMembers(
          session,
          search.orgId,
          request.username,
          { protectedUsernames: settings.protectedUsernames ?? new Set() },
          { dryRun: request.dryRun },
        ),
      })),
    ),
  )
  const searched = found.searched.map((search) => {
    const phase = memberPhases.find(
      ({ orgId }) => search.groupId === undefined && orgId === search.orgId,
    )
    if (!phase) return search
    return phase.members.kind === 'failed'
      ? { orgId: search.orgId, failure: phase.members.outcome }
      : { ...search, found: (search.found ?? 0) + phase.members.revocations.length }
  })
  const memberParts = memberPhases.flatMap(({ members }) =>
    members.kind === 'found' ? members.revocations : [],
  )
  return {
    searched,
    revocations: withMemberParts(found.revocations, memberParts),
    notes: [
      ...notes,
      ...found.notes,
      ...memberPhases.flatMap(({ members }) => (members.kind === 'found' ? members.notes : [])),
    ],
  }
}

/** A person is searched in this many organizations and projects at most, in one request. */
export const MAX_SCOPES = 1_000

function tooManyScopes(count: number): Outcome {
  return {
    outcome: 'invalid',
    detail: `the search would cover ${count} organizations and projects, more than the ${MAX_SCOPES} scopes one request may: name the organizations (orgIds) or narrow ALLOWED_ORG_IDS`,
    retryable: false,
  }
}

function merge(parts: readonly Found[]): Found {
  return {
    searched: parts.flatMap((part) => part.searched),
    revocations: parts.flatMap((part) => part.revocations),
    notes: parts.flatMap((part) => part.notes),
  }
}

/** A search that failed counts like a revocation that did: the request is not settled. */
function failedSearches(searched: readonly SearchRecord[]): Revocation[] {
  return searched.flatMap((search) =>
    search.failure
      ? [
          {
            orgId: search.orgId,
            ...(search.groupId ? { groupId: search.groupId } : {}),
            ...search.failure,
          },
        ]
      : [],
  )
}
