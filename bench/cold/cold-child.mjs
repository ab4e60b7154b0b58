#!/usr/bin/env node
/**
 * One cold Lambda container, as the benchmark runs it: a fresh Node process that imports a
 * bundle, hands its handler the first event and times both, to the response. With more events
 * in the file it goes on warm, one at a time, for the memory and cost row. Writes its figures
 * as JSON to `--result`.
 *
 * Plain JavaScript, an ES module like Lambda's own runtime: no type stripping, whose loader
 * costs a fresh process about 35 ms that a Lambda container does not pay. Times are also
 * given on the clock the parent shares (`performance.timeOrigin` + `performance.now()`), so
 * the parent can count from the moment it spawned this process.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

const origin = performance.timeOrigin
const started = performance.now()
const { values } = parseArgs({
  options: {
    bundle: { type: 'string' },
    export: { type: 'string', default: 'handler' },
    events: { type: 'string' },
    result: { type: 'string' },
  },
})
const events = JSON.parse(readFileSync(String(values.events), 'utf8'))
const context = {
  functionName: 'bench',
  awsRequestId: 'bench',
  getRemainingTimeInMillis: () => 30_000,
}

/** True when the answer says the invitation was revoked. */
function revoked(answer) {
  const { statusCode, batchItemFailures } = answer ?? {}
  return statusCode === 200 || (Array.isArray(batchItemFailures) && batchItemFailures.length === 0)
}

const importing = performance.now()
const module = await import(pathToFileURL(String(values.bundle)).href)
const imported = performance.now()
const handler = module[String(values.export)]
const first = await handler(events[0], context)
const answered = performance.now()
const coldMaxRssKb = process.resourceUsage().maxRSS
const warmMs = []
let allRevoked = revoked(first)
for (const event of events.slice(1)) {
  const at = performance.now()
  allRevoked = revoked(await handler(event, context)) && allRevoked
  warmMs.push(performance.now() - at)
}
writeFileSync(
  String(values.result),
  JSON.stringify({
    importMs: imported - importing,
    coldMs: answered - importing,
    // On the shared clock: when this script began, and when the answer came.
    startedAt: origin + started,
    answeredAt: origin + answered,
    allRevoked,
    coldMaxRssKb,
    maxRssKb: process.resourceUsage().maxRSS,
    warmMs,
  }),
)
process.exit(0)
