/** Where a cold start may connect before ATLAS_BASE_URL is validated, and whether it starts at all. */
import { describe, expect, it } from 'vitest'
import { DEFAULT_ATLAS_BASE_URL } from '../../lib/atlas/http/base-url.ts'
import {
  headStartWanted,
  LIKELY_ORIGIN,
  urlToConnectEarly,
} from '../../lib/triggers/early-connect-target.ts'

const ready = { ATLAS_SECRET_ID: 'atlas-key', ALLOWED_ORG_IDS: 'a0123456789abcdef012345a' }

describe('urlToConnectEarly', () => {
  it('is the default Atlas origin when ATLAS_BASE_URL is unset or blank', () => {
    expect(LIKELY_ORIGIN).toBe(DEFAULT_ATLAS_BASE_URL)
    expect(urlToConnectEarly(ready)).toBe(LIKELY_ORIGIN)
    expect(urlToConnectEarly({ ...ready, ATLAS_BASE_URL: '  ' })).toBe(LIKELY_ORIGIN)
  })

  it('takes any https URL (validation may still refuse it) and plain http to this machine only', () => {
    for (const url of [
      'https://cloud.mongodb.com',
      'HTTPS://atlas.example.com:8443/path',
      'http://127.0.0.1:8080',
      'http://localhost',
      'http://[::1]:9/',
    ])
      expect(urlToConnectEarly({ ...ready, ATLAS_BASE_URL: url }), url).toBe(url)
    for (const url of [
      'http://atlas.example.com',
      'http://127.0.0.1.example.com',
      'http://127.0.0.1:8080/api',
      'ftp://cloud.mongodb.com',
      'cloud.mongodb.com',
    ])
      expect(urlToConnectEarly({ ...ready, ATLAS_BASE_URL: url }), url).toBeUndefined()
  })

  it('is undefined, and no head start wanted, without a key or an organization scope', () => {
    expect(headStartWanted(ready)).toBe(true)
    for (const env of [
      { ALLOWED_ORG_IDS: ready.ALLOWED_ORG_IDS },
      { ATLAS_SECRET_ID: ready.ATLAS_SECRET_ID },
      { ...ready, ATLAS_SECRET_ID: ' ' },
      { ...ready, ALLOWED_ORG_IDS: '' },
    ]) {
      expect(headStartWanted(env)).toBe(false)
      expect(urlToConnectEarly(env)).toBeUndefined()
    }
  })
})
