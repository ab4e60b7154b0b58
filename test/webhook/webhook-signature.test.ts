import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  signWebhook,
  WebhookSignatureError,
  webhookVerifier,
} from '../../lib/webhook/webhook-signature.ts'

// The example secret from the Standard Webhooks specification.
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const BODY = '{"orgId":"a0123456789abcdef012345a","invitationId":"6a793f89c0eb9e7a177165b6"}'

describe('Standard Webhooks signatures', () => {
  it('signs HMAC-SHA256 of "id.timestamp.body" with the base64-decoded key, as the spec says', () => {
    const at = new Date('2026-11-26T10:00:00Z')
    const headers = signWebhook(SECRET, 'msg_p5jXN8AQM9LWM0D4loKWxJek', at, BODY)
    const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64')
    const expected = createHmac('sha256', key)
      .update(`msg_p5jXN8AQM9LWM0D4loKWxJek.${at.getTime() / 1000}.${BODY}`)
      .digest('base64')
    expect(headers).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': String(at.getTime() / 1000),
      'webhook-signature': `v1,${expected}`,
    })
  })

  it('verifies on the raw bytes and reports why it refuses', () => {
    const verify = webhookVerifier(SECRET)
    const headers = signWebhook(SECRET, 'msg_1', new Date(), BODY)
    expect(() => verify(headers, Buffer.from(BODY))).not.toThrow()
    expect(() => verify(headers, Buffer.from(`${BODY} `))).toThrow(WebhookSignatureError)
    expect(() => verify({ ...headers, 'webhook-id': 'msg_2' }, Buffer.from(BODY))).toThrow(
      'No matching signature found',
    )
    expect(() => verify({}, Buffer.from(BODY))).toThrow('Missing required headers')
    expect(() => verify({ ...headers, 'webhook-timestamp': 'soon' }, Buffer.from(BODY))).toThrow(
      'Invalid Signature Headers',
    )
  })

  it.each(['', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_', 'whsec_not base64!'])(
    'refuses the secret %j as configuration',
    (secret) => {
      expect(() => webhookVerifier(secret)).toThrow(
        'WEBHOOK_SECRET_ID secret must be whsec_ followed by base64',
      )
    },
  )
})
