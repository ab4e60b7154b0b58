#!/usr/bin/env node
/**
 * `npm run bench`: every measure, ours and the naive path side by side in one run, medians of
 * repeats, against the Atlas simulator on loopback. Writes its table and JSON to
 * bench/results/local/ (not tracked), or `--out`; only `--update-readme` rewrites bench/README.md's
 * table and bench/results/latest.*. `--quick` (what the test suite runs) uses small counts.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { arch, cpus, platform, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { fail, scriptArgs } from '../scripts/script-args.ts'
import { buildBundles } from './cold/bundles.ts'
import type { MeasureRow } from './measure-result.ts'
import { measureColdRevocation } from './measures/cold-revocation.ts'
import { measureColdStart } from './measures/cold-start.ts'
import { LAYOFF, measureLayoffBatch } from './measures/layoff-batch.ts'
import { measureLedgerCost } from './measures/ledger-cost.ts'
import { measureMemoryAndCost } from './measures/memory-and-cost.ts'
import { measureOktaDelivery } from './measures/okta-delivery.ts'
import { measureRequestsAndConnections } from './measures/requests-and-connections.ts'
import { measureSecretsManagerCalls } from './measures/secrets-manager-calls.ts'
import { measureSqsBatchWallTime } from './measures/sqs-batch-wall-time.ts'
import { measureSweepCost } from './measures/sweep-cost.ts'
import { measureThroughput } from './measures/throughput.ts'

const values = scriptArgs(
  'bench',
  `
npm run bench -- [--quick] [--only <rows>] [--out <dir>] [--update-readme]: every measure, ours
and the naive path side by side, medians of repeats, against the Atlas simulator on loopback.

  --quick          small counts: checks the machinery (the test suite runs it), not the timings
  --only <rows>    only these rows, a comma list (e.g. 5,7); the table has those rows only
  --repeat <n>     cold runs per cell for rows 7, 8, 10, 11 (default 9, --quick 1)
  --out <dir>      write <name>.md and <name>.json there (default bench/results/local/, not tracked)
  --update-readme  full runs only: also rewrite bench/README.md's table and bench/results/latest.*
  -h, --help       this text`,
  {
    quick: { type: 'boolean' },
    only: { type: 'string' },
    repeat: { type: 'string' },
    out: { type: 'string' },
    'update-readme': { type: 'boolean' },
  },
)
const quick = values.quick === true
if (quick && values['update-readme'])
  fail('bench', '--update-readme takes a full run; a --quick table is not for bench/README.md')
const ALL_ROWS = Array.from({ length: 12 }, (_, i) => String(i + 1))
const only = values.only?.split(',').map((id) => id.trim())
if (only?.some((id) => !ALL_ROWS.includes(id)))
  fail('bench', `--only takes row numbers 1 to 12, comma-separated (got ${values.only})`)
if (only && values['update-readme'])
  fail('bench', '--update-readme takes every row; an --only table is not for bench/README.md')
const repeat = values.repeat === undefined ? undefined : Number(values.repeat)
if (repeat !== undefined && !(Number.isInteger(repeat) && repeat > 0))
  fail('bench', `--repeat takes a whole number of runs (got ${values.repeat})`)
/** Whether row `id` is measured in this run. */
const wanted = (...ids: string[]) => ids.some((id) => !only || only.includes(id))
const settings = quick
  ? {
      revocations: 20,
      countRepetitions: 1,
      invocations: 100,
      batchRepetitions: 3,
      imports: 3,
      throughput: 300,
      throughputRepetitions: 1,
      coldRepetitions: 1,
      warm: 20,
      warmSample: 3,
      ledgerWarm: 5,
      sweepLeavers: 20,
      layoff: { ...LAYOFF, revocations: 40, containers: 2, burst: 10 },
    }
  : {
      revocations: 100,
      countRepetitions: 3,
      invocations: 1000,
      batchRepetitions: 9,
      imports: 9,
      throughput: 3000,
      throughputRepetitions: 3,
      coldRepetitions: 9,
      warm: 1000,
      warmSample: 20,
      ledgerWarm: 100,
      sweepLeavers: 1000,
      layoff: LAYOFF,
    }
if (repeat !== undefined) settings.coldRepetitions = repeat

// Handlers in this process stay quiet (logs and metrics both print to stdout, where the table
// goes); the throughput worker logs and counts as deployed (its output is discarded).
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT'
process.env.POWERTOOLS_METRICS_DISABLED = 'true'
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const started = performance.now()
const progress = (line: string) => process.stderr.write(`bench: ${line}\n`)

const rows: MeasureRow[] = []
if (wanted('1', '2')) {
  progress('1–2 requests and connections per revocation')
  rows.push(
    ...(await measureRequestsAndConnections(settings.revocations, settings.countRepetitions)),
  )
}
if (wanted('3')) {
  progress('3 Secrets Manager calls')
  rows.push(await measureSecretsManagerCalls(settings.invocations))
}
if (wanted('4')) {
  progress('4 SQS batch wall time')
  rows.push(await measureSqsBatchWallTime(settings.batchRepetitions))
}
if (wanted('5', '6', '7', '8', '10', '11')) {
  progress('building the bundles (npm run package)')
  const bundles = await buildBundles()
  try {
    if (wanted('5')) {
      progress('5 cold start (imports)')
      rows.push(await measureColdStart(bundles, settings.imports))
    }
    if (wanted('6')) {
      progress('6 throughput')
      rows.push(await measureThroughput(settings.throughput, settings.throughputRepetitions))
    }
    if (wanted('7', '8')) {
      progress('7 cold revocation, end to end (four network settings)')
      const cold = await measureColdRevocation(bundles, settings.coldRepetitions)
      if (wanted('7')) rows.push(cold.row)
      if (wanted('8')) {
        progress('8 memory and cost')
        rows.push(
          await measureMemoryAndCost(bundles, cold.atDefault, {
            warm: settings.warm,
            warmSample: settings.warmSample,
          }),
        )
      }
    }
    if (wanted('10')) {
      progress('10 Okta event hook, cold')
      rows.push(await measureOktaDelivery(bundles, settings.coldRepetitions))
    }
    if (wanted('11')) {
      progress('11 what the ledger adds, cold and warm')
      rows.push(await measureLedgerCost(bundles, settings.coldRepetitions, settings.ledgerWarm))
    }
  } finally {
    bundles.remove()
  }
}
if (wanted('9')) {
  progress(
    `9 layoff batch: ${settings.layoff.revocations} revocations at ${settings.layoff.ratePerSecond}/s, twice (by id, by username)`,
  )
  rows.push(await measureLayoffBatch(settings.layoff))
}
if (wanted('12')) {
  progress(`12 re-check sweep of ${settings.sweepLeavers} leavers`)
  rows.push(await measureSweepCost(settings.sweepLeavers))
}

rows.sort((a, b) => Number(a.id) - Number(b.id))

const cpu = cpus()
const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${platform()} ${arch()}, Node ${process.version}`
const when = new Date().toISOString().slice(0, 16).replace('T', ' ')
const mark = (met: boolean | undefined) => (met === undefined ? '—' : met ? '✓' : '✗ (see note)')
const table = [
  `Measured ${when} UTC on ${machine}; ${quick ? 'quick run (small counts)' : 'full run'}${only ? `, rows ${only.join(', ')} only` : ''}, medians of repeats; \`npm run bench\`.`,
  '',
  '| # | measure | ours | naive | target | met |',
  '|---|---|---|---|---|---|',
  ...rows.map(
    (row) =>
      `| ${row.id} | ${row.measure} | ${row.ours} | ${row.naive} | ${row.target} | ${row.verdict ?? mark(row.met)} |`,
  ),
].join('\n')

const name = quick ? 'quick' : only ? `rows-${only.join('-')}` : 'latest'
const outDirs = [
  values.out ?? join(ROOT, 'bench', 'results', 'local'),
  ...(values['update-readme'] ? [join(ROOT, 'bench', 'results')] : []),
]
for (const outDir of outDirs) {
  mkdirSync(outDir, { recursive: true })
  writeFileSync(join(outDir, `${name}.md`), `${table}\n`)
  writeFileSync(
    join(outDir, `${name}.json`),
    `${JSON.stringify({ when, machine, quick, settings, rows }, null, 2)}\n`,
  )
}
if (values['update-readme']) {
  const readmePath = join(ROOT, 'bench', 'README.md')
  const readme = readFileSync(readmePath, 'utf8')
  const updated = readme.replace(
    /<!-- bench:start -->[\s\S]*<!-- bench:end -->/,
    `<!-- bench:start -->\n${table}\n<!-- bench:end -->`,
  )
  writeFileSync(readmePath, updated)
}
process.stdout.write(`${table}\n`)
progress(`done in ${Math.round((performance.now() - started) / 1000)} s`)
