/** Where the Atlas key pair comes from: fixed (environment) or a Secrets Manager secret. */
import { ConfigurationError } from '../errors.ts'
import { AtlasApiKey, parseAtlasApiKeySecret } from './atlas-api-key.ts'
import type { SecretReader } from './secret-cache.ts'

export interface CredentialsSource {
  /** The key to sign with; may come from a cache. */
  current(): Promise<AtlasApiKey>
  /** Reads the key again past any cache, after Atlas rejected it (it may have been rotated). */
  reload?(): Promise<AtlasApiKey>
}

export function fixedCredentials(key: AtlasApiKey): CredentialsSource {
  return { current: async () => key }
}

/** The key pair in a Secrets Manager secret `{"publicKey","privateKey"}`. */
export function secretCredentials(
  secrets: SecretReader,
  secretId: string,
  setting = 'ATLAS_SECRET_ID',
): CredentialsSource {
  let last: { text: string; key: AtlasApiKey } | undefined
  const parse = (text: string): AtlasApiKey => {
    if (last?.text !== text) last = { text, key: parseAtlasApiKeySecret(text, setting) }
    return last.key
  }
  return {
    current: async () => parse(await secrets.read(secretId, setting)),
    reload: async () => parse(await secrets.read(secretId, setting, { fresh: true })),
  }
}

type Environment = Readonly<Record<string, string | undefined>>

const KEY_VARIABLES = [
  ['ATLAS_PUBLIC_KEY', 'ATLAS_PRIVATE_KEY'],
  ['MONGODB_ATLAS_PUBLIC_API_KEY', 'MONGODB_ATLAS_PRIVATE_API_KEY'],
] as const

/**
 * The key pair from `ATLAS_PUBLIC_KEY`/`ATLAS_PRIVATE_KEY`, else the Atlas CLI's
 * `MONGODB_ATLAS_PUBLIC_API_KEY`/`MONGODB_ATLAS_PRIVATE_API_KEY`; `undefined` when neither
 * pair is set. Half a pair is a configuration error.
 */
export function environmentApiKey(env: Environment): AtlasApiKey | undefined {
  for (const [publicName, privateName] of KEY_VARIABLES) {
    const publicKey = env[publicName]?.trim()
    const privateKey = env[privateName]?.trim()
    if (publicKey && privateKey) return new AtlasApiKey(publicKey, privateKey)
    if (publicKey) throw new ConfigurationError(privateName, `is not set but ${publicName} is`)
    if (privateKey) throw new ConfigurationError(publicName, `is not set but ${privateName} is`)
  }
  return undefined
}
