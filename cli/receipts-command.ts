/**
 * `npm run -s revoke -- receipts --since <date> [--user <email>] [--format csv|json]`: the
 * ledger's receipts for auditors, on stdout. Reads LEDGER_TABLE with the caller's AWS
 * credentials (dynamodb:Query and GetItem). Returns the exit code.
 */
import { parseArgs } from 'node:util'
import pLimit from 'p-limit'
import { ConfigurationError } from '../lib/errors.ts'
import { Ledger, LedgerUnavailableError } from '../lib/ledger/ledger.ts'
import type { LeaverItem, RecordedRequest } from '../lib/ledger/ledger-items.ts'
import { peopleOf, receiptsCsv, receiptsOf } from './receipts.ts'
import { email, field, UsageError } from './revoke-arguments.ts'
import { type CommandIO, EXIT } from './revoke-command.ts'

export const RECEIPTS_USAGE = `Print the ledger's receipts: one row per person offboarded.

Usage:
  npm run -s revoke -- receipts --since <YYYY-MM-DD | ISO time> [--user <email>] [--format csv|json]

Options:
  --since <date>       requests received from then on (UTC), at most 3,660 days back
  --user <email>       only this person
  --format csv|json    csv (default: a header row, one row per person) or json
  -h, --help           this text

Reads LEDGER_TABLE (the stack output LedgerTableName) with your AWS credentials.`

const MAX_DAYS = 3_660
const READS_AT_ONCE = 8

export interface ReceiptsQuery {
  readonly since: Date
  readonly user?: string
  readonly format: 'csv' | 'json'
}

/** Reads argv. Pure. `now` bounds --since. */
export function parseReceiptsArguments(
  argv: readonly string[],
  now = new Date(),
): ReceiptsQuery | 'help' {
  let values: Record<string, string | boolean | undefined>
  try {
    ;({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        since: { type: 'string' },
        user: { type: 'string' },
        format: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  if (values.help) return 'help'
  const format = (values.format as string | undefined) ?? 'csv'
  if (format !== 'csv' && format !== 'json')
    throw new UsageError(`--format must be csv or json (got ${JSON.stringify(format)})`)
  const sinceText = values.since as string | undefined
  if (sinceText === undefined) throw new UsageError('--since <date> is required')
  const since = sinceOf(sinceText)
  if (since.getTime() > now.getTime()) throw new UsageError('--since is in the future')
  if (now.getTime() - since.getTime() > MAX_DAYS * 86_400_000)
    throw new UsageError(`--since goes back more than ${MAX_DAYS} days`)
  const user = values.user as string | undefined
  return {
    since,
    format,
    ...(user === undefined ? {} : { user: field(() => email(user, 'username'), '--user') }),
  }
}

export async function runReceiptsCommand(
  io: Pick<CommandIO, 'argv' | 'env' | 'stdout' | 'stderr'>,
  ledgerOf: (table: string) => Ledger = (table) => new Ledger(table),
  now = new Date(),
): Promise<number> {
  let query: ReceiptsQuery
  let ledger: Ledger
  try {
    const parsed = parseReceiptsArguments(io.argv, now)
    if (parsed === 'help') {
      io.stdout(RECEIPTS_USAGE)
      return EXIT.done
    }
    query = parsed
    const table = io.env.LEDGER_TABLE?.trim()
    if (!table)
      throw new ConfigurationError('LEDGER_TABLE', 'is not set: receipts are read from the ledger')
    ledger = ledgerOf(table)
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigurationError) {
      for (const line of error.message.split('\n')) io.stderr(`receipts: ${line}`)
      return EXIT.usage
    }
    throw error
  }
  try {
    const requests = await requestsFor(ledger, query, now)
    const limit = pLimit(READS_AT_ONCE)
    const leavers = new Map<string, LeaverItem>()
    await Promise.all(
      peopleOf(requests).map((person) =>
        limit(async () => {
          const leaver = await ledger.leaver(person)
          if (leaver) leavers.set(person, leaver)
        }),
      ),
    )
    const receipts = receiptsOf(requests, leavers)
    if (query.format === 'csv') io.stdout(receiptsCsv(receipts).trimEnd())
    else
      io.stdout(
        JSON.stringify(
          {
            generatedAt: now.toISOString(),
            ledger: ledger.tableName,
            since: query.since.toISOString(),
            ...(query.user === undefined ? {} : { user: query.user }),
            receipts,
          },
          null,
          2,
        ),
      )
    io.stderr(`receipts: ${receipts.length} ${receipts.length === 1 ? 'person' : 'people'}`)
    return EXIT.done
  } catch (error) {
    if (error instanceof LedgerUnavailableError) {
      io.stderr(`receipts: ${error.message}`)
      return EXIT.failed
    }
    throw error
  }
}

/** A person's requests by username; otherwise every day's, from --since to today. */
async function requestsFor(
  ledger: Ledger,
  query: ReceiptsQuery,
  now: Date,
): Promise<RecordedRequest[]> {
  const since = query.since.toISOString()
  if (query.user !== undefined) return ledger.requestsAbout(`user#${query.user}`, since)
  const days: string[] = []
  for (
    let day = new Date(`${since.slice(0, 10)}T00:00:00Z`);
    day.getTime() <= now.getTime();
    day = new Date(day.getTime() + 86_400_000)
  )
    days.push(day.toISOString().slice(0, 10))
  const limit = pLimit(READS_AT_ONCE)
  const perDay = await Promise.all(days.map((day) => limit(() => ledger.requestsOn(day, since))))
  return perDay.flat()
}

/** `YYYY-MM-DD` (midnight UTC) or an ISO time (UTC unless it names its offset), checked whole. */
function sinceOf(text: string): Date {
  const refuse = () =>
    new UsageError(`--since must be a date (YYYY-MM-DD) or an ISO time (got "${text}")`)
  const match =
    /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(text)
  if (!match) throw refuse()
  const [, year, month, day, time, , , zone] = match
  const since = new Date(
    `${year}-${month}-${day}${time ? (zone ? time : `${time}Z`) : 'T00:00:00Z'}`,
  )
  // new Date() rolls 2026-02-30 over to March: the day must come back as written.
  const check = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)))
  if (
    Number.isNaN(since.getTime()) ||
    check.getUTCMonth() !== Number(month) - 1 ||
    check.getUTCDate() !== Number(day)
  )
    throw refuse()
  return since
}
