/**
 * The revoke use case, the one function every entry point runs (both Lambda triggers and the
 * operator CLI): validate the request, check the organization allowlist, then revoke by
 * invitation id, or by username (find the organization's pending invitations for that user,
 * revoke each), through the adapter of the Atlas API in use, within one deadline; one report.
 *
 * May import: atlas, outcome, errors. Knows no trigger, no Atlas path or status.
 */
import type { Revocation } from '../atlas/atlas-adapter.ts'
import { type AtlasApi, atlasAdapter } from '../atlas/atlas-api.ts'
import type { ListedEntry } from '../atlas/atlas-lists.ts'
import { type AtlasDependencies, AtlasSession } from '../atlas/atlas-session.ts'
import type { ResponseFormat } from '../atlas/response-format.ts'
import type { Outcome } from '../outcome.ts'
import { type RevokeReport, summarize } from './revoke-report.ts'
import { parseRevokeRequest, type RevokeRequest } from './revoke-request.ts'

export interface RevokeSettings {
  readonly dependencies: AtlasDependencies
  /** Default `v1`. */
  readonly api?: AtlasApi
  /** When set, requests for any other organization are refused before an Atlas call. */
  readonly allowedOrgIds?: ReadonlySet<string> | undefined
  /** Atlas's `pretty` / `envelope` (the operator CLI's options). */
  readonly format?: ResponseFormat
}

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
 *   { orgId: 'a012…', username: 'leaver@example.com' },
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
  if (settings.allowedOrgIds && !settings.allowedOrgIds.has(request.orgId))
    throw new OrgNotAllowedError(request.orgId)
  const started = performance.now()
  const session = new AtlasSession(settings.dependencies, {
    deadline,
    ...(settings.format ? { format: settings.format } : {}),
  })
  const { revocations, ignored, failure } = await run(session, request, settings.api ?? 'v1')
  return {
    ...(failure ?? summarize(revocations)),
    request,
    revocations,
    ignored,
    attempts: session.attempts,
    durationMs: Math.round(performance.now() - started),
  }
}

async function run(
  session: AtlasSession,
  request: RevokeRequest,
  api: AtlasApi,
): Promise<{
  revocations: readonly Revocation[]
  ignored: readonly ListedEntry[]
  failure?: Outcome
}> {
  const adapter = atlasAdapter(api)
  if (request.kind === 'invitation')
    return { revocations: await adapter.revokeInvitation(session, request), ignored: [] }
  const found = await adapter.findPending(session, request.orgId, request.username)
  if (found.kind === 'failed') return { revocations: [], ignored: [], failure: found.outcome }
  const revocations: Revocation[] = []
  for (const entry of found.entries)
    revocations.push(await adapter.revokeEntry(session, request.orgId, entry))
  return { revocations, ignored: found.ignored }
}
