import { describe, expect, it } from 'vitest'
import { parseDigestChallenge } from '../../../../lib/atlas/auth/digest/challenge.ts'

const ATLAS =
  'Digest realm="MMS Public API", domain="", nonce="669gyxpgL6MGDuSZvQ80Spv3k+Jc99ed", algorithm=MD5, qop="auth", stale=false'

describe('parseDigestChallenge', () => {
  it('reads the challenge Atlas sends, as recorded', () => {
    expect(parseDigestChallenge(ATLAS)).toEqual({
      realm: 'MMS Public API',
      nonce: '669gyxpgL6MGDuSZvQ80Spv3k+Jc99ed',
      algorithm: 'MD5',
      qop: 'auth',
      opaque: undefined,
      stale: false,
      userhash: false,
    })
  })

  it('accepts parameters quoted or not, in any order, with unknown ones ignored', () => {
    const challenge = parseDigestChallenge(
      'Digest stale=TRUE, foo="bar", nonce=abc+/def==, qop=auth, charset=UTF-8, realm=example, algorithm="sha-256"',
    )
    expect(challenge).toMatchObject({
      realm: 'example',
      nonce: 'abc+/def==',
      algorithm: 'SHA-256',
      qop: 'auth',
      stale: true,
    })
  })

  it('keeps +, / and = in quoted nonces and unescapes quoted-pairs', () => {
    expect(parseDigestChallenge('Digest realm="a \\"b\\"", nonce="+/==+/"')).toMatchObject({
      realm: 'a "b"',
      nonce: '+/==+/',
    })
  })

  it('defaults to MD5 and the legacy no-qop form when the server names neither', () => {
    expect(parseDigestChallenge('Digest realm="r", nonce="n"')).toMatchObject({
      algorithm: 'MD5',
      qop: undefined,
    })
  })

  it('knows all four RFC 7616 algorithms, case-insensitively', () => {
    for (const [given, expected] of [
      ['md5', 'MD5'],
      ['MD5-SESS', 'MD5-sess'],
      ['SHA-256', 'SHA-256'],
      ['sha-256-sess', 'SHA-256-sess'],
    ]) {
      expect(parseDigestChallenge(`Digest nonce="n", algorithm=${given}`)?.algorithm).toBe(expected)
    }
  })

  it('picks auth out of a qop list and refuses a challenge offering only auth-int', () => {
    expect(parseDigestChallenge('Digest nonce="n", qop="auth-int, auth"')?.qop).toBe('auth')
    expect(parseDigestChallenge('Digest nonce="n", qop="auth-int"')).toBeUndefined()
  })

  it('echoes opaque and reads userhash', () => {
    expect(
      parseDigestChallenge('Digest nonce="n", opaque="FQhe/qaU925k", userhash=true'),
    ).toMatchObject({
      opaque: 'FQhe/qaU925k',
      userhash: true,
    })
  })

  it('finds Digest among several challenges and takes the first one it can answer', () => {
    const header =
      'Basic realm="x", Digest realm="r", nonce="n1", algorithm=SHA-512-256, Digest realm="r", nonce="n2", algorithm=SHA-256, Digest realm="r", nonce="n3"'
    expect(parseDigestChallenge(header)).toMatchObject({ nonce: 'n2', algorithm: 'SHA-256' })
    expect(parseDigestChallenge(['Negotiate abc==', ATLAS])?.nonce).toBe(
      '669gyxpgL6MGDuSZvQ80Spv3k+Jc99ed',
    )
  })

  it('returns undefined for headers that hold no usable Digest challenge', () => {
    for (const header of [
      undefined,
      '',
      'Basic realm="x"',
      'Digest realm="r"',
      'Digest nonce="n", algorithm=SHA-1',
      '"""',
      ',,,',
      '=',
      'Digest nonce',
    ]) {
      expect(parseDigestChallenge(header)).toBeUndefined()
    }
  })
})
