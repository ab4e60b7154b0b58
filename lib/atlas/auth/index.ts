/** HTTP Digest and service-account tokens: the face the other rooms import. */
export { AccessTokens, TOKEN_PATH, TokenRefusedError } from './access-tokens.ts'
export { parseAuthHeader } from './digest/auth-header.ts'
export { parseDigestChallenge } from './digest/challenge.ts'
export { type DigestDispatchOptions, digestAuth } from './digest/digest-interceptor.ts'
export { digestAuthorization, digestResponse } from './digest/response.ts'
