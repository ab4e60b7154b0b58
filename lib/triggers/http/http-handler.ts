/**
 * The HTTP function: routes API Gateway (or Function URL) requests to
 * `POST /revocations` (Standard Webhooks signed, for HR systems),
 * `DELETE /orgs/{orgId}/invites/{invitationId}` (IAM-authorized, for AWS automation) and
 * `GET|POST /okta/events` (Okta Event Hooks), each a thin adapter to the revoke use case run
 * and recorded here; whatever a route raises becomes an answer in `error-answers.ts`, and each
 * refusal is logged and counted through the route context (`refusals.ts`). Every request has
 * its own id: API Gateway's, else Lambda's, else a fresh one.
 */
import { randomUUID } from 'node:crypto'
import type { Logger } from '@aws-lambda-powertools/logger'
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware'
import middy from '@middy/core'
import type { Context } from 'aws-lambda'
import { createLogger } from '../../audit/logger.ts'
import { type Observer, type RequestedBy, warnDeprecation } from '../../audit/revocation-log.ts'
import { type MetricSink, powertoolsMetrics } from '../../audit/revocation-metrics.ts'
import { loadFunctionConfig } from '../../config/function-config.ts'
import { revoke } from '../../revoke/revoke.ts'
import type { RevokeReport } from '../../revoke/revoke-report.ts'
import { parseRevokeRequest } from '../../revoke/revoke-request.ts'
import {
  ANSWER_MS,
  announceOrgScope,
  announceStartFailure,
  invocationDeadline,
  madeAtInit,
} from '../container.ts'
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
import { type RefusalDetails, type RefusalReason, type RefusedRequest, refuse } from './refusals.ts'
import { webhookRevocation } from './webhook-route.ts'

export { MAX_BODY_BYTES } from './webhook-route.ts'

// An optional leading segment tolerates a stage prefix in the path.
const REVOCATIONS_ROUTE = /^(?:\/[^/]+)?\/revocations\/?$/
const INVITATION_ROUTE = /^(?:\/[^/]+)?\/orgs\/([^/]+)\/invites\/([^/]+)\/?$/
const OKTA_ROUTE = /^(?:\/[^/]+)?\/okta\/events\/?$/

/** The route a path names, with its template (what logs say) and path parameters. */
export type Route =
  | { readonly kind: 'revocations'; readonly template: '/revocations' }
  | {
      readonly kind: 'invitation'
      readonly template: '/orgs/{orgId}/invites/{invitationId}'
      readonly orgId: string
      readonly invitationId: string
    }
  | { readonly kind: 'okta'; readonly template: '/okta/events' }
  | { readonly kind: 'none'; readonly template: '(no route)' }

/**
 * @example
 * matchRoute('/prod/orgs/a01…/invites/6a7…') // → { kind: 'invitation', orgId: 'a01…', … }
 */
export function matchRoute(path: string): Route {
  if (REVOCATIONS_ROUTE.test(path)) return { kind: 'revocations', template: '/revocations' }
  const invitation = INVITATION_ROUTE.exec(path)
  if (invitation)
    return {
      kind: 'invitation',
      template: '/orgs/{orgId}/invites/{invitationId}',
      orgId: invitation[1] ?? '',
      invitationId: invitation[2] ?? '',
    }
  if (OKTA_ROUTE.test(path)) return { kind: 'okta', template: '/okta/events' }
  return { kind: 'none', template: '(no route)' }
}

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
  const container = madeAtInit(
    () => {
      const built = createHttpContainer(loadFunctionConfig(env, 'http'), {
        ...options,
        onDeprecation: warnDeprecation({ logger, metrics }),
      })
      announceOrgScope(logger, built.config.orgScope, 'http')
      return built
    },
    (error) => announceStartFailure(logger, error),
  )
  const handle = async (event: unknown, lambda: Context): Promise<HttpResult> => {
    const request = readApiRequest(event)
    const context = routeContext(container, { logger, metrics }, lambda, request)
    try {
      return await handleHttpRequest(request, context)
    } catch (error) {
      return errorAnswer(error, context)
    }
  }
  return middy(handle).use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
}

/** What every route gets: the container, the audit trail, the invocation's clock and id. */
export interface RouteContext extends Observer, RefusedRequest {
  readonly container: () => HttpContainer
  /** What Lambda leaves of the invocation, in milliseconds. */
  readonly remainingMs: () => number
  /** API Gateway's request id; Lambda's (or a fresh one) when the event has none of its own. */
  readonly requestId: string
  /**
   * Runs one revoke request and records it (audit lines, metrics, the ledger). A malformed
   * request throws its `ValidationError` before anything else, the organization scope included.
   */
  readonly revoke: (input: unknown, requestedBy: RequestedBy) => Promise<RevokeReport>
  /** Logs and counts a refusal of this request (`refusals.ts`); returns `answer`. */
  readonly refuse: (
    reason: RefusalReason,
    answer: HttpResult,
    details?: RefusalDetails,
  ) => HttpResult
}

/**
 * The request's own id: API Gateway's, else Lambda's, else a fresh one, so that no two audit
 * lines share one (serverless-offline gives every HTTP API request the same placeholder).
 */
export function requestIdOf(request: ApiRequest, lambda: Pick<Context, 'awsRequestId'>): string {
  return request.requestId || lambda.awsRequestId || randomUUID()
}

function routeContext(
  container: () => HttpContainer,
  observer: Observer,
  lambda: Context,
  request: ApiRequest,
): RouteContext {
  const remainingMs = () => lambda.getRemainingTimeInMillis()
  const requestId = requestIdOf(request, lambda)
  const where: RefusedRequest = {
    requestId,
    route: `${request.method || '-'} ${matchRoute(request.path).template}`,
    sourceIp: request.sourceIp,
  }
  const context: RouteContext = {
    ...observer,
    ...where,
    container,
    remainingMs,
    async revoke(input, requestedBy) {
      const receivedAt = new Date()
      // Bad input first: it is the caller's to fix whatever the deployment's state, so it gets
      // its own 400 (which field, why) rather than the 503 of an unset scope. Parsing reaches
      // nothing outside this process; the routes have authenticated the request before this.
      parseRevokeRequest(input)
      const { ledger, config } = container()
      // Throws while ALLOWED_ORG_IDS is unset: nothing reaches Atlas without a scope.
      const settings = container().revokeSettings()
      const report = await revoke(input, settings, invocationDeadline(remainingMs()))
      await recordRequest(
        context,
        ledger,
        { includeProjects: config.includeProjects, retentionDays: config.ledgerRetentionDays },
        report,
        {
          requestedBy: { ...requestedBy, requestId },
          ledgerRequestId: requestId,
          receivedAt,
          writeBy: invocationDeadline(remainingMs(), Date.now(), ANSWER_MS),
        },
      )
      return report
    },
    refuse: (reason, answer, details) => refuse(observer, where, reason, answer, details),
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
  const route = matchRoute(path)
  switch (route.kind) {
    case 'revocations':
      if (method !== 'POST') return notAllowed('POST', '/revocations')
      return webhookRevocation(request, context)
    case 'invitation':
      if (method !== 'DELETE') return notAllowed('DELETE', 'this path')
      return iamRevocation(request, context, route.orgId, route.invitationId)
    case 'okta':
      if (method !== 'GET' && method !== 'POST') return notAllowed('GET, POST', '/okta/events')
      return oktaEvents(request, context)
    case 'none':
      return refusal(
        404,
        'not_found',
        'routes: POST /revocations, DELETE /orgs/{orgId}/invites/{invitationId}, GET|POST /okta/events',
        context.requestId,
      )
  }
}
