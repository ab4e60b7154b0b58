/** Reads the Atlas responses recorded by mongodb-atlas-cli's e2e suite (test/fixtures/atlas-recordings). */
import { readFileSync } from 'node:fs'

export interface Recording {
  readonly status: number
  /** Header names lowercased. */
  readonly headers: Record<string, string>
  readonly body: string
}

export function recording(name: string): Recording {
  const text = readFileSync(
    new URL(`../fixtures/atlas-recordings/${name}.http`, import.meta.url),
    'utf8',
  )
  const [head = '', ...rest] = text.split(/\r?\n\r?\n/)
  const [statusLine = '', ...headerLines] = head.split(/\r?\n/)
  const headers: Record<string, string> = {}
  for (const line of headerLines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\n\n').trim() }
}

/** Headers whose values change per response (time, length, latency), compared by name only. */
export const VOLATILE_HEADERS = new Set([
  'date',
  'content-length',
  'x-envoy-upstream-service-time',
  'ratelimit-remaining',
  'www-authenticate',
])
