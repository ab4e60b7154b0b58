/**
 * Checks a request's `Authorization: Digest …` the way Atlas does: realm `MMS Public API`,
 * MD5, qop `auth`, a nonce we issued and have not expired, a nonce count not seen before.
 */
import { timingSafeEqual } from 'node:crypto'
import { digestResponse, parseAuthHeader } from '../../lib/atlas/auth/index.ts'
import type { NonceRegistry, NonceReuse } from './nonce-registry.ts'
import type { SimulatedApiKey } from './principal-registry.ts'

export const ATLAS_REALM = 'MMS Public API'

export type DigestVerdict =
  | { readonly kind: 'authenticated'; readonly key: SimulatedApiKey }
  | {
      readonly kind: 'rejected'
      readonly stale: boolean
      readonly reason: string
      /** The nonce the refused request answered, when the refusal was of its reuse. */
      readonly reusedNonce?: string
    }

export interface DigestRequest {
  readonly authorization: string | undefined
  readonly method: string
  /** The request-target exactly as received. */
  readonly target: string
}

export function verifyDigest(
  request: DigestRequest,
  apiKey: (publicKey: string) => SimulatedApiKey | undefined,
  nonces: NonceRegistry,
  reuse: NonceReuse = 'accepted',
): DigestVerdict {
  const reject = (reason: string, stale = false): Extract<DigestVerdict, { kind: 'rejected' }> => ({
    kind: 'rejected',
    stale,
    reason,
  })
  const digest = parseAuthHeader(request.authorization ?? '').find(
    (scheme) => scheme.scheme.toLowerCase() === 'digest',
  )
  if (!digest) return reject('no digest credentials')
  const param = (name: string) => digest.params.get(name) ?? ''
  if (param('realm') !== ATLAS_REALM) return reject('wrong realm')
  if (param('uri') !== request.target) return reject('uri does not match the request-target')
  if ((digest.params.get('algorithm') ?? 'MD5').toUpperCase() !== 'MD5') return reject('algorithm')
  if (param('qop') !== 'auth' || !param('cnonce') || !/^[0-9a-f]{8}$/i.test(param('nc'))) {
    return reject('qop=auth with nc and cnonce is required')
  }
  const key = apiKey(param('username'))
  if (!key) return reject('unknown public key')
  const expected = digestResponse({
    algorithm: 'MD5',
    username: key.publicKey,
    password: key.privateKey,
    realm: ATLAS_REALM,
    nonce: param('nonce'),
    method: request.method,
    uri: request.target,
    qop: 'auth',
    nc: param('nc').toLowerCase(),
    cnonce: param('cnonce'),
  })
  if (!sameText(expected, param('response').toLowerCase())) return reject('wrong response')
  switch (nonces.check(param('nonce'), Number.parseInt(param('nc'), 16), key.publicKey, reuse)) {
    case 'fresh':
      return { kind: 'authenticated', key }
    case 'expired':
      return reject('nonce expired', true)
    case 'replayed':
      return reject('nonce count replayed')
    case 'reuseRefused':
      return { ...reject('nonce reuse refused'), reusedNonce: param('nonce') }
    case 'unknown':
      return reject('nonce not issued here')
  }
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}
