/**
 * Metrics, as CloudWatch Embedded Metric Format lines through Powertools Metrics (namespace
 * `AtlasInviteRevoker`, dimensions `service` and `stage` on every metric): every revoke request
 * counted per trigger and outcome, its Atlas requests and duration, a refused key (what the
 * `KeyRefused` alarm watches: every offboarding fails until the key is fixed), members removed
 * (`MemberRemoved`) or left in place (`ActiveMember`), and Atlas's deprecation notices (the
 * `DeprecationNotice` alarm). The alarms in serverless.yml filter on
 * `stage`, so two stages never share one.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics'
import type { RevokeReport } from '../revoke/revoke-report.ts'
import { SERVICE_NAME } from './logger.ts'

export const METRICS_NAMESPACE = 'AtlasInviteRevoker'

/** The `stage` dimension when `STAGE` is not set (serverless.yml always sets it). */
const UNSET_STAGE = 'unset'

/** Where metrics go; tests record them, Lambda prints EMF. */
export interface MetricSink {
  emit(
    name: string,
    unit: 'Count' | 'Milliseconds',
    value: number,
    dimensions?: Readonly<Record<string, string>>,
  ): void
}

/**
 * Powertools Metrics: each metric its own EMF line, with its own dimensions and, on every one,
 * `service` and `stage` (`STAGE`, the osls stage serverless.yml deploys). One instance publishes
 * them all, a line at a time (publishing clears the added dimensions, not the default ones):
 * `singleMetric()` would build a new instance, with a Console of its own, for every line.
 */
export function powertoolsMetrics(
  env: Readonly<Record<string, string | undefined>> = process.env,
): MetricSink {
  const metrics = new Metrics({
    namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
    serviceName: SERVICE_NAME,
    defaultDimensions: { stage: env.STAGE?.trim() || UNSET_STAGE },
  })
  return {
    emit(name, unit, value, dimensions = {}) {
      try {
        metrics.addDimensions(dimensions)
        metrics.addMetric(
          name,
          unit === 'Count' ? MetricUnit.Count : MetricUnit.Milliseconds,
          value,
        )
      } catch (error) {
        // Nothing of a refused metric may reach the next line.
        metrics.clearMetrics()
        metrics.clearDimensions()
        throw error
      }
      metrics.publishStoredMetrics()
    },
  }
}

const KEY_REFUSED = new Set(['unauthorized', 'forbidden'])

export function countRevocation(sink: MetricSink, report: RevokeReport, trigger: string): void {
  sink.emit('Revocations', 'Count', 1, { trigger, outcome: report.outcome })
  sink.emit('AtlasAttempts', 'Count', report.attempts, { trigger })
  sink.emit('RevocationDuration', 'Milliseconds', report.durationMs, { trigger })
  const outcomes = [
    report.outcome,
    ...report.revocations.map((revocation) => revocation.outcome),
    ...report.searched.flatMap((search) => (search.failure ? [search.failure.outcome] : [])),
  ]
  if (outcomes.some((outcome) => KEY_REFUSED.has(outcome))) sink.emit('KeyRefused', 'Count', 1)
  // Acked with nothing revoked: the NotFound alarm asks someone to look.
  if (report.outcome === 'not_found') sink.emit('NotFound', 'Count', 1)
  // Digest without nonce reuse: every revocation costs two Atlas requests from now on.
  if (report.nonceReuseStopped) sink.emit('NonceReuseStopped', 'Count', 1)
  // Every removal of a member (REMOVE_ACTIVE_MEMBERS), and every member left in place by an
  // offboarding (a dry run asks nothing of anyone): both alarm.
  const count = (outcome: string) =>
    report.revocations.filter((revocation) => revocation.outcome === outcome).length
  const removed = count('removed_member')
  if (removed > 0) sink.emit('MemberRemoved', 'Count', removed)
  const members = count('active_member')
  if (members > 0 && !report.request.dryRun) sink.emit('ActiveMember', 'Count', members)
}

export function countDeprecation(sink: MetricSink): void {
  sink.emit('DeprecationNotice', 'Count', 1)
}

/**
 * Events that asked for nothing, per reason (`Ignored`); those that may hide a leaver (a failed
 * outcome, no email login, an unreadable delivery) also count in `LeaverSkipped`, which has an
 * alarm.
 */
export function countSkipped(
  sink: MetricSink,
  skipped: readonly { readonly reason: string }[],
  leaverSkips: ReadonlySet<string>,
  trigger: string,
): void {
  const byReason = new Map<string, number>()
  for (const { reason } of skipped) byReason.set(reason, (byReason.get(reason) ?? 0) + 1)
  for (const [reason, count] of byReason) sink.emit('Ignored', 'Count', count, { trigger, reason })
  const leavers = skipped.filter(({ reason }) => leaverSkips.has(reason)).length
  if (leavers > 0) sink.emit('LeaverSkipped', 'Count', leavers)
}
