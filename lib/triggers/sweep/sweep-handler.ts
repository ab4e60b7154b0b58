/**
 * The sweep function, on an EventBridge schedule (hourly by default): one bounded, resumable
 * run of the re-check sweep (recheck-sweep.ts). A run that could not re-check someone fails,
 * so the function's `Errors` metric (the `SweepFailed` alarm) says so. While ALLOWED_ORG_IDS
 * is unset every run fails the same way, before the ledger is read: it acts in no organization.
 */
import type { Logger } from '@aws-lambda-powertools/logger'
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware'
import middy from '@middy/core'
import type { Context } from 'aws-lambda'
import { createLogger } from '../../audit/logger.ts'
import { warnDeprecation } from '../../audit/revocation-log.ts'
import { type MetricSink, powertoolsMetrics } from '../../audit/revocation-metrics.ts'
import { loadFunctionConfig } from '../../config/function-config.ts'
import {
  announceOrgScope,
  announceStartFailure,
  type ContainerOverrides,
  createContainer,
  invocationDeadline,
  madeAtInit,
  requireOrgScope,
} from '../container.ts'
import { runRecheckSweep, SweepIncompleteError, type SweepSummary } from './recheck-sweep.ts'

export interface SweepHandlerOptions extends ContainerOverrides {
  readonly logger?: Logger
  readonly metrics?: MetricSink
  /** The sweep's clock (tests move it); default the real one. */
  readonly now?: () => Date
}

/**
 * @example
 * // functions/sweep/index.ts
 * export const handler = createSweepHandler(process.env)
 */
export function createSweepHandler(
  env: Readonly<Record<string, string | undefined>>,
  options: SweepHandlerOptions = {},
) {
  const observer = {
    logger: options.logger ?? createLogger(),
    metrics: options.metrics ?? powertoolsMetrics(env),
  }
  const container = madeAtInit(
    () => {
      const built = createContainer(loadFunctionConfig(env, 'sweep'), {
        ...options,
        onDeprecation: warnDeprecation(observer),
      })
      announceOrgScope(observer.logger, built.config.orgScope, 'sweep')
      return built
    },
    (error) => announceStartFailure(observer.logger, error),
  )
  const handle = async (_event: unknown, context: Context): Promise<SweepSummary> => {
    const deadline = invocationDeadline(context.getRemainingTimeInMillis())
    const runtime = container()
    requireOrgScope(runtime.config)
    const summary = await runRecheckSweep(runtime, observer, deadline, options.now?.())
    if (summary.failed > 0)
      throw new SweepIncompleteError(
        `${summary.failed} of ${summary.checked} leavers could not be re-checked; the next pass tries again`,
      )
    return summary
  }
  return middy(handle).use(
    injectLambdaContext(observer.logger, { resetKeys: true, logEvent: false }),
  )
}
