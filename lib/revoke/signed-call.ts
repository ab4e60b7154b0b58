/**
 * One Atlas call signed with the current key, re-signed once with a re-read key when Atlas
 * answers 401 (the key may have been rotated since it was cached). Network failures become
 * an `upstream_error` outcome rather than an exception.
 */
import type { AtlasCall, AtlasClient, AtlasResponse } from '../atlas/atlas-client.ts'
import { RequestFailedError } from '../atlas/buffered-dispatch.ts'
import { type Outcome, outcomeOfFailure, unwrapEnvelope } from '../atlas/outcome.ts'
import type { AtlasCredentials } from '../credentials/atlas-credentials.ts'
import type { CredentialsSource } from '../credentials/credentials-source.ts'

export interface RevokeDependencies {
  readonly atlas: AtlasClient
  readonly credentials: CredentialsSource
}

export type SignedCallResult =
  | { readonly kind: 'answered'; readonly response: AtlasResponse; readonly attempts: number }
  | { readonly kind: 'failed'; readonly outcome: Outcome; readonly attempts: number }

export async function signedCall(
  dependencies: RevokeDependencies,
  call: Omit<AtlasCall, 'credentials'>,
  envelope: boolean,
): Promise<SignedCallResult> {
  const { atlas, credentials } = dependencies
  const send = async (key: AtlasCredentials): Promise<SignedCallResult> => {
    try {
      const response = await atlas.send({ ...call, credentials: key })
      return { kind: 'answered', response, attempts: response.attempts }
    } catch (error) {
      if (!(error instanceof RequestFailedError)) throw error
      return {
        kind: 'failed',
        outcome: outcomeOfFailure(error.code, error.message),
        attempts: error.attempts,
      }
    }
  }
  const key = await credentials.current()
  const first = await send(key)
  if (first.kind !== 'answered' || unwrapEnvelope({ ...first.response, envelope }).status !== 401)
    return first
  if (!credentials.reload) return first
  const reloaded = await credentials.reload()
  if (reloaded.sameAs(key)) return first
  const second = await send(reloaded)
  return { ...second, attempts: first.attempts + second.attempts }
}
