/** What every HTTP route gets: the container's runtime, the logger, the invocation's clock. */
import type { Logger } from '@aws-lambda-powertools/logger'
import type { MetricSink } from '../../audit/revocation-metrics.ts'
import type { HttpRuntime } from './http-runtime.ts'

export interface HttpContext {
  readonly runtime: () => HttpRuntime
  readonly logger: Logger
  readonly metrics: MetricSink
  /** What Lambda leaves of the invocation, in milliseconds. */
  readonly remainingMs: () => number
  /** API Gateway's request id, or Lambda's when the event has none. */
  readonly requestId: string
}
