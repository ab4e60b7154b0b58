/**
 * The message the HTTP function puts on the revoke queue when it hands a request over (Okta's
 * leavers; webhooks Atlas could not finish now): the request it already parsed and normalized,
 * typed so the queue function can tell it from anything else a sender might put there, and who
 * asked, as a message attribute. The queue function believes that attribute only from the HTTP
 * function's own role (`TRUSTED_HANDOVER_SENDER`); a body's own claim is never believed. Pure.
 */
import { createHash } from 'node:crypto'
import type { RequestedBy } from '../audit/revocation-log.ts'
import type { RevokeInput } from '../revoke/revoke-request.ts'

export const HANDOVER_KIND = 'atlas-invite-revoker/revoke-request'
/** The message attribute that carries who asked (a JSON RequestedBy). */
export const REQUESTED_BY_ATTRIBUTE = 'requestedBy'

/** One request to hand over, and who asked for it. */
export interface HandOver {
  readonly request: RevokeInput
  readonly requestedBy: RequestedBy
  /** What makes a redelivery of the same ask the same message: the webhook id, Okta's event uuid. */
  readonly deliveryId?: string | undefined
}

export function handOverBody(request: RevokeInput, deliveryId?: string): string {
  return JSON.stringify({
    kind: HANDOVER_KIND,
    version: 1,
    request,
    ...(deliveryId === undefined ? {} : { deliveryId }),
  })
}

/** The request (and delivery id) a hand-over body carries; `undefined` when it is no hand-over. */
export function readHandOver(
  message: unknown,
): { readonly request: unknown; readonly deliveryId?: string } | undefined {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return undefined
  const fields = message as Record<string, unknown>
  if (fields.kind !== HANDOVER_KIND || fields.version !== 1) return undefined
  return {
    request: fields.request ?? null,
    ...(typeof fields.deliveryId === 'string' ? { deliveryId: fields.deliveryId } : {}),
  }
}

/**
 * The FIFO message group: one per person, or per invitation, so each is revoked in order. SQS
 * takes 1 to 128 ASCII letters, digits and punctuation: an email may be longer or not ASCII,
 * so a person's group is a digest of the username.
 */
export function handOverGroup(request: RevokeInput): string {
  return 'username' in request
    ? `user:${createHash('sha256').update(request.username).digest('hex')}`
    : `invitation:${request.orgId}:${request.invitationId}`
}
