/** One row of the benchmark table. */
export interface MeasureRow {
  readonly id: string
  readonly measure: string
  readonly ours: string
  readonly naive: string
  readonly target: string
  /** `undefined` for figures reported without a target. */
  readonly met: boolean | undefined
  /** Replaces the ✓/✗ mark when the answer depends on a setting. */
  readonly verdict?: string
  /** Raw figures for the JSON report. */
  readonly data: Record<string, unknown>
}
