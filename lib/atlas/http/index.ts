/** How an Atlas call travels: the face the other rooms and the triggers import. */
export { atlasOrigin } from './base-url.ts'
export { AtlasClient } from './client.ts'
export { type DeprecationNotice, firstNoticeOnly } from './deprecation-notice.ts'
export { createAtlasDispatcher } from './dispatcher.ts'
export { rateLimitScope } from './rate-limit-pacing.ts'
export { parseRetryAfter } from './retry-policy.ts'
export { type AtlasDependencies, AtlasSession, type CallResult, type CallShape } from './session.ts'
