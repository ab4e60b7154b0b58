import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { AtlasApiKey, parseAtlasApiKeySecret } from '../../lib/credentials/atlas-api-key.ts'
import { environmentApiKey, secretCredentials } from '../../lib/credentials/credentials-source.ts'
import type { SecretReader } from '../../lib/credentials/secret-cache.ts'

const PRIVATE = 'a1b2c3d4-private-e5f6'

describe('AtlasApiKey', () => {
  it('keeps the private key out of JSON, inspection and string conversion', () => {
    const key = new AtlasApiKey('abcdefgh', PRIVATE)
    expect(key.privateKey).toBe(PRIVATE)
    for (const rendered of [
      JSON.stringify(key),
      inspect(key),
      `${key}`,
      JSON.stringify({ nested: { key } }),
    ]) {
      expect(rendered).toContain('abcdefgh')
      expect(rendered).not.toContain(PRIVATE)
    }
  })
})

describe('parseAtlasApiKeySecret', () => {
  it('reads {"publicKey","privateKey"}', () => {
    const key = parseAtlasApiKeySecret(
      JSON.stringify({ publicKey: 'abcdefgh', privateKey: PRIVATE }),
      'ATLAS_SECRET_ID',
    )
    expect([key.publicKey, key.privateKey]).toEqual(['abcdefgh', PRIVATE])
  })

  it.each([
    [`not json ${PRIVATE}`, 'ATLAS_SECRET_ID secret is not JSON'],
    [JSON.stringify([PRIVATE]), 'ATLAS_SECRET_ID secret must be a JSON object'],
    [JSON.stringify({ privateKey: PRIVATE }), 'ATLAS_SECRET_ID secret has no publicKey string'],
    [
      JSON.stringify({ publicKey: 'abcdefgh', private_key: PRIVATE }),
      'ATLAS_SECRET_ID secret has no privateKey string',
    ],
  ])('refuses a malformed secret without echoing it: %s', (text, message) => {
    let error: Error | undefined
    try {
      parseAtlasApiKeySecret(text, 'ATLAS_SECRET_ID')
    } catch (caught) {
      error = caught as Error
    }
    expect(error?.message).toContain(message)
    expect(error?.message).not.toContain(PRIVATE)
    expect(inspect(error)).not.toContain(PRIVATE)
  })
})

describe('environmentApiKey', () => {
  it('prefers ATLAS_* and falls back to the Atlas CLI variables', () => {
    expect(
      environmentApiKey({
        ATLAS_PUBLIC_KEY: 'a',
        ATLAS_PRIVATE_KEY: 'b',
        MONGODB_ATLAS_PUBLIC_API_KEY: 'c',
        MONGODB_ATLAS_PRIVATE_API_KEY: 'd',
      })?.publicKey,
    ).toBe('a')
    expect(
      environmentApiKey({ MONGODB_ATLAS_PUBLIC_API_KEY: 'c', MONGODB_ATLAS_PRIVATE_API_KEY: 'd' })
        ?.publicKey,
    ).toBe('c')
    expect(environmentApiKey({})).toBeUndefined()
  })

  it('names the missing half of a pair', () => {
    expect(() => environmentApiKey({ ATLAS_PUBLIC_KEY: 'a' })).toThrow(
      'ATLAS_PRIVATE_KEY is not set but ATLAS_PUBLIC_KEY is',
    )
    expect(() => environmentApiKey({ MONGODB_ATLAS_PRIVATE_API_KEY: 'x' })).toThrow(
      'MONGODB_ATLAS_PUBLIC_API_KEY is not set but MONGODB_ATLAS_PRIVATE_API_KEY is',
    )
  })
})

describe('secretCredentials', () => {
  it('parses the current secret and re-reads it fresh on reload', async () => {
    const reads: boolean[] = []
    let value = JSON.stringify({ publicKey: 'oldkeyaa', privateKey: 'p1' })
    const reader: SecretReader = {
      read: async (_id, _setting, options) => {
        reads.push(options?.fresh === true)
        return value
      },
    }
    const source = secretCredentials(reader, 'atlas/key')
    expect((await source.current()).publicKey).toBe('oldkeyaa')
    value = JSON.stringify({ publicKey: 'newkeybb', privateKey: 'p2' })
    expect((await source.reload?.())?.publicKey).toBe('newkeybb')
    expect(reads).toEqual([false, true])
  })
})
