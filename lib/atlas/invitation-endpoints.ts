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
