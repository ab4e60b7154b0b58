/**
 * An SQS record body as a revoke request: the JSON itself, or an SNS notification carrying it
 * in `Message` (a queue subscribed to a topic without raw message delivery).
 */
import { ValidationError } from '../../errors.ts'
import { parseRevokeRequest, type RevokeRequest } from '../../revoke/revoke-request.ts'

export function parseQueueMessage(body: string): RevokeRequest {
  const parsed = parseJson(body, 'body')
  const notification = parsed as { Type?: unknown; Message?: unknown; TopicArn?: unknown }
  if (notification?.Type === 'Notification' && typeof notification.Message === 'string') {
    return parseRevokeRequest(parseJson(notification.Message, 'Message'))
  }
  return parseRevokeRequest(parsed)
}

function parseJson(text: string, field: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new ValidationError(field, 'is not JSON')
  }
}
