/**
 * Parsing of `WWW-Authenticate` headers into Digest challenges (RFC 7235 §4.1, RFC 7616 §3.3).
 * Pure: no I/O, no clock, no randomness.
 */
import { parseAuthHeader } from './auth-header.ts'

export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess'

export interface DigestChallenge {
  readonly realm: string
  readonly nonce: string
  readonly algorithm: DigestAlgorithm
  /** `auth` when the server offers it; `undefined` selects the RFC 2069/2617 no-qop form. */
  readonly qop: 'auth' | undefined
  readonly opaque: string | undefined
  readonly stale: boolean
  readonly userhash: boolean
}

const ALGORITHMS: ReadonlyMap<string, DigestAlgorithm> = new Map([
  ['md5', 'MD5'],
  ['md5-sess', 'MD5-sess'],
  ['sha-256', 'SHA-256'],
  ['sha-256-sess', 'SHA-256-sess'],
])

/**
 * Returns the first Digest challenge we can answer, or `undefined` when the header holds none
 * (no Digest scheme, no nonce, an unknown algorithm, or a qop list without `auth`).
 *
 * @example
 * parseDigestChallenge('Digest realm="MMS Public API", nonce="a+b/c=", algorithm=MD5, qop="auth"')
 * // → { realm: 'MMS Public API', nonce: 'a+b/c=', algorithm: 'MD5', qop: 'auth', stale: false, ... }
 */
export function parseDigestChallenge(
  header: string | readonly string[] | undefined,
): DigestChallenge | undefined {
  if (header === undefined) return undefined
  const headers = typeof header === 'string' ? [header] : header
  for (const value of headers) {
    for (const raw of parseAuthHeader(value)) {
      if (raw.scheme.toLowerCase() !== 'digest') continue
      const challenge = toDigestChallenge(raw.params)
      if (challenge) return challenge
    }
  }
  return undefined
}

function toDigestChallenge(params: Map<string, string>): DigestChallenge | undefined {
  const nonce = params.get('nonce')
  if (!nonce) return undefined
  const algorithm = ALGORITHMS.get((params.get('algorithm') ?? 'MD5').toLowerCase())
  if (!algorithm) return undefined
  const qopOptions = params.get('qop')
  let qop: 'auth' | undefined
  if (qopOptions !== undefined) {
    const offered = qopOptions.split(',').map((option) => option.trim().toLowerCase())
    if (!offered.includes('auth')) return undefined
    qop = 'auth'
  }
  return {
    realm: params.get('realm') ?? '',
    nonce,
    algorithm,
    qop,
    opaque: params.get('opaque'),
    stale: params.get('stale')?.toLowerCase() === 'true',
    userhash: params.get('userhash')?.toLowerCase() === 'true',
  }
}
