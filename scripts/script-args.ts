/**
 * Command-line options for the project's scripts, the same way everywhere: `--help` prints the
 * usage and exits 0; an unknown option or a bad value is one line on stderr and exit 2, never a
 * stack trace.
 */
import { parseArgs } from 'node:util'

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options']

export function scriptArgs<const T extends Options>(
  name: string,
  usage: string,
  options: T,
  argv: readonly string[] = process.argv.slice(2),
): ReturnType<
  typeof parseArgs<{ options: T; args: string[]; strict: true; allowPositionals: false }>
>['values'] {
  let values: Record<string, unknown>
  try {
    ;({ values } = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }))
  } catch (error) {
    fail(name, `${(error as Error).message} (see --help)`)
  }
  if (values.help) {
    process.stdout.write(`${usage.trim()}\n`)
    process.exit(0)
  }
  return values as never
}

/** One line on stderr and exit 2: bad usage. */
export function fail(name: string, message: string): never {
  process.stderr.write(`${name}: ${message}\n`)
  process.exit(2)
}

/** A whole number within bounds, or a one-line usage error naming the option. */
export function wholeNumber(
  name: string,
  option: string,
  value: string | undefined,
  fallback: number,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback
  const number = Number(value)
  if (!Number.isInteger(number) || number < min || number > max)
    fail(
      name,
      `--${option} must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`,
    )
  return number
}

/** A number within bounds (fractions allowed), or a one-line usage error naming the option. */
export function decimal(
  name: string,
  option: string,
  value: string | undefined,
  fallback: number,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback
  const number = Number(value)
  if (value.trim() === '' || !Number.isFinite(number) || number < min || number > max)
    fail(name, `--${option} must be a number from ${min} to ${max} (got ${JSON.stringify(value)})`)
  return number
}
