/**
 * Faults the simulator injects into Atlas API requests: scripted one-shot faults first (for
 * exact tests), then random ones at configured rates from a seeded generator (for soaks).
 */

/** Which requests a scripted fault waits for: a method, and a substring of the path. */
export interface FaultTarget {
  readonly method?: string
  readonly path?: string
}

export type Fault = (
  | { readonly kind: 'status'; readonly status: number; readonly retryAfterSeconds?: number }
  | { readonly kind: 'reset' }
  | { readonly kind: 'hang' }
  | { readonly kind: 'latency'; readonly ms: number }
  /** A 401 whose `Www-Authenticate` is this value (e.g. a challenge without a nonce). */
  | { readonly kind: 'challenge'; readonly header: string }
  /** A 401 challenging with the very nonce the request answered (an Apache-style server). */
  | { readonly kind: 'repeatNonce' }
  /** This answer instead of Atlas's (e.g. a 200 HTML page, or a list in another shape). */
  | {
      readonly kind: 'answer'
      readonly status: number
      readonly contentType?: string
      readonly body: string
    }
) & {
  /** Scripted faults only: hit the first request that matches, not simply the next one. */
  readonly when?: FaultTarget
}

export interface FaultPlan {
  /** Added to every API request, in milliseconds. */
  readonly latencyMs?: number
  /** Share of requests answered with `errorStatus` (default 503). */
  readonly errorRate?: number
  readonly errorStatus?: number
  /** Share of requests whose connection is reset before any answer. */
  readonly resetRate?: number
  /** Share of requests never answered. */
  readonly hangRate?: number
  readonly seed?: number
}

export interface FaultDecision {
  readonly latencyMs: number
  readonly fault: Fault | undefined
}

export class FaultInjector {
  #plan: FaultPlan = {}
  #random: () => number = seeded(1)
  readonly #script: Fault[] = []

  configure(plan: FaultPlan): void {
    this.#plan = { ...plan }
    this.#random = seeded(plan.seed ?? 1)
  }

  /** Faults for the next requests, in order, before any random ones. */
  enqueue(...faults: Fault[]): void {
    this.#script.push(...faults)
  }

  clear(): void {
    this.#plan = {}
    this.#script.length = 0
  }

  plan(): FaultPlan {
    return { ...this.#plan }
  }

  next(request: { readonly method: string; readonly path: string }): FaultDecision {
    const base = this.#plan.latencyMs ?? 0
    const index = this.#script.findIndex(
      ({ when }) =>
        (when?.method === undefined || when.method === request.method) &&
        (when?.path === undefined || request.path.includes(when.path)),
    )
    const scripted = index === -1 ? undefined : this.#script.splice(index, 1)[0]
    if (scripted?.kind === 'latency') return { latencyMs: base + scripted.ms, fault: undefined }
    if (scripted) return { latencyMs: base, fault: scripted }
    const roll = this.#random()
    const { errorRate = 0, resetRate = 0, hangRate = 0 } = this.#plan
    let fault: Fault | undefined
    if (roll < errorRate) fault = { kind: 'status', status: this.#plan.errorStatus ?? 503 }
    else if (roll < errorRate + resetRate) fault = { kind: 'reset' }
    else if (roll < errorRate + resetRate + hangRate) fault = { kind: 'hang' }
    return { latencyMs: base, fault }
  }
}

/** mulberry32: a small seeded generator, so a soak's faults repeat run to run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
