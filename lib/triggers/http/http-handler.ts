/**
 * The HTTP function: `POST /revocations` (Standard Webhooks signed, for HR systems) and
 * `DELETE /orgs/{orgId}/invites/{invitationId}` (IAM-authorized, for AWS automation), both
 * thin adapters to the revoke use case.
 */
import type { Logger } from '@aws-lambda-powertools/logger'
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware'
import middy from '@middy/core'
import type { Context } from 'aws-lambda'
import { loadFunctionConfig } from '../../config/function-config.ts'
import { SecretUnavailableError } from '../../credentials/secret-cache.ts'
import { ValidationError } from '../../errors.ts'
import { describeError } from '../../logging/describe-error.ts'
import { createLogger, warnDeprecation } from '../../logging/logger.ts'
import { logReport } from '../../logging/revocation-log.ts'
import { OrgNotAllowedError, revoke } from '../../revoke/revoke.ts'
import { invocationDeadline, onFirstUse, type RuntimeOverrides } from '../function-runtime.ts'
import { type ApiRequest, readApiRequest } from './api-request.ts'
import { httpErrorBoundary } from './error-boundary.ts'
import {
  DEFAULT_RETRY_AFTER_SECONDS,
  type HttpResult,
  refusal,
  reportResponse,
} from './http-responses.ts'
import { createHttpRuntime, type HttpRuntime } from './http-runtime.ts'
import { WebhookSignatureError } from './webhook-signature.ts'

export const MAX_BODY_BYTES = 16 * 1024

// An optional leading segment tolerates a stage prefix in the path.
const REVOCATIONS_ROUTE = /^(?:\/[^/]+)?\/revocations\/?$/
const INVITATION_ROUTE = /^(?:\/[^/]+)?\/orgs\/([^/]+)\/invites\/([^/]+)\/?$/

export interface HttpHandlerOptions extends RuntimeOverrides {
  readonly logger?: Logger
}

/**
 * @example
 * // functions/http.ts
 * export const handler = createHttpHandler(process.env)
 */
export function createHttpHandler(
  env: Readonly<Record<string, string | undefined>>,
  options: HttpHandlerOptions = {},
) {
  const logger = options.logger ?? createLogger()
  const runtime = onFirstUse(() =>
    createHttpRuntime(loadFunctionConfig(env, 'http'), {
      ...options,
      onDeprecation: warnDeprecation(logger),
    }),
  )
  const handle = (event: unknown, context: Context): Promise<HttpResult> =>
    handleHttpRequest(readApiRequest(event), {
      runtime,
      logger,
      remainingMs: () => context.getRemainingTimeInMillis(),
      fallbackRequestId: context.awsRequestId,
    })
  return middy(handle)
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use(httpErrorBoundary(logger))
}

interface HttpContext {
  readonly runtime: () => HttpRuntime
  readonly logger: Logger
  readonly remainingMs: () => number
  readonly fallbackRequestId: string
}

export async function handleHttpRequest(
  request: ApiRequest,
  context: HttpContext,
): Promise<HttpResult> {
  const requestId = request.requestId || context.fallbackRequestId
  const { method, path } = request
  if (REVOCATIONS_ROUTE.test(path)) {
    if (method !== 'POST')
      return refusal(
        405,
        'method_not_allowed',
        'use POST on /revocations',
        requestId,
        {},
        { allow: 'POST' },
      )
    return respond(context, requestId, () => webhookRevocation(request, context, requestId))
  }
  const match = INVITATION_ROUTE.exec(path)
  if (match) {
    if (method !== 'DELETE')
      return refusal(
        405,
        'method_not_allowed',
        'use DELETE on this path',
        requestId,
        {},
        { allow: 'DELETE' },
      )
    return respond(context, requestId, () =>
      iamRevocation(request, context, requestId, match[1] ?? '', match[2] ?? ''),
    )
  }
  return refusal(
    404,
    'not_found',
    'routes: POST /revocations, DELETE /orgs/{orgId}/invites/{invitationId}',
    requestId,
  )
}

/** Maps the errors a route can raise to answers; anything else goes to the error boundary. */
async function respond(
  context: HttpContext,
  requestId: string,
  route: () => Promise<HttpResult>,
): Promise<HttpResult> {
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
        {
          'retry-after': String(DEFAULT_RETRY_AFTER_SECONDS),
        },
      )
    }
    throw error
  }
}

async function webhookRevocation(
  request: ApiRequest,
  context: HttpContext,
  requestId: string,
): Promise<HttpResult> {
  const runtime = context.runtime()
  if (request.body.length > MAX_BODY_BYTES) {
    return refusal(
      413,
      'payload_too_large',
      `bodies are limited to ${MAX_BODY_BYTES} bytes`,
      requestId,
    )
  }
  const verify = await runtime.webhookVerifier()
  let webhookId: string
  try {
    webhookId = verify(request.headers, request.body)
  } catch (error) {
    if (!(error instanceof WebhookSignatureError)) throw error
    context.logger.warn('webhook signature rejected', {
      reason: error.message,
      webhookId: request.headers['webhook-id'],
    })
    return refusal(401, 'invalid_signature', error.message, requestId)
  }
  const { answer, replayed } = await runtime.webhookReplays.answer(
    webhookId,
    request.body,
    async () => {
      let body: unknown
      try {
        body = JSON.parse(request.body.toString('utf8'))
      } catch {
        return refusal(400, 'invalid_json', 'the body is not JSON', requestId, { field: 'body' })
      }
      return revokeAndAnswer(body, runtime, context, requestId, {
        trigger: 'webhook',
        webhookId,
      })
    },
  )
  if (replayed)
    context.logger.info('webhook replay answered from the first delivery', { webhookId })
  return answer
}

async function iamRevocation(
  request: ApiRequest,
  context: HttpContext,
  requestId: string,
  orgId: string,
  invitationId: string,
): Promise<HttpResult> {
  const runtime = context.runtime()
  if (!request.iamCaller && !runtime.config.allowUnauthenticatedDelete) {
    return refusal(
      403,
      'iam_required',
      'this route needs an IAM-signed request (API Gateway IAM authorizer)',
      requestId,
    )
  }
  const input = {
    orgId: decodeSegment(orgId, 'orgId'),
    invitationId: decodeSegment(invitationId, 'invitationId'),
  }
  return revokeAndAnswer(input, runtime, context, requestId, {
    trigger: 'iam',
    caller: request.iamCaller,
  })
}

async function revokeAndAnswer(
  input: unknown,
  runtime: HttpRuntime,
  context: HttpContext,
  requestId: string,
  logFields: Record<string, unknown>,
): Promise<HttpResult> {
  const deadline = invocationDeadline(context.remainingMs())
  const report = await revoke(input, runtime.revokeSettings, deadline)
  logReport(context.logger, report, { ...logFields, requestId })
  return reportResponse(report, requestId)
}

function decodeSegment(segment: string, field: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    throw new ValidationError(field, 'is not a valid path segment')
  }
}
