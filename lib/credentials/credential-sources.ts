/**
 * Where the Atlas credentials come from: the Secrets Manager secret (an API key pair or a
 * service account, re-read after Atlas rejects them) or the environment. Errors name the
 * setting and the field, never a value.
 */
import { ConfigurationError } from '../errors.ts'
import { AtlasApiKey, type AtlasCredentials, ServiceAccount } from './credential-types.ts'
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

const SHAPES =
  '{"publicKey": "...", "privateKey": "..."} or {"clientId": "...", "clientSecret": "..."}'

/**
 * Reads the SecretString: an API key pair `{"publicKey","privateKey"}`, or a service account
 * `{"clientId","clientSecret"}`.
 */
export function parseAtlasSecret(secretString: string, setting: string): AtlasCredentials {
  let value: unknown
  try {
    value = JSON.parse(secretString)
  } catch {
    throw new ConfigurationError(setting, `secret is not JSON: expected ${SHAPES}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigurationError(setting, `secret must be a JSON object: ${SHAPES}`)
  }
  const fields = value as Record<string, unknown>
  if ('clientId' in fields || 'clientSecret' in fields) {
    return new ServiceAccount(
      text(fields.clientId, setting, 'clientId'),
      text(fields.clientSecret, setting, 'clientSecret'),
    )
  }
  return new AtlasApiKey(
    text(fields.publicKey, setting, 'publicKey'),
    text(fields.privateKey, setting, 'privateKey'),
  )
}

function text(value: unknown, setting: string, field: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new ConfigurationError(setting, `secret has no ${field} string`)
  return value.trim()
}

type Environment = Readonly<Record<string, string | undefined>>

const PAIRS = [
  ['ATLAS_PUBLIC_KEY', 'ATLAS_PRIVATE_KEY', (a: string, b: string) => new AtlasApiKey(a, b)],
  [
    'MONGODB_ATLAS_PUBLIC_API_KEY',
    'MONGODB_ATLAS_PRIVATE_API_KEY',
    (a: string, b: string) => new AtlasApiKey(a, b),
  ],
  ['ATLAS_CLIENT_ID', 'ATLAS_CLIENT_SECRET', (a: string, b: string) => new ServiceAccount(a, b)],
  [
    'MONGODB_ATLAS_CLIENT_ID',
    'MONGODB_ATLAS_CLIENT_SECRET',
    (a: string, b: string) => new ServiceAccount(a, b),
  ],
] as const

/**
 * Credentials from the environment, first complete pair wins: `ATLAS_PUBLIC_KEY` +
 * `ATLAS_PRIVATE_KEY`, the Atlas CLI's `MONGODB_ATLAS_PUBLIC_API_KEY` +
 * `MONGODB_ATLAS_PRIVATE_API_KEY`, then service accounts (`ATLAS_CLIENT_ID` +
 * `ATLAS_CLIENT_SECRET`, `MONGODB_ATLAS_CLIENT_ID` + `MONGODB_ATLAS_CLIENT_SECRET`).
 * `undefined` when none is set; half a pair is a configuration error.
 */
export function environmentCredentials(env: Environment): AtlasCredentials | undefined {
  for (const [firstName, secondName, build] of PAIRS) {
    const first = env[firstName]?.trim()
    const second = env[secondName]?.trim()
    if (first && second) return build(first, second)
    if (first) throw new ConfigurationError(secondName, `is not set but ${firstName} is`)
    if (second) throw new ConfigurationError(firstName, `is not set but ${secondName} is`)
  }
  return undefined
}
