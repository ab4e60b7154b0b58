import { describe, expect, it } from 'vitest'
import { parseQueueMessage } from '../../../lib/triggers/queue/queue-message.ts'
import { snsNotification } from '../../support/lambda-events.ts'

const ORG = 'a0123456789abcdef012345a'
const INVITE = '6a793f89c0eb9e7a177165b6'

describe('parseQueueMessage', () => {
  it('reads a raw request and one wrapped in an SNS notification', () => {
    const expected = { kind: 'invitation', orgId: ORG, invitationId: INVITE }
    expect(parseQueueMessage(JSON.stringify({ orgId: ORG, invitationId: INVITE }))).toEqual(
      expected,
    )
    expect(parseQueueMessage(snsNotification({ orgId: ORG, invitationId: INVITE }))).toEqual(
      expected,
    )
    expect(
      parseQueueMessage(snsNotification({ orgId: ORG, username: 'leaver@example.com' })),
    ).toEqual({
      kind: 'username',
      orgId: ORG,
      username: 'leaver@example.com',
    })
  })

  it('names what is wrong', () => {
    expect(() => parseQueueMessage('{')).toThrow('body is not JSON')
    expect(() => parseQueueMessage(JSON.stringify({ Type: 'Notification', Message: '{' }))).toThrow(
      'Message is not JSON',
    )
    expect(() => parseQueueMessage(JSON.stringify({ orgId: ORG, invitationId: 'x' }))).toThrow(
      'invitationId must be 24 lowercase hex digits',
    )
  })
})
