import { isIP } from 'node:net'
import { ConfigurationError } from '../../errors.ts'

export const DEFAULT_ATLAS_BASE_URL = 'https://cloud.mongodb.com'

/**
 * Validates an Atlas base URL: `https` anywhere, plain `http` only on a loopback host (the local
 * simulator), no credentials, path, query or fragment. Returns the origin requests go to.
 *
 * @example
 * atlasOrigin(undefined)                  // → 'https://cloud.mongodb.com'
 * atlasOrigin('http://127.0.0.1:8080')    // → 'http://127.0.0.1:8080'
 * atlasOrigin('http://atlas.example.com') // throws ConfigurationError
 */
export function atlasOrigin(value: string | undefined, setting = 'ATLAS_BASE_URL'): string {
  if (value === undefined || value.trim() === '') return DEFAULT_ATLAS_BASE_URL
  let url: URL
  try {
    url = new URL(value.trim())
  } catch {
    throw new ConfigurationError(
      setting,
      'must be an absolute URL such as https://cloud.mongodb.com',
    )
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigurationError(setting, `must use https (got ${url.protocol.slice(0, -1)})`)
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new ConfigurationError(setting, 'may use plain http only for a loopback host')
  }
  if (url.username || url.password) {
    throw new ConfigurationError(setting, 'must not contain credentials')
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new ConfigurationError(setting, 'must be an origin only (no path, query or fragment)')
  }
  return url.origin
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '')
  if (host === 'localhost') return true
  if (isIP(host) === 4) return host.startsWith('127.')
  if (isIP(host) === 6) return host === '::1'
  return false
}
