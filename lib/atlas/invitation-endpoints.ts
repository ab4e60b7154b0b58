/** Request shapes for the Atlas organization invitation endpoints, v1.0 and v2. */
import type { InvitationRef } from '../revoke/invitation-ref.ts'
import { V2_INVITATIONS_ACCEPT } from './atlas-api.ts'
import type { AtlasCall } from './atlas-client.ts'

export interface ResponseFormat {
  /** `pretty=true`: Atlas indents the JSON it returns. */
  readonly pretty?: boolean
  /** `envelope=true`: Atlas answers 200 with `{status, content}` in the body. */
  readonly envelope?: boolean
}

export type CallShape = Pick<AtlasCall, 'method' | 'path' | 'query' | 'accept'>

export function formatQuery(format: ResponseFormat): Record<string, string | undefined> {
  return {
    pretty: format.pretty ? 'true' : undefined,
    envelope: format.envelope ? 'true' : undefined,
  }
}

function invitesPath(api: 'v1' | 'v2', orgId: string): string {
  return `/api/atlas/${api === 'v1' ? 'v1.0' : 'v2'}/orgs/${encodeURIComponent(orgId)}/invites`
}

function accept(api: 'v1' | 'v2'): { accept?: string } {
  return api === 'v2' ? { accept: V2_INVITATIONS_ACCEPT } : {}
}

/** `DELETE /api/atlas/{v1.0|v2}/orgs/{orgId}/invites/{invitationId}` (not `/invitations/`). */
export function deleteInvitationCall(
  api: 'v1' | 'v2',
  ref: InvitationRef,
  format: ResponseFormat,
): CallShape {
  return {
    method: 'DELETE',
    path: `${invitesPath(api, ref.orgId)}/${encodeURIComponent(ref.invitationId)}`,
    query: formatQuery(format),
    ...accept(api),
  }
}

/** `GET …/orgs/{orgId}/invites?username=…`: the org's pending invitations for one user. */
export function listInvitationsCall(
  api: 'v1' | 'v2',
  orgId: string,
  username: string,
  format: ResponseFormat,
): CallShape {
  return {
    method: 'GET',
    path: invitesPath(api, orgId),
    query: { username, ...formatQuery(format) },
    ...accept(api),
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
