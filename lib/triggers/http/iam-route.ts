/** `DELETE /orgs/{orgId}/invites/{invitationId}`: AWS automation, signed with SigV4 (IAM authorizer). */
import { ValidationError } from '../../errors.ts'
import type { ApiRequest } from './api-request.ts'
import type { RouteContext } from './http-handler.ts'
import { type HttpResult, refusal, reportResponse } from './http-responses.ts'

export async function iamRevocation(
  request: ApiRequest,
  context: RouteContext,
  orgId: string,
  invitationId: string,
): Promise<HttpResult> {
  const container = context.container()
  if (!request.iamCaller && !container.config.allowUnauthenticatedDelete) {
    return context.refuse(
      'iam_required',
      refusal(
        403,
        'iam_required',
        'this route needs an IAM-signed request (API Gateway IAM authorizer)',
        context.requestId,
      ),
    )
  }
  const input = {
    orgId: decodeSegment(orgId, 'orgId'),
    invitationId: decodeSegment(invitationId, 'invitationId'),
  }
  const report = await context.revoke(input, {
    trigger: 'iam',
    iamCaller: request.iamCaller,
  })
  return reportResponse(report, context.requestId)
}

function decodeSegment(segment: string, field: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    throw new ValidationError(field, 'is not a valid path segment')
  }
}
