/**
 * "Memory and cost": peak RSS of a cold invocation and after 1,000 warm ones (a fresh process
 * per function, loopback without added latency: memory does not wait on the network), the
 * memorySize that follows from it, and the GB-seconds 1,000 revocations bill, cold and warm,
 * at that memory size, ours against the naive functions. Durations come from the default
 * network: the cold ones from "Cold revocation", the warm ones from a warm sample here.
 * Lambda bills INIT too (since August 2025), so a cold revocation bills its whole cold time.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Bundles } from '../cold/bundles.ts'
import type { MeasureRow } from '../measure-result.ts'
import { median, round } from '../stats.ts'
import {
  type ColdFigures,
  type Contender,
  DEFAULT_NETWORK,
  startColdBench,
} from './cold-revocation.ts'

const SERVERLESS_YML = fileURLToPath(new URL('../../serverless.yml', import.meta.url))

/** Headroom over the peak: V8 grows its heap under load before it collects. */
export const MEMORY_MARGIN = 1.5

/** The memory size to configure for a peak RSS: the margin, rounded up to 64 MB, at least 128. */
export function memorySizeFor(peakRssMb: number): number {
  return Math.max(128, Math.ceil((peakRssMb * MEMORY_MARGIN) / 64) * 64)
}

/** GB-seconds billed for 1,000 invocations of `durationMs` each at `memoryMb`. */
export function gbSecondsPer1000(durationMs: number, memoryMb: number): number {
  return (Math.ceil(durationMs) / 1000) * (memoryMb / 1024) * 1000
}

/** The memorySize serverless.yml deploys with (its default). */
export function configuredMemorySize(): number {
  const match = /memorySize: \$\{param:memorySize, (\d+)\}/.exec(
    readFileSync(SERVERLESS_YML, 'utf8'),
  )
  if (!match) throw new Error('serverless.yml: no memorySize default found')
  return Number(match[1])
}

export async function measureMemoryAndCost(
  bundles: Bundles,
  cold: ColdFigures,
  options: { warm: number; warmSample: number },
): Promise<MeasureRow> {
  const contenders: Contender[] = ['ours-queue', 'ours-http', 'naive-queue', 'naive-http']
  const rss: Record<string, { coldMb: number; warmMb: number }> = {}
  const memoryBench = await startColdBench(
    bundles,
    { name: 'loopback', secretsManagerRttMs: 0, atlasRttMs: 0 },
    contenders.length * (1 + options.warm),
  )
  try {
    for (const contender of contenders) {
      const figures = await memoryBench.run(contender, options.warm)
      rss[contender] = {
        coldMb: round(figures.coldMaxRssKb / 1024, 0),
        warmMb: round(figures.maxRssKb / 1024, 0),
      }
    }
  } finally {
    await memoryBench.stop()
  }
  const warmMs: Record<string, number> = {}
  const durationBench = await startColdBench(
    bundles,
    DEFAULT_NETWORK,
    contenders.length * (1 + options.warmSample),
  )
  try {
    for (const contender of contenders) {
      const figures = await durationBench.run(contender, options.warmSample)
      warmMs[contender] = round(median(figures.warmMs), 1)
    }
  } finally {
    await durationBench.stop()
  }
  const peakMb = Math.max(...['ours-queue', 'ours-http'].map((name) => rss[name]?.warmMb ?? 0))
  const recommended = memorySizeFor(peakMb)
  const configured = configuredMemorySize()
  const cost = (contender: Contender) => ({
    coldGbS: round(gbSecondsPer1000(cold.coldMs[contender], configured), 1),
    warmGbS: round(gbSecondsPer1000(warmMs[contender] ?? 0, configured), 1),
  })
  const costs = Object.fromEntries(contenders.map((name) => [name, cost(name)])) as Record<
    Contender,
    { coldGbS: number; warmGbS: number }
  >
  const describe = (who: 'ours' | 'naive') =>
    (['queue', 'http'] as const)
      .map((fn) => {
        const name: Contender = `${who}-${fn}`
        const memory = rss[name]
        return `${fn}: RSS ${memory?.coldMb} MB cold, ${memory?.warmMb} MB after ${options.warm} warm; ${costs[name].coldGbS} GB-s cold / ${costs[name].warmGbS} GB-s warm per 1,000`
      })
      .join('; ')
  return {
    id: '8',
    measure: `Memory and cost: peak RSS, and GB-seconds per 1,000 revocations at memorySize ${configured} MB`,
    ours: `${describe('ours')}; memorySize for ${MEMORY_MARGIN}× the peak: ${recommended} MB (deployed: ${configured} MB)`,
    naive: describe('naive'),
    target: `memorySize ≥ ${MEMORY_MARGIN}× peak RSS; fewer GB-s than naive, cold and warm`,
    met:
      configured >= recommended &&
      (['queue', 'http'] as const).every(
        (fn) =>
          costs[`ours-${fn}`].coldGbS < costs[`naive-${fn}`].coldGbS &&
          costs[`ours-${fn}`].warmGbS < costs[`naive-${fn}`].warmGbS,
      ),
    data: { ...options, rss, warmMs, costs, peakMb, recommended, configured },
  }
}
