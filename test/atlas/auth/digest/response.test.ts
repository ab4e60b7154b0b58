import { describe, expect, it } from 'vitest'
import { parseAuthHeader } from '../../../../lib/atlas/auth/digest/auth-header.ts'
import {
  digestAuthorization,
  digestResponse,
  formatNonceCount,
} from '../../../../lib/atlas/auth/digest/response.ts'

// RFC 7616 §3.9.1: the published example, for both algorithms.
const rfc7616 = {
  username: 'Mufasa',
  password: 'Circle of Life',
  realm: 'http-auth@example.org',
  method: 'GET',
  uri: '/dir/index.html',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  nc: '00000001',
  qop: 'auth' as const,
}

describe('digestResponse', () => {
  it('matches RFC 7616 §3.9.1 with MD5', () => {
    expect(digestResponse({ ...rfc7616, algorithm: 'MD5' })).toBe(
      '8ca523f5e9506fed4657c9700eebdbec',
    )
  })

  it('matches RFC 7616 §3.9.1 with SHA-256', () => {
    expect(digestResponse({ ...rfc7616, algorithm: 'SHA-256' })).toBe(
      '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    )
  })

  it('matches RFC 2617 §3.5', () => {
    expect(
      digestResponse({
        algorithm: 'MD5',
        username: 'Mufasa',
        password: 'Circle Of Life',
        realm: 'testrealm@host.com',
        method: 'GET',
        uri: '/dir/index.html',
        nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
        cnonce: '0a4f113b',
        nc: '00000001',
        qop: 'auth',
      }),
    ).toBe('6629fae49393a05397450978507c4ef1')
  })

  it('computes the legacy no-qop form as H(HA1:nonce:HA2) (RFC 2069)', () => {
    // HA1 = MD5("Mufasa:testrealm@host.com:Circle Of Life"), HA2 = MD5("GET:/dir/index.html")
    expect(
      digestResponse({
        algorithm: 'MD5',
        username: 'Mufasa',
        password: 'Circle Of Life',
        realm: 'testrealm@host.com',
        method: 'GET',
        uri: '/dir/index.html',
        nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
        cnonce: 'ignored',
        nc: '00000001',
        qop: undefined,
      }),
    ).toBe('670fd8c2df070c60b045671b8b24ff02')
  })

  it('hashes HA1 again with nonce and cnonce for the -sess algorithms', () => {
    const plain = digestResponse({ ...rfc7616, algorithm: 'SHA-256' })
    const sess = digestResponse({ ...rfc7616, algorithm: 'SHA-256-sess' })
    expect(sess).not.toBe(plain)
    expect(sess).toMatch(/^[0-9a-f]{64}$/)
    expect(digestResponse({ ...rfc7616, algorithm: 'MD5-sess' })).toMatch(/^[0-9a-f]{32}$/)
    // A different cnonce changes a -sess response through HA1 as well as the final hash.
    expect(digestResponse({ ...rfc7616, algorithm: 'MD5-sess', cnonce: 'other' })).not.toBe(
      digestResponse({ ...rfc7616, algorithm: 'MD5-sess' }),
    )
  })

  it('signs the uri exactly, query string included', () => {
    const bare = digestResponse({ ...rfc7616, algorithm: 'MD5', uri: '/a' })
    const withQuery = digestResponse({ ...rfc7616, algorithm: 'MD5', uri: '/a?envelope=true' })
    expect(withQuery).not.toBe(bare)
  })
})

describe('digestAuthorization', () => {
  const fields = { ...rfc7616, algorithm: 'MD5' as const, opaque: undefined, userhash: false }

  it('carries every field the server needs, response included', () => {
    const header = digestAuthorization(fields)
    const [parsed] = parseAuthHeader(header)
    expect(parsed?.scheme).toBe('Digest')
    expect(Object.fromEntries(parsed?.params ?? [])).toEqual({
      username: 'Mufasa',
      realm: 'http-auth@example.org',
      nonce: rfc7616.nonce,
      uri: '/dir/index.html',
      algorithm: 'MD5',
      response: '8ca523f5e9506fed4657c9700eebdbec',
      qop: 'auth',
      nc: '00000001',
      cnonce: rfc7616.cnonce,
    })
  })

  it('echoes opaque and leaves qop, nc and cnonce out of the legacy form', () => {
    const [parsed] = parseAuthHeader(
      digestAuthorization({
        ...fields,
        qop: undefined,
        opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
      }),
    )
    expect(parsed?.params.get('opaque')).toBe('FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS')
    expect(parsed?.params.has('qop')).toBe(false)
    expect(parsed?.params.has('nc')).toBe(false)
    expect(parsed?.params.has('cnonce')).toBe(false)
  })

  it('escapes quotes and backslashes in quoted values', () => {
    const [parsed] = parseAuthHeader(digestAuthorization({ ...fields, username: 'a"b\\c' }))
    expect(parsed?.params.get('username')).toBe('a"b\\c')
  })

  it('sends H(username:realm) when the server asked for userhash', () => {
    const [parsed] = parseAuthHeader(
      digestAuthorization({ ...fields, algorithm: 'SHA-256', userhash: true }),
    )
    // RFC 7616 §3.9.2 shows this construction; H = SHA-256 here.
    expect(parsed?.params.get('username')).toMatch(/^[0-9a-f]{64}$/)
    expect(parsed?.params.get('userhash')).toBe('true')
  })
})

describe('formatNonceCount', () => {
  it('writes eight lowercase hex digits', () => {
    expect(formatNonceCount(1)).toBe('00000001')
    expect(formatNonceCount(255)).toBe('000000ff')
  })
})
