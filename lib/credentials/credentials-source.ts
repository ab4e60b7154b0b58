/** Where the Atlas credentials come from: fixed (environment) or a Secrets Manager secret. */
import { type AtlasCredentials, parseAtlasSecret } from './atlas-credentials.ts'
import type { SecretReader } from './secret-cache.ts'

export interface CredentialsSource {
  /** The credentials to sign with; may come from a cache. */
  current(): Promise<AtlasCredentials>
  /** Reads them again past any cache, after Atlas rejected them (they may have been rotated). */
  reload?(): Promise<AtlasCredentials>
}

export function fixedCredentials(key: AtlasCredentials): CredentialsSource {
  return { current: async () => key }
}

/** The credentials in a Secrets Manager secret (an API key pair or a service account). */
export function secretCredentials(
  secrets: SecretReader,
  secretId: string,
  setting = 'ATLAS_SECRET_ID',
): CredentialsSource {
  let last: { text: string; key: AtlasCredentials } | undefined
  const parse = (text: string): AtlasCredentials => {
    if (last?.text !== text) last = { text, key: parseAtlasSecret(text, setting) }
    return last.key
  }
  return {
    current: async () => parse(await secrets.read(secretId, setting)),
    reload: async () => parse(await secrets.read(secretId, setting, { fresh: true })),
  }
}
