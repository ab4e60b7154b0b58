/**
 * What a handler leaves behind, for tests that check it: the JSON log lines Powertools writes
 * (read from stdout and stderr while the suite's secret guard still sees every byte) and the
 * metrics it emits through a recording sink.
 */
import { vi } from 'vitest'
import type { MetricSink } from '../../lib/audit/revocation-metrics.ts'

/** One JSON log line, parsed; `raw` is the line as written. */
export interface LogLine extends Record<string, unknown> {
  readonly level: string
  readonly message: string
  readonly raw: string
}

/** Starts capturing log lines; `stop()` ends it, `lines()` reads what was written so far, in order. */
export function captureLogLines(): { lines(): LogLine[]; stop(): void } {
  const written: string[] = []
  const spies = [process.stdout, process.stderr].map((stream) => {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean
    return vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      written.push(String(chunk))
      return write(chunk, ...rest)
    }) as typeof stream.write)
  })
  return {
    lines: () =>
      written
        .flatMap((chunk) => chunk.split('\n'))
        .filter((line) => line.startsWith('{"level":'))
        .map((raw) => ({ ...(JSON.parse(raw) as { level: string; message: string }), raw })),
    stop: () => {
      for (const spy of spies) spy.mockRestore()
    },
  }
}

export interface EmittedMetric {
  readonly name: string
  readonly unit: string
  readonly value: number
  readonly dimensions: Readonly<Record<string, string>>
}

/** A metric sink that keeps what it is told. */
export function recordingMetrics(): MetricSink & { readonly emitted: EmittedMetric[] } {
  const emitted: EmittedMetric[] = []
  return {
    emitted,
    emit(name, unit, value, dimensions = {}) {
      emitted.push({ name, unit, value, dimensions })
    },
  }
}
