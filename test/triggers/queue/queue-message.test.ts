import { describe, expect, it } from 'vitest'
import { readQueueMessage } from '../../../lib/triggers/queue/queue-message.ts'
import { snsNotification } from '../../support/lambda-events.ts'

const ORG = 'a0123456789abcdef012345a'
const INVITE = '6a793f89c0eb9e7a177165b6'

describe('readQueueMessage', () => {
  it('reads a raw request and one wrapped in an SNS notification', () => {
    const request = { orgId: ORG, invitationId: INVITE }
    expect(readQueueMessage(JSON.stringify(request))).toEqual({
      requests: [request],
      requestedBy: { trigger: 'queue' },
    })
    expect(readQueueMessage(snsNotification(request))).toEqual({
      requests: [request],
      requestedBy: { trigger: 'queue' },
    })
  })

  it('keeps who asked when our HTTP function handed the request over', () => {
    const body = {
      username: 'leaver@example.com',
      requestedBy: { trigger: 'okta', oktaEventId: 'ab62c0bc', requestId: 'r-1', extra: 'x' },
    }
    expect(readQueueMessage(JSON.stringify(body)).requestedBy).toEqual({
      trigger: 'okta',
      oktaEventId: 'ab62c0bc',
      requestId: 'r-1',
      webhookId: undefined,
      iamCaller: undefined,
    })
    // Anything else claiming to be someone is just the queue.
    expect(
      readQueueMessage(JSON.stringify({ ...body, requestedBy: { trigger: 'cli' } })).requestedBy,
    ).toEqual({ trigger: 'queue' })
  })

  it('names what is wrong', () => {
    expect(() => readQueueMessage('{')).toThrow('body is not JSON')
    expect(() => readQueueMessage(JSON.stringify({ Type: 'Notification', Message: '{' }))).toThrow(
      'Message is not JSON',
    )
  })
})
