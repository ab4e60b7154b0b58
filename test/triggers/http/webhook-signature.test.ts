import { createHmac } from 'node:crypto'
import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import {
  signWebhook,
  WebhookSignatureError,
  webhookVerifier,
} from '../../../lib/triggers/http/webhook-signature.ts'

// The example secret from the Standard Webhooks specification (24 bytes).
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

  it('agrees with the reference library (standardwebhooks) both ways, for UTF-8 bodies', () => {
    const reference = new Webhook(SECRET)
    const at = new Date()
    const body = '{"username":"léa.müller@example.com"}'
    expect(signWebhook(SECRET, 'msg_ref', at, body)['webhook-signature']).toBe(
      reference.sign('msg_ref', at, body),
    )
    const headers = {
      'webhook-id': 'msg_ref',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': reference.sign('msg_ref', at, body),
    }
    expect(webhookVerifier(SECRET)(headers, Buffer.from(body))).toBe('msg_ref')
  })

  it('verifies over the raw body bytes, which need not be UTF-8', () => {
    const raw = Buffer.from([0x7b, 0xff, 0xfe, 0x80, 0x7d])
    const headers = signWebhook(SECRET, 'msg_bytes', new Date(), raw)
    const verify = webhookVerifier(SECRET)
    expect(verify(headers, raw)).toBe('msg_bytes')
    // The same bytes read as UTF-8 turn into replacement characters: another message.
    expect(() => verify(headers, Buffer.from(raw.toString('utf8')))).toThrow(WebhookSignatureError)
  })

  it('reports why it refuses', () => {
    const verify = webhookVerifier(SECRET)
    const headers = signWebhook(SECRET, 'msg_1', new Date(), BODY)
    expect(verify(headers, Buffer.from(BODY))).toBe('msg_1')
    expect(() => verify(headers, Buffer.from(`${BODY} `))).toThrow('no matching v1 signature')
    expect(() => verify({ ...headers, 'webhook-id': 'msg_2' }, Buffer.from(BODY))).toThrow(
      'no matching v1 signature',
    )
    expect(() => verify({}, Buffer.from(BODY))).toThrow(
      'webhook-id, webhook-timestamp and webhook-signature headers are required',
    )
    expect(() => verify({ ...headers, 'webhook-timestamp': 'soon' }, Buffer.from(BODY))).toThrow(
      'webhook-timestamp must be Unix seconds (digits only)',
    )
  })

  it('accepts only digits as the timestamp, even where a lenient parser would read a number', () => {
    const verify = webhookVerifier(SECRET)
    const headers = signWebhook(SECRET, 'msg_ts', new Date(), BODY)
    for (const timestamp of [
      `${headers['webhook-timestamp']}abc`,
      ` ${headers['webhook-timestamp']}`,
      `${headers['webhook-timestamp']}.5`,
      '-1',
    ]) {
      expect(() =>
        verify({ ...headers, 'webhook-timestamp': timestamp }, Buffer.from(BODY)),
      ).toThrow('webhook-timestamp must be Unix seconds (digits only)')
    }
  })

  it('counts only well-formed v1 entries: no trailing fields, no loose base64', () => {
    const verify = webhookVerifier(SECRET)
    const headers = signWebhook(SECRET, 'msg_strict', new Date(), BODY)
    const valid = headers['webhook-signature'] ?? ''
    for (const signature of [`${valid},junk`, `${valid.slice(0, -1)}`, `${valid}==`]) {
      expect(() =>
        verify({ ...headers, 'webhook-signature': signature }, Buffer.from(BODY)),
      ).toThrow('no matching v1 signature')
    }
    expect(verify({ ...headers, 'webhook-signature': `v1a,xyz ${valid}` }, Buffer.from(BODY))).toBe(
      'msg_strict',
    )
  })

  it('refuses a webhook-id with the separator "." or outside printable ASCII', () => {
    const verify = webhookVerifier(SECRET)
    for (const id of ['msg.1', 'msg 1', 'msg\u00e91', 'x'.repeat(257)]) {
      const headers = signWebhook(SECRET, id, new Date(), BODY)
      expect(() => verify(headers, Buffer.from(BODY))).toThrow(
        'webhook-id must be 1 to 256 printable characters without "." or spaces',
      )
    }
  })

  it('verifies with any of several secrets (rotation), separated by white space', () => {
    const next = `whsec_${Buffer.from('the next secret, thirty-two byte').toString('base64')}`
    const verify = webhookVerifier(`${SECRET}\n${next}`)
    expect(verify(signWebhook(next, 'msg_new', new Date(), BODY), Buffer.from(BODY))).toBe(
      'msg_new',
    )
    expect(verify(signWebhook(SECRET, 'msg_old', new Date(), BODY), Buffer.from(BODY))).toBe(
      'msg_old',
    )
  })

  it.each(['', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_', 'whsec_not_base64!'])(
    'refuses the secret %j as configuration',
    (secret) => {
      expect(() => webhookVerifier(secret)).toThrow(
        'WEBHOOK_SECRET_ID secret must be whsec_ followed by base64',
      )
    },
  )

  it('refuses a secret shorter than the 24 bytes the spec requires', () => {
    const short = `whsec_${Buffer.from('only sixteen byt').toString('base64')}`
    expect(() => webhookVerifier(short)).toThrow(
      'WEBHOOK_SECRET_ID secret must decode to 24 to 64 bytes (Standard Webhooks); got 16',
    )
  })
})
