/**
 * The one mapping from an error a route raised to the answer the caller gets. Errors that
 * describe the request or a passing outage get their own status; anything else is a 500 with
 * no internals in the body, and the log gets the error's name and message (ours never carry
 * secrets), never the event. A request refused for what it is (a bad field, an organization
 * outside the allowlist, a webhook id seen with another body) is logged and counted as a
 * refusal; a deployment without ALLOWED_ORG_IDS answers 503 naming it.
 */
import type { Logger } from '@aws-lambda-powertools/logger'
import { describeError } from '../../audit/describe-error.ts'
import { OrgScopeUnsetError } from '../../config/function-config.ts'
import { SecretUnavailableError } from '../../credentials/secret-cache.ts'
import { ValidationError } from '../../errors.ts'
import { LedgerUnavailableError } from '../../ledger/ledger.ts'
import { OrgNotAllowedError } from '../../revoke/revoke.ts'
import { UnknownFieldError } from '../../revoke/revoke-request.ts'
import { RepeatInProgressError, RepeatMismatchError, RepeatsUnavailableError } from '../repeats.ts'
import { DEFAULT_RETRY_AFTER_SECONDS, type HttpResult, refusal } from './http-responses.ts'
import type { RefusalDetails, RefusalReason } from './refusals.ts'

/** A field name sent back or logged is cut to this: the sender chose it, at any length. */
const MAX_FIELD_NAME = 64

const TRY_AGAIN_LATER = { 'retry-after': String(DEFAULT_RETRY_AFTER_SECONDS) }

/** What the mapping needs of the request's route context. */
export interface ErrorContext {
  readonly requestId: string
  readonly logger: Logger
  readonly refuse: (
    reason: RefusalReason,
    answer: HttpResult,
    details?: RefusalDetails,
  ) => HttpResult
}

export function errorAnswer(error: unknown, context: ErrorContext): HttpResult {
  const { requestId, logger } = context
  if (error instanceof ValidationError) {
    // `field` is the field the schema expected; a lookalike's own name is `unknownField`.
    const fields = {
      field: error.field,
      ...(error instanceof UnknownFieldError
        ? { unknownField: error.unknownField.slice(0, MAX_FIELD_NAME) }
        : {}),
    }
    return context.refuse(
      'invalid_request',
      refusal(400, 'invalid_request', error.message, requestId, fields),
      fields,
    )
  }
  if (error instanceof OrgNotAllowedError) {
    return context.refuse(
      'org_not_allowed',
      refusal(
        403,
        'org_not_allowed',
        'this deployment does not revoke invitations of that organization',
        requestId,
        { orgId: error.orgId },
      ),
      { orgId: error.orgId },
    )
  }
  // The deployment's fault, not the caller's: said at INIT as an ERROR, here per request.
  if (error instanceof OrgScopeUnsetError) {
    logger.warn('request not served: ALLOWED_ORG_IDS is not set', { requestId })
    return refusal(
      503,
      'not_configured',
      error.message,
      requestId,
      { setting: error.setting },
      TRY_AGAIN_LATER,
    )
  }
  if (error instanceof SecretUnavailableError) {
    logger.error('secret unavailable', { error: describeError(error) })
    const message = 'credentials could not be read; try again later'
    return refusal(503, 'unavailable', message, requestId, {}, TRY_AGAIN_LATER)
  }
  // Not recorded is not done: the caller tries again, and the retry finds what was done.
  if (error instanceof LedgerUnavailableError || error instanceof RepeatsUnavailableError) {
    logger.error('ledger unavailable: the request is not recorded', {
      error: describeError(error),
    })
    const message = 'the revocation could not be recorded; try again later'
    return refusal(503, 'unavailable', message, requestId, {}, TRY_AGAIN_LATER)
  }
  if (error instanceof RepeatInProgressError) {
    const message = 'the same delivery is being handled; try again shortly'
    return refusal(503, 'in_progress', message, requestId, {}, { 'retry-after': '5' })
  }
  if (error instanceof RepeatMismatchError)
    return context.refuse('replay_mismatch', refusal(409, 'conflict', error.message, requestId))
  logger.error('request failed', { error: describeError(error) })
  return refusal(500, 'internal_error', 'the request could not be completed', requestId)
}
