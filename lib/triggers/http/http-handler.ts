/**
 * The HTTP function: routes API Gateway (or Function URL) requests to
 * `POST /revocations` (Standard Webhooks signed, for HR systems),
 * `DELETE /orgs/{orgId}/invites/{invitationId}` (IAM-authorized, for AWS automation) and
 * `GET|POST /okta/events` (Okta Event Hooks), each a thin adapter to the revoke use case; and
 * maps the errors a route may raise to answers.
 */
import type { Logger } from '@aws-lambda-powertools/logger'
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware'
import middy from '@middy/core'
import type { Context } from 'aws-lambda'
import { describeError } from '../../audit/describe-error.ts'
import { createLogger } from '../../audit/logger.ts'
import { warnDeprecation } from '../../audit/revocation-log.ts'
import { type MetricSink, powertoolsMetrics } from '../../audit/revocation-metrics.ts'
import { loadFunctionConfig } from '../../config/function-config.ts'
import { SecretUnavailableError } from '../../credentials/secret-cache.ts'
import { ValidationError } from '../../errors.ts'
import { LedgerUnavailableError } from '../../ledger/ledger.ts'
import { OrgNotAllowedError } from '../../revoke/revoke.ts'
import { onFirstUse } from '../function-runtime.ts'
import { RepeatInProgressError, RepeatMismatchError, RepeatsUnavailableError } from '../repeats.ts'
import { type ApiRequest, readApiRequest } from './api-request.ts'
import { httpErrorBoundary } from './error-boundary.ts'
import type { HttpContext } from './http-context.ts'
import { DEFAULT_RETRY_AFTER_SECONDS, type HttpResult, refusal } from './http-responses.ts'
import { createHttpRuntime, type HttpRuntimeOverrides } from './http-runtime.ts'
import { iamRevocation } from './iam-route.ts'
import { oktaEvents } from './okta-route.ts'
import { webhookRevocation } from './webhook-route.ts'

export { MAX_BODY_BYTES } from './webhook-route.ts'

// An optional leading segment tolerates a stage prefix in the path.
const REVOCATIONS_ROUTE = /^(?:\/[^/]+)?\/revocations\/?$/
const INVITATION_ROUTE = /^(?:\/[^/]+)?\/orgs\/([^/]+)\/invites\/([^/]+)\/?$/
const OKTA_ROUTE = /^(?:\/[^/]+)?\/okta\/events\/?$/

export interface HttpHandlerOptions extends HttpRuntimeOverrides {
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
  const runtime = onFirstUse(() =>
    createHttpRuntime(loadFunctionConfig(env, 'http'), {
      ...options,
      onDeprecation: warnDeprecation({ logger, metrics }),
    }),
  )
  const handle = (event: unknown, context: Context): Promise<HttpResult> => {
    const request = readApiRequest(event)
    return handleHttpRequest(request, {
      runtime,
      logger,
      metrics,
      remainingMs: () => context.getRemainingTimeInMillis(),
      requestId: request.requestId || context.awsRequestId,
    })
  }
  return middy(handle)
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use(httpErrorBoundary(logger))
}

export async function handleHttpRequest(
  request: ApiRequest,
  context: HttpContext,
): Promise<HttpResult> {
  const { method, path } = request
  const notAllowed = (allow: string, where: string) =>
    refusal(405, 'method_not_allowed', `use ${allow} on ${where}`, context.requestId, {}, { allow })
  if (REVOCATIONS_ROUTE.test(path)) {
    if (method !== 'POST') return notAllowed('POST', '/revocations')
    return respond(context, () => webhookRevocation(request, context))
  }
  const match = INVITATION_ROUTE.exec(path)
  if (match) {
    if (method !== 'DELETE') return notAllowed('DELETE', 'this path')
    return respond(context, () => iamRevocation(request, context, match[1] ?? '', match[2] ?? ''))
  }
  if (OKTA_ROUTE.test(path)) {
    if (method !== 'GET' && method !== 'POST') return notAllowed('GET, POST', '/okta/events')
    return respond(context, () => oktaEvents(request, context))
  }
  return refusal(
    404,
    'not_found',
    'routes: POST /revocations, DELETE /orgs/{orgId}/invites/{invitationId}, GET|POST /okta/events',
    context.requestId,
  )
}

/** Maps the errors a route can raise to answers; anything else goes to the error boundary. */
async function respond(
  context: HttpContext,
  route: () => Promise<HttpResult>,
): Promise<HttpResult> {
  const { requestId } = context
  try {
    return await route()
  } catch (error) {
    if (error instanceof ValidationError) {
      return refusal(400, 'invalid_request', error.message, requestId, { field: error.field })
    }
    if (error instanceof OrgNotAllowedError) {
      return refusal(
        403,
        'org_not_allowed',
        'this deployment does not revoke invitations of that organization',
        requestId,
        { orgId: error.orgId },
      )
    }
    if (error instanceof SecretUnavailableError) {
      context.logger.error('secret unavailable', { error: describeError(error) })
      return refusal(
        503,
        'unavailable',
        'credentials could not be read; try again later',
        requestId,
        {},
        { 'retry-after': String(DEFAULT_RETRY_AFTER_SECONDS) },
      )
    }
    // Not recorded is not done: the caller tries again, and the retry finds what was done.
    if (error instanceof LedgerUnavailableError || error instanceof RepeatsUnavailableError) {
      context.logger.error('ledger unavailable: the request is not recorded', {
        error: describeError(error),
      })
      return refusal(
        503,
        'unavailable',
        'the revocation could not be recorded; try again later',
        requestId,
        {},
        { 'retry-after': String(DEFAULT_RETRY_AFTER_SECONDS) },
      )
    }
    if (error instanceof RepeatInProgressError)
      return refusal(
        503,
        'in_progress',
        'the same delivery is being handled; try again shortly',
        requestId,
        {},
        { 'retry-after': '5' },
      )
    if (error instanceof RepeatMismatchError)
      return refusal(409, 'conflict', error.message, requestId)
    throw error
  }
}
