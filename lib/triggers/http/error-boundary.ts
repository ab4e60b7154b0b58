/**
 * middy middleware: whatever escapes the HTTP handler becomes a 500 with no internals in the
 * body; the log gets the error's name and message (ours never carry secrets), not the event.
 */
import type { Logger } from '@aws-lambda-powertools/logger'
import type { MiddlewareObj } from '@middy/core'
import { describeError } from '../../audit/describe-error.ts'
import { refusal } from './http-responses.ts'

export function httpErrorBoundary(logger: Logger): MiddlewareObj<unknown, unknown> {
  return {
    onError: async (request) => {
      logger.error('request failed', { error: describeError(request.error) })
      request.response = refusal(
        500,
        'internal_error',
        'the request could not be completed',
        request.context.awsRequestId,
      )
    },
  }
}
