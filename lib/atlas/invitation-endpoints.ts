/** Request shapes for the Atlas v1.0 organization invitation endpoints. */
import type { InvitationRef } from '../revoke/invitation-ref.ts'
import type { AtlasCall } from './atlas-client.ts'

export interface ResponseFormat {
  /** `pretty=true`: Atlas indents the JSON it returns. */
  readonly pretty?: boolean
  /** `envelope=true`: Atlas answers 200 with `{status, content}` in the body. */
  readonly envelope?: boolean
}

const V1 = '/api/atlas/v1.0'

export function formatQuery(format: ResponseFormat): Record<string, string | undefined> {
  return {
    pretty: format.pretty ? 'true' : undefined,
    envelope: format.envelope ? 'true' : undefined,
  }
}

/** `DELETE /api/atlas/v1.0/orgs/{orgId}/invites/{invitationId}` (not `/invitations/`). */
export function deleteInvitationCall(
  ref: InvitationRef,
  format: ResponseFormat,
): Pick<AtlasCall, 'method' | 'path' | 'query'> {
  return {
    method: 'DELETE',
    path: `${V1}/orgs/${encodeURIComponent(ref.orgId)}/invites/${encodeURIComponent(ref.invitationId)}`,
    query: formatQuery(format),
  }
}

/** `GET /api/atlas/v1.0/orgs/{orgId}/invites?username=…`: the org's pending invitations for one user. */
export function listInvitationsCall(
  orgId: string,
  username: string,
  format: ResponseFormat,
): Pick<AtlasCall, 'method' | 'path' | 'query'> {
  return {
    method: 'GET',
    path: `${V1}/orgs/${encodeURIComponent(orgId)}/invites`,
    query: { username, ...formatQuery(format) },
  }
}

/** Invitation ids in a list answer (a JSON array of invitations), ignoring anything malformed. */
export function invitationIds(content: unknown): string[] {
  const items = Array.isArray(content)
    ? content
    : ((content as { results?: unknown })?.results ?? [])
  if (!Array.isArray(items)) return []
  return items
    .map((item) => (item as { id?: unknown })?.id)
    .filter((id): id is string => typeof id === 'string')
}
