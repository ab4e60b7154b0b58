/**
 * Suite-wide secret hygiene (a vitest setup file): every test file runs with handler logging at
 * DEBUG, and everything written to stdout, stderr or the console is captured. After each file,
 * none of it may contain a known secret. Powertools' JSON log and metric lines are kept off the
 * terminal.
 */
import { afterAll, expect } from 'vitest'
import { knownSecrets } from './known-secrets.ts'

const captured: string[] = []

for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    const text =
      typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8')
    captured.push(text)
    // Powertools' JSON log lines and EMF metric lines are checked, not shown.
    return text.startsWith('{"level":') || text.startsWith('{"_aws":')
      ? true
      : write(chunk, ...rest)
  }) as typeof stream.write
}

for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
  const original = console[method].bind(console)
  console[method] = (...args: unknown[]) => {
    captured.push(args.map((arg) => (typeof arg === 'string' ? arg : safeJson(arg))).join(' '))
    original(...args)
  }
}

afterAll(() => {
  const output = captured.join('\n')
  for (const secret of knownSecrets) {
    expect(output.includes(secret), 'a secret reached stdout, stderr or the console').toBe(false)
  }
})

function safeJson(value: unknown): string {
  try {
    return value instanceof Error
      ? `${value.name}: ${value.message}`
      : (JSON.stringify(value) ?? String(value))
  } catch {
    return String(value)
  }
}
