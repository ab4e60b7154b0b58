/**
 * The Digest response computation (RFC 7616 §3.4.1, RFC 2617 §3.2.2) and the `Authorization`
 * header it goes into. Pure: the caller supplies the cnonce and nonce count.
 */
import { createHash } from 'node:crypto'
import type { DigestAlgorithm } from './challenge.ts'

export interface DigestResponseInput {
  readonly algorithm: DigestAlgorithm
  readonly username: string
  readonly password: string
  readonly realm: string
  readonly nonce: string
  readonly method: string
  /** The exact request-target, query string included. */
  readonly uri: string
  /** `undefined` selects the legacy form without qop, nc and cnonce. */
  readonly qop: 'auth' | undefined
  /** Eight hex digits, e.g. `00000001`. */
  readonly nc: string
  readonly cnonce: string
}

export interface AuthorizationFields extends DigestResponseInput {
  readonly opaque: string | undefined
  readonly userhash: boolean
}

/**
 * Computes the `response` value of a Digest `Authorization` header.
 *
 * @example
 * digestResponse({ algorithm: 'MD5', username: 'Mufasa', password: 'Circle of Life',
 *   realm: 'http-auth@example.org', nonce, method: 'GET', uri: '/dir/index.html',
 *   qop: 'auth', nc: '00000001', cnonce }) // → '8ca523f5e9506fed4657c9700eebdbec'
 */
export function digestResponse(input: DigestResponseInput): string {
  const hash = hasher(input.algorithm)
  let ha1 = hash(`${input.username}:${input.realm}:${input.password}`)
  if (input.algorithm.endsWith('-sess')) ha1 = hash(`${ha1}:${input.nonce}:${input.cnonce}`)
  const ha2 = hash(`${input.method}:${input.uri}`)
  return input.qop === undefined
    ? hash(`${ha1}:${input.nonce}:${ha2}`)
    : hash(`${ha1}:${input.nonce}:${input.nc}:${input.cnonce}:${input.qop}:${ha2}`)
}

/** Builds the whole `Authorization: Digest …` header value. */
export function digestAuthorization(fields: AuthorizationFields): string {
  const hash = hasher(fields.algorithm)
  const username = fields.userhash ? hash(`${fields.username}:${fields.realm}`) : fields.username
  const parts = [
    `username=${quote(username)}`,
    `realm=${quote(fields.realm)}`,
    `nonce=${quote(fields.nonce)}`,
    `uri=${quote(fields.uri)}`,
    `algorithm=${fields.algorithm}`,
    `response=${quote(digestResponse(fields))}`,
  ]
  if (fields.qop !== undefined) {
    parts.push(`qop=${fields.qop}`, `nc=${fields.nc}`, `cnonce=${quote(fields.cnonce)}`)
  }
  if (fields.opaque !== undefined) parts.push(`opaque=${quote(fields.opaque)}`)
  if (fields.userhash) parts.push('userhash=true')
  return `Digest ${parts.join(', ')}`
}

/** Formats a nonce count as the eight lowercase hex digits the `nc` parameter wants. */
export function formatNonceCount(count: number): string {
  return count.toString(16).padStart(8, '0')
}

function hasher(algorithm: DigestAlgorithm): (data: string) => string {
  const name = algorithm.startsWith('SHA-256') ? 'sha256' : 'md5'
  return (data) => createHash(name).update(data, 'utf8').digest('hex')
}

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`
}
