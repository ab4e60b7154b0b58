/**
 * A cold start's first Atlas request, made before the credentials are read: it opens the
 * process-wide connection to Atlas and brings back the Digest challenge, which the first signed
 * request then answers up front. Best effort: it never rejects, and a failure only means the
 * first signed request asks for its own challenge, as it always could.
 */

import type { DigestDispatchOptions } from '../auth/digest/digest-interceptor.ts'
import { dispatchBuffered } from '../transport/buffered-dispatch.ts'
import { sharedAtlasDispatcher } from './dispatcher.ts'
import type { DeadlineDispatchOptions } from './retry-policy.ts'

/**
 * Any API path answers an unsigned request with the challenge. A v1.0 one: MongoDB documents
 * its token-bucket rate limits for the v2 endpoints.
 */
export const CHALLENGE_PATH = '/api/atlas/v1.0/orgs'

/** Resolves true when Atlas answered with a Digest challenge. */
export async function prefetchDigestChallenge(origin: string, timeoutMs = 3_000): Promise<boolean> {
  const abort = new AbortController()
  const timer = setTimeout(() => abort.abort(), timeoutMs)
  try {
    const options: DigestDispatchOptions & DeadlineDispatchOptions = {
      origin,
      path: CHALLENGE_PATH,
      method: 'GET',
      headers: { accept: 'application/json' },
      digestChallengeOnly: true,
      deadline: Date.now() + timeoutMs,
    }
    const response = await dispatchBuffered(sharedAtlasDispatcher(origin), options, abort.signal)
    return (
      response.status === 401 && /^\s*digest\s/i.test(String(response.headers['www-authenticate']))
    )
  } catch {
    return false
  } finally {
    clearTimeout(timer)
  }
}
