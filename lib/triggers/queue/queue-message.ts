/**
 * What an SQS record asks for, and who asked. Its body is one of:
 *
 * - a hand-over from our HTTP function (`handover.ts`): the request it parsed, with who asked
 *   as a message attribute, believed only from the HTTP function's own role;
 * - an Amazon EventBridge event: from an Okta partner event source (`source`
 *   `aws.partner/okta.com…`), a System Log event whose leavers are revoked by username; from any
 *   other source, a revoke request in `detail`;
 * - an SNS notification carrying an EventBridge event or a request in `Message`;
 * - a revoke request (`{"orgId","invitationId"}`, `{"username"}`, …).
 *
 * Each record ends settled, failed (a ValidationError: retrying cannot help, so after
 * maxReceiveCount it rests in the DLQ) or ignored with a reason per event (an Okta event that is
 * no leaver's, a leaver event that failed or names no email). The requester is what AWS says
 * (SQS's `SenderId`); what a body says of itself (its own `requestedBy`, or an EventBridge
 * event's `source` and ids, which any sender could write) is kept as `claimedBy`, never
 * believed. Pure.
 */

import type { RequestedBy } from '../../audit/revocation-log.ts'
import { ValidationError } from '../../errors.ts'
import { readHandOver } from '../handover.ts'
import {
  distinctLeavers,
  isOktaEvent,
  readSystemLogEvent,
  type SkippedEvent,
} from '../okta-events.ts'

export interface QueueMessage {
  /** The revoke requests the record carries (validated later, by the use case); none when ignored. */
  readonly requests: readonly unknown[]
  readonly requestedBy: RequestedBy
  /** Who the body says asked: logged, never believed. */
  readonly claimedBy?: unknown
  /** Events the record carried that ask for nothing, each with why. */
  readonly skipped: readonly SkippedEvent[]
  /**
   * The delivery the record is one copy of (a hand-over's webhook id or Okta event, an Okta
   * System Log event's `uuid` through EventBridge): its repeats are one request.
   */
  readonly deliveryId?: string
  /**
   * What every copy of `deliveryId` carries, whatever envelope brought it (an EventBridge event's
   * `source` and `detail`, under an SNS notification or not); the record's body when absent.
   */
  readonly deliveryContent?: string
}

/** What the record says besides its body, as SQS set it. */
export interface RecordFacts {
  /** SQS's `SenderId`: the IAM user or role (and session) that sent the message. */
  readonly senderId: string | undefined
  /** The `requestedBy` message attribute, as sent. */
  readonly requestedByAttribute: string | undefined
  /**
   * Our HTTP function's `SenderId` (`TRUSTED_HANDOVER_SENDER`): its role id and session (the
   * function name), `AROA…:atlas-invite-revoker-prod-http`; unset: trust no attribute. A bare
   * role id (no `:`) trusts every session of that role.
   */
  readonly trustedSender: string | undefined
}

/** The triggers our HTTP function hands over: signed webhooks and Okta's leavers. */
const HANDED_OVER: ReadonlySet<string> = new Set(['webhook', 'okta'])

/**
 * @example
 * readQueueMessage('{"username":"leaver@example.com"}', { senderId: 'AIDA…', … })
 * // → { requests: [{ username: 'leaver@example.com' }], requestedBy: { trigger: 'queue', senderId: 'AIDA…' }, skipped: [] }
 */
export function readQueueMessage(body: string, facts: RecordFacts): QueueMessage {
  const message = parseJson(body, 'body')
  const sender = { ...(facts.senderId === undefined ? {} : { senderId: facts.senderId }) }
  const handedOver = readHandOver(message)
  if (handedOver !== undefined)
    return {
      ...fromHandOver(handedOver.request, facts, sender),
      ...(handedOver.deliveryId === undefined ? {} : { deliveryId: handedOver.deliveryId }),
    }
  const fields = objectOf(message)
  if (fields?.Type === 'Notification' && typeof fields.Message === 'string')
    return fromContent(parseJson(fields.Message, 'Message'), { trigger: 'queue', ...sender })
  return fromContent(message, { trigger: 'queue', ...sender })
}

function fromHandOver(
  request: unknown,
  facts: RecordFacts,
  sender: { senderId?: string },
): QueueMessage {
  const claim = facts.requestedByAttribute
  const claimed = claim === undefined ? undefined : parseClaim(claim)
  const trusted = isTrustedSender(facts.senderId, facts.trustedSender)
  const original = trusted ? requesterOf(claimed) : undefined
  return {
    requests: [request],
    requestedBy: original
      ? { ...original, handedOverBy: facts.senderId }
      : { trigger: 'queue', ...sender },
    ...(original || claimed === undefined ? {} : { claimedBy: claimed }),
    skipped: [],
  }
}

/** A bare role id trusts its every session; `role:session` that session only. */
function isTrustedSender(senderId: string | undefined, trusted: string | undefined): boolean {
  if (trusted === undefined || senderId === undefined) return false
  return senderId === trusted || (!trusted.includes(':') && senderId.startsWith(`${trusted}:`))
}

function fromContent(content: unknown, requestedBy: RequestedBy): QueueMessage {
  const fields = objectOf(content)
  if (!fields)
    throw new ValidationError('body', 'must be a JSON object: a revoke request or an event')
  if ('detail-type' in fields) {
    const detail = objectOf(fields.detail)
    if (!detail)
      throw new ValidationError('detail', 'must be a JSON object in an EventBridge event')
    // What the event says of itself: any sender to the queue could have written it.
    const event = {
      via: 'eventbridge',
      eventBridgeId: typeof fields.id === 'string' ? fields.id : undefined,
      source: typeof fields.source === 'string' ? fields.source : undefined,
    }
    if (!isOktaEvent(fields))
      return {
        ...withClaim(detail, requestedBy),
        claimedBy: {
          ...event,
          ...(detail.requestedBy === undefined ? {} : { requestedBy: detail.requestedBy }),
        },
      }
    const read = readSystemLogEvent(detail)
    const oktaEventId = typeof detail.uuid === 'string' ? detail.uuid : undefined
    return {
      requests: distinctLeavers(read.leavers).map((leaver) => ({ username: leaver.username })),
      requestedBy,
      claimedBy: { ...event, oktaEventId },
      skipped: read.skipped,
      // Okta's uuid is the same on every copy EventBridge delivers (or Okta publishes again, under
      // another EventBridge id): one ask. Who sent it and what it says are in the key, so a copy
      // from another sender, or saying something else under the same uuid, is another ask (with
      // its own ledger item), never a repeat. No uuid: the message id keys it.
      ...(oktaEventId === undefined || oktaEventId === ''
        ? {}
        : {
            deliveryId: oktaEventId,
            deliveryContent: JSON.stringify({
              senderId: requestedBy.senderId,
              source: event.source,
              detail,
            }),
          }),
    }
  }
  return withClaim(fields, requestedBy)
}

function withClaim(request: Record<string, unknown>, requestedBy: RequestedBy): QueueMessage {
  return {
    requests: [request],
    requestedBy,
    ...(request.requestedBy === undefined ? {} : { claimedBy: request.requestedBy }),
    skipped: [],
  }
}

/** Who asked, from our own HTTP function's attribute: its trigger and ids, nothing more. */
function requesterOf(claim: unknown): RequestedBy | undefined {
  const fields = objectOf(claim)
  if (!fields || typeof fields.trigger !== 'string' || !HANDED_OVER.has(fields.trigger))
    return undefined
  const text = (name: string) => (typeof fields[name] === 'string' ? fields[name] : undefined)
  return {
    trigger: fields.trigger as RequestedBy['trigger'],
    webhookId: text('webhookId'),
    oktaEventId: text('oktaEventId'),
    iamCaller: text('iamCaller'),
    requestId: text('requestId'),
  }
}

function parseClaim(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}

function parseJson(text: string, field: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new ValidationError(field, 'is not JSON')
  }
}
