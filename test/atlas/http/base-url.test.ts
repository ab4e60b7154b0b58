import { describe, expect, it } from 'vitest'
import { atlasOrigin, DEFAULT_ATLAS_BASE_URL } from '../../../lib/atlas/http/base-url.ts'

describe('atlasOrigin', () => {
  it('defaults to https://cloud.mongodb.com', () => {
    expect(atlasOrigin(undefined)).toBe(DEFAULT_ATLAS_BASE_URL)
    expect(atlasOrigin('  ')).toBe(DEFAULT_ATLAS_BASE_URL)
  })

  it('accepts https anywhere and plain http on loopback only', () => {
    expect(atlasOrigin('https://cloud-qa.mongodb.com/')).toBe('https://cloud-qa.mongodb.com')
    for (const local of [
      'http://127.0.0.1:8080',
      'http://localhost:1',
      'http://[::1]:9',
      'http://127.1.2.3',
    ]) {
      expect(atlasOrigin(local)).toBe(new URL(local).origin)
    }
  })

  it.each([
    ['http://cloud.mongodb.com', 'ATLAS_BASE_URL may use plain http only for a loopback host'],
    ['http://169.254.169.254', 'ATLAS_BASE_URL may use plain http only for a loopback host'],
    ['http://127.0.0.1.nip.io', 'ATLAS_BASE_URL may use plain http only for a loopback host'],
    ['ftp://x', 'ATLAS_BASE_URL must use https (got ftp)'],
    [
      'cloud.mongodb.com',
      'ATLAS_BASE_URL must be an absolute URL such as https://cloud.mongodb.com',
    ],
    ['https://u:p@cloud.mongodb.com', 'ATLAS_BASE_URL must not contain credentials'],
    [
      'https://cloud.mongodb.com/api',
      'ATLAS_BASE_URL must be an origin only (no path, query or fragment)',
    ],
    [
      'https://cloud.mongodb.com/?x=1',
      'ATLAS_BASE_URL must be an origin only (no path, query or fragment)',
    ],
  ])('refuses %s', (value, message) => {
    expect(() => atlasOrigin(value)).toThrow(message)
  })
})
