/**
 * What an SQS record asks for. Its body is one of:
 *
 * - a revoke request (`{"orgId","invitationId"}`, `{"username"}`, …), perhaps with the
 *   `requestedBy` our HTTP function adds when it hands a request over to the queue;
 * - an SNS notification carrying one in `Message` (a subscription without raw delivery);
 * - an Amazon EventBridge event whose `detail` is a revoke request, or an Okta System Log event
 *   (Okta's partner event source): a leaver event revokes each of its User targets, any other
 *   Okta event asks for nothing.
 *
 * The requests are returned as they came; the revoke use case validates them.
 */
import { ValidationError } from '../../errors.ts'
import type { RequestedBy } from '../../logging/revocation-log.ts'
import { leaversOfSystemLogEvent } from '../okta-events.ts'

export interface QueueMessage {
  /** The revoke requests the record carries (validated later, by the use case). */
  readonly requests: readonly unknown[]
  readonly requestedBy: RequestedBy
  /** Why a record that asks for nothing is still fine to ack (an Okta event that is not a leaver's). */
  readonly ignored?: string
}

const HANDED_OVER: ReadonlySet<string> = new Set(['webhook', 'okta', 'iam'])

/**
 * @example
 * readQueueMessage('{"username":"leaver@example.com"}')
 * // → { requests: [{ username: 'leaver@example.com' }], requestedBy: { trigger: 'queue' } }
 */
export function readQueueMessage(body: string): QueueMessage {
  let message = parseJson(body, 'body')
  const notification = objectOf(message)
  if (notification?.Type === 'Notification' && typeof notification.Message === 'string')
    message = parseJson(notification.Message, 'Message')
  const fields = objectOf(message)
  if (fields && 'detail-type' in fields && objectOf(fields.detail)) return fromEventBridge(fields)
  return { requests: [message], requestedBy: handedOverBy(fields?.requestedBy) }
}

function fromEventBridge(event: Record<string, unknown>): QueueMessage {
  const detail = objectOf(event.detail) ?? {}
  const eventBridgeId = typeof event.id === 'string' ? event.id : undefined
  if (typeof detail.eventType !== 'string')
    return { requests: [detail], requestedBy: { trigger: 'eventbridge', eventBridgeId } }
  const leavers = leaversOfSystemLogEvent(detail)
  const oktaEventId = typeof detail.uuid === 'string' ? detail.uuid : undefined
  return {
    requests: leavers.map((leaver) => ({ username: leaver.username })),
    requestedBy: { trigger: 'eventbridge', eventBridgeId, oktaEventId },
    ...(leavers.length === 0
      ? { ignored: `Okta event ${detail.eventType} names no leaver: nothing to revoke` }
      : {}),
  }
}

/** The `requestedBy` our HTTP function adds when it hands a request to the queue. */
function handedOverBy(value: unknown): RequestedBy {
  const fields = objectOf(value)
  if (!fields || typeof fields.trigger !== 'string' || !HANDED_OVER.has(fields.trigger))
    return { trigger: 'queue' }
  const text = (name: string) => (typeof fields[name] === 'string' ? fields[name] : undefined)
  return {
    trigger: fields.trigger as RequestedBy['trigger'],
    webhookId: text('webhookId'),
    oktaEventId: text('oktaEventId'),
    iamCaller: text('iamCaller'),
    requestId: text('requestId'),
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
