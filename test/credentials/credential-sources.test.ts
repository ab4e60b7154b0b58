import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import {
  environmentCredentials,
  parseAtlasSecret,
  secretCredentials,
} from '../../lib/credentials/credential-sources.ts'
import { AtlasApiKey, ServiceAccount } from '../../lib/credentials/credential-types.ts'
import type { SecretReader } from '../../lib/credentials/secret-cache.ts'

const PRIVATE = 'a1b2c3d4-private-e5f6'

describe('AtlasApiKey and ServiceAccount', () => {
  it.each([
    ['AtlasApiKey', new AtlasApiKey('abcdefgh', PRIVATE), 'abcdefgh'],
    ['ServiceAccount', new ServiceAccount('mdb_sa_id_abcdefgh', PRIVATE), 'mdb_sa_id_abcdefgh'],
  ])(
    '%s keeps its secret out of JSON, inspection and string conversion',
    (_name, credentials, id) => {
      for (const rendered of [
        JSON.stringify(credentials),
        inspect(credentials),
        `${credentials}`,
        JSON.stringify({ nested: { credentials } }),
      ]) {
        expect(rendered).toContain(id)
        expect(rendered).not.toContain(PRIVATE)
      }
    },
  )

  it('tells equal credentials apart from rotated ones and from the other kind', () => {
    const key = new AtlasApiKey('abcdefgh', PRIVATE)
    expect(key.sameAs(new AtlasApiKey('abcdefgh', PRIVATE))).toBe(true)
    expect(key.sameAs(new AtlasApiKey('abcdefgh', 'rotated'))).toBe(false)
    expect(key.sameAs(new ServiceAccount('abcdefgh', PRIVATE))).toBe(false)
    expect(new ServiceAccount('id', PRIVATE).sameAs(new ServiceAccount('id', PRIVATE))).toBe(true)
  })
})

describe('parseAtlasSecret', () => {
  it('reads {"publicKey","privateKey"} as an API key and {"clientId","clientSecret"} as a service account', () => {
    const key = parseAtlasSecret(
      JSON.stringify({ publicKey: 'abcdefgh', privateKey: PRIVATE }),
      'ATLAS_SECRET_ID',
    )
    expect(key.sameAs(new AtlasApiKey('abcdefgh', PRIVATE))).toBe(true)
    const account = parseAtlasSecret(
      JSON.stringify({ clientId: 'mdb_sa_id_1', clientSecret: PRIVATE }),
      'ATLAS_SECRET_ID',
    )
    expect(account.sameAs(new ServiceAccount('mdb_sa_id_1', PRIVATE))).toBe(true)
  })

  it.each([
    [`not json ${PRIVATE}`, 'ATLAS_SECRET_ID secret is not JSON'],
    [JSON.stringify([PRIVATE]), 'ATLAS_SECRET_ID secret must be a JSON object'],
    [JSON.stringify({ privateKey: PRIVATE }), 'ATLAS_SECRET_ID secret has no publicKey string'],
    [
      JSON.stringify({ publicKey: 'abcdefgh', private_key: PRIVATE }),
      'ATLAS_SECRET_ID secret has no privateKey string',
    ],
    [
      JSON.stringify({ clientId: 'mdb_sa_id_1', client_secret: PRIVATE }),
      'ATLAS_SECRET_ID secret has no clientSecret string',
    ],
  ])('refuses a malformed secret without echoing it: %s', (text, message) => {
    let error: Error | undefined
    try {
      parseAtlasSecret(text, 'ATLAS_SECRET_ID')
    } catch (caught) {
      error = caught as Error
    }
    expect(error?.message).toContain(message)
    expect(error?.message).not.toContain(PRIVATE)
    expect(inspect(error)).not.toContain(PRIVATE)
  })
})

describe('environmentCredentials', () => {
  it('prefers ATLAS_* and falls back to the Atlas CLI variables', () => {
    const both = {
      ATLAS_PUBLIC_KEY: 'a',
      ATLAS_PRIVATE_KEY: 'b',
      MONGODB_ATLAS_PUBLIC_API_KEY: 'c',
      MONGODB_ATLAS_PRIVATE_API_KEY: 'd',
    }
    expect(String(environmentCredentials(both))).toBe('AtlasApiKey(a)')
    expect(
      String(
        environmentCredentials({
          MONGODB_ATLAS_PUBLIC_API_KEY: 'c',
          MONGODB_ATLAS_PRIVATE_API_KEY: 'd',
        }),
      ),
    ).toBe('AtlasApiKey(c)')
    expect(environmentCredentials({})).toBeUndefined()
  })

  it('reads service accounts from ATLAS_CLIENT_* or the Atlas CLI variables', () => {
    expect(
      environmentCredentials({ ATLAS_CLIENT_ID: 'mdb_sa_id_1', ATLAS_CLIENT_SECRET: 's' }),
    ).toBeInstanceOf(ServiceAccount)
    expect(
      environmentCredentials({
        MONGODB_ATLAS_CLIENT_ID: 'mdb_sa_id_2',
        MONGODB_ATLAS_CLIENT_SECRET: 's',
      }),
    ).toBeInstanceOf(ServiceAccount)
  })

  it('names the missing half of a pair', () => {
    expect(() => environmentCredentials({ ATLAS_PUBLIC_KEY: 'a' })).toThrow(
      'ATLAS_PRIVATE_KEY is not set but ATLAS_PUBLIC_KEY is',
    )
    expect(() => environmentCredentials({ MONGODB_ATLAS_PRIVATE_API_KEY: 'x' })).toThrow(
      'MONGODB_ATLAS_PUBLIC_API_KEY is not set but MONGODB_ATLAS_PRIVATE_API_KEY is',
    )
    expect(() => environmentCredentials({ MONGODB_ATLAS_CLIENT_ID: 'x' })).toThrow(
      'MONGODB_ATLAS_CLIENT_SECRET is not set but MONGODB_ATLAS_CLIENT_ID is',
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
    expect(String(await source.current())).toBe('AtlasApiKey(oldkeyaa)')
    value = JSON.stringify({ clientId: 'mdb_sa_id_new', clientSecret: 'p2' })
    expect(String(await source.reload?.())).toBe('ServiceAccount(mdb_sa_id_new)')
    expect(reads).toEqual([false, true])
  })
})
