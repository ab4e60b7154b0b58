#!/usr/bin/env node
/**
 * One cold Lambda container, as the benchmark runs it: a fresh Node process that imports a
 * bundle, hands its handler the first event and times both, to the response. With more events
 * in the file it goes on warm, one at a time, for the memory and cost row. Writes its figures
 * as JSON to `--result`.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: {
    bundle: { type: 'string' },
    export: { type: 'string', default: 'handler' },
    events: { type: 'string' },
    result: { type: 'string' },
  },
})
const events = JSON.parse(readFileSync(String(values.events), 'utf8')) as unknown[]
const context = {
  functionName: 'bench',
  awsRequestId: 'bench',
  getRemainingTimeInMillis: () => 30_000,
}
type Handler = (event: unknown, context: unknown) => Promise<unknown>

/** True when the answer says the invitation was revoked. */
function revoked(answer: unknown): boolean {
  const { statusCode, batchItemFailures } = (answer ?? {}) as {
    statusCode?: number
    batchItemFailures?: unknown[]
  }
  return statusCode === 200 || (Array.isArray(batchItemFailures) && batchItemFailures.length === 0)
}

const started = performance.now()
const module = (await import(pathToFileURL(String(values.bundle)).href)) as Record<string, Handler>
const imported = performance.now()
const handler = module[String(values.export)] as Handler
const first = await handler(events[0], context)
const answered = performance.now()
const coldMaxRssKb = process.resourceUsage().maxRSS
const warmMs: number[] = []
let allRevoked = revoked(first)
for (const event of events.slice(1)) {
  const at = performance.now()
  allRevoked = revoked(await handler(event, context)) && allRevoked
  warmMs.push(performance.now() - at)
}
writeFileSync(
  String(values.result),
  JSON.stringify({
    importMs: imported - started,
    coldMs: answered - started,
    allRevoked,
    coldMaxRssKb,
    maxRssKb: process.resourceUsage().maxRSS,
    warmMs,
  }),
)
process.exit(0)
