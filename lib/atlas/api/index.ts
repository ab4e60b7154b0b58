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
export { normalizeUsername, type Username } from './username.ts'
