/**
 * `npm run oracle`: the oracle of the test suite, for as long as you like. Exits 0 when every
 * case held, 1 with the shrunk counterexample and the command that replays it.
 */
import { fail, scriptArgs, wholeNumber } from '../../scripts/script-args.ts'
import { CATALOGUE } from './catalogue.ts'
import { runOracle } from './oracle-run.ts'

const USAGE = `
npm run oracle -- [--cases N] [--seed S] [--path P]

Random cases through the HTTP function, the queue function and the CLI, against the Atlas
simulator answering from the catalogue (test/oracle/catalogue.ts); each answer is judged against
the simulator's ground truth. --cases (default 10000), --seed (default: random; printed), --path
(replay one failing case: the seed and path a failure printed).`

const values = scriptArgs('oracle', USAGE, {
  cases: { type: 'string' },
  seed: { type: 'string' },
  path: { type: 'string' },
})
const cases = wholeNumber('oracle', 'cases', values.cases, 10_000, 1)
const seed = wholeNumber('oracle', 'seed', values.seed, Date.now() % 2 ** 31, 0, 2 ** 31 - 1)
if (values.path !== undefined && !/^\d+(:\d+)*$/.test(values.path))
  fail('oracle', '--path must be the path a failure printed, like 12:0:3')

const started = performance.now()
let done = 0
const report = await runOracle({
  cases,
  seed,
  ...(values.path ? { path: values.path } : {}),
  onCase: () => {
    done += 1
    if (done % Math.max(1000, cases / 10) === 0) process.stderr.write(`oracle: ${done} cases\n`)
  },
})
const seconds = ((performance.now() - started) / 1000).toFixed(1)
const tally = (counts: Readonly<Record<string, number>>) =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([name, count]) => `  ${count}  ${name}`)
    .join('\n')
process.stdout.write(
  `oracle: ${report.cases} cases, seed ${report.seed}, ${seconds} s\noutcomes:\n${tally(report.outcomes)}\nwith the ledger: ${report.ledgerCases} cases, ${report.goneAsRecorded} by id already_gone as recorded\ncatalogue rows used (${Object.keys(report.rows).length} of ${CATALOGUE.length}):\n${tally(report.rows)}\n`,
)
if (report.failure) {
  process.stdout.write(`\n${report.failure}\n`)
  process.exitCode = 1
} else process.stdout.write('oracle: every case held\n')
