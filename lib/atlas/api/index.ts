/** What Atlas answers mean: the face the use case and the triggers import. */
export type { AtlasAdapter, Revocation, Scope } from './adapter.ts'
export { type AtlasApi, atlasAdapter, parseAtlasApi } from './api-mode.ts'
export { goneAsRecorded, sumOfProvenParts } from './evidence.ts'
export {
  ATLAS_ID_PATTERN,
  ATLAS_ID_RULE,
  atlasId,
  type InvitationRef,
  invitationRef,
} from './invitation-ref.ts'
export { isCaller, type MemberPolicy, memberVerdict, ORG_OWNER } from './member-guardrails.ts'
export { type MemberSearch, type MemberSettings, offboardMembers } from './offboard-members.ts'
export type { OrgMember } from './org-members.ts'
export {
  emailAddress,
  MAX_USERNAME_LENGTH,
  normalizeUsername,
  type Username,
} from './username.ts'
