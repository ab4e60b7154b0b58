/**
 * The HTTP function: routes API Gateway (or Function URL) requests to
 * `POST /revocations` (Standard Webhooks signed, for HR systems),
 * `DELETE /orgs/{orgId}/invites/{invitationId}` (IAM-authorized, for AWS automation) and
 * `GET|POST /okta/events` (Okta Event Hooks), each a thin adapter to the revoke use case run
 * and recorded here; whatever a route raises becomes an answer in `error-answers.ts`.
 */
import type { Logger } from '@aws-lambda-powertools/logger'
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware'
import middy from '@middy/core'
import type { Context } from 'aws-lambda'
import { createLogger } from '../../audit/logger.ts'
import { type RequestedBy, warnDeprecation } from '../../audit/revocation-log.ts'
import { type MetricSink, powertoolsMetrics } from '../../audit/revocation-metrics.ts'
import { loadFunctionConfig } from '../../config/function-config.ts'
import { revoke } from '../../revoke/revoke.ts'
import type { RevokeReport } from '../../revoke/revoke-report.ts'
import { invocationDeadline, onFirstUse } from '../container.ts'
import { recordRequest } from '../record-request.ts'
import { type ApiRequest, readApiRequest } from './api-request.ts'
import { errorAnswer } from './error-answers.ts'
import {
  createHttpContainer,
  type HttpContainer,
  type HttpContainerOverrides,
} from './http-container.ts'
import { type HttpResult, refusal } from './http-responses.ts'
import { iamRevocation } from './iam-route.ts'
import { oktaEvents } from './okta-route.ts'
import { webhookRevocation } from './webhook-route.ts'

export { MAX_BODY_BYTES } from './webhook-route.ts'

// An optional leading segment tolerates a stage prefix in the path.
const REVOCATIONS_ROUTE = /^(?:\/[^/]+)?\/revocations\/?$/
const INVITATION_ROUTE = /^(?:\/[^/]+)?\/orgs\/([^/]+)\/invites\/([^/]+)\/?$/
const OKTA_ROUTE = /^(?:\/[^/]+)?\/okta\/events\/?$/

export interface HttpHandlerOptions extends HttpContainerOverrides {
  readonly logger?: Logger
  readonly metrics?: MetricSink
}

/**
 * @example
 * // functions/http/index.ts
 * export const handler = createHttpHandler(process.env)
 */
export function createHttpHandler(
  env: Readonly<Record<string, string | undefined>>,
  options: HttpHandlerOptions = {},
) {
  const logger = options.logger ?? createLogger()
  const metrics = options.metrics ?? powertoolsMetrics(env)
  const container = onFirstUse(() =>
    createHttpContainer(loadFunctionConfig(env, 'http'), {
      ...options,
      onDeprecation: warnDeprecation({ logger, metrics }),
    }),
  )
  const handle = async (event: unknown, context: Context): Promise<HttpResult> => {
    let requestId = context.awsRequestId
    try {
      const request = readApiRequest(event)
      requestId = request.requestId || requestId
      return await handleHttpRequest(
        request,
        routeContext(container, logger, metrics, context, requestId),
      )
    } catch (error) {
      return errorAnswer(error, requestId, logger)
    }
  }
  return middy(handle).use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
}

/** What every route gets: the container, the audit trail, the invocation's clock and id. */
export interface RouteContext {
  readonly container: () => HttpContainer
  readonly logger: Logger
  readonly metrics: MetricSink
  /** What Lambda leaves of the invocation, in milliseconds. */
  readonly remainingMs: () => number
  /** API Gateway's request id, or Lambda's when the event has none. */
  readonly requestId: string
  /** Runs one revoke request and records it (audit lines, metrics, the ledger). */
  readonly revoke: (input: unknown, requestedBy: RequestedBy) => Promise<RevokeReport>
}

function routeContext(
  container: () => HttpContainer,
  logger: Logger,
  metrics: MetricSink,
  lambda: Context,
  requestId: string,
): RouteContext {
  const remainingMs = () => lambda.getRemainingTimeInMillis()
  const context: RouteContext = {
    container,
    logger,
    metrics,
    remainingMs,
    requestId,
    async revoke(input, requestedBy) {
      const receivedAt = new Date()
      const { revokeSettings, ledger, config } = container()
      const report = await revoke(input, revokeSettings, invocationDeadline(remainingMs()))
      await recordRequest(
        context,
        ledger,
        { includeProjects: config.includeProjects, retentionDays: config.ledgerRetentionDays },
        report,
        { requestedBy: { ...requestedBy, requestId }, receivedAt },
      )
      return report
    },
  }
  return context
}

export async function handleHttpRequest(
  request: ApiRequest,
  context: RouteContext,
): Promise<HttpResult> {
  const { method, path } = request
  const notAllowed = (allow: string, where: string) =>
    refusal(405, 'method_not_allowed', `use ${allow} on ${where}`, context.requestId, {}, { allow })
  if (REVOCATIONS_ROUTE.test(path)) {
    if (method !== 'POST') return notAllowed('POST', '/revocations')
    return webhookRevocation(request, context)
  }
  const match = INVITATION_ROUTE.exec(path)
  if (match) {
    if (method !== 'DELETE') return notAllowed('DELETE', 'this path')
    return iamRevocation(request, context, match[1] ?? '', match[2] ?? '')
  }
  if (OKTA_ROUTE.test(path)) {
    if (method !== 'GET' && method !== 'POST') return notAllowed('GET, POST', '/okta/events')
    return oktaEvents(request, context)
  }
  return refusal(
    404,
    'not_found',
    'routes: POST /revocations, DELETE /orgs/{orgId}/invites/{invitationId}, GET|POST /okta/events',
    context.requestId,
  )
}
