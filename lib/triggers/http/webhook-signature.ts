/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): `webhook-signature` holds
 * space-separated `v1,<base64 HMAC-SHA256>` entries over `"{id}.{timestamp}.{body}"`, keyed by
 * the base64 part of a `whsec_…` secret of at least 24 bytes; timestamps more than five minutes
 * off are refused. The HMAC runs over the body's raw bytes (the reference library turns them
 * into a string first, which changes bytes that are not UTF-8), and comparison is constant-time.
 * The id and timestamp are checked strictly: the spec forbids `.` in them, the signed text's
 * separator.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { ConfigurationError } from '../../errors.ts'

/** Why a signature was refused, as the `Refused` metric counts it. */
export type SignatureRefusal = 'missing_signature' | 'bad_signature' | 'stale_timestamp'

/**
 * A request whose signature is missing, stale or wrong (malformed, made with another key, or
 * with a secret rotated out). The message never holds a secret.
 */
export class WebhookSignatureError extends Error {
  override readonly name = 'WebhookSignatureError'
  readonly reason: SignatureRefusal

  constructor(message: string, reason: SignatureRefusal) {
    super(message)
    this.reason = reason
  }
}

/** Checks a request's `webhook-*` headers against its raw body; returns its `webhook-id`. */
export type WebhookVerifier = (
  headers: Readonly<Record<string, string | undefined>>,
  rawBody: Buffer,
) => string

export const TOLERANCE_SECONDS = 5 * 60
/** The spec's bounds for a symmetric secret: 24 to 64 bytes. */
const MIN_KEY_BYTES = 24
const MAX_KEY_BYTES = 64
/** Printable ASCII without `.` (the signed text's separator) and at most 256 characters. */
const WEBHOOK_ID = /^[\x21-\x2d\x2f-\x7e]{1,256}$/
const TIMESTAMP = /^\d{1,12}$/
/** `v1,` and a base64 HMAC-SHA256: 43 characters and one `=` of padding. */
const V1_SIGNATURE = /^v1,[A-Za-z0-9+/]{43}=$/

/**
 * Builds a verifier from the secret's value: one `whsec_…` secret, or several separated by
 * white space while senders move from one to the next (any of them verifies). A malformed or
 * short secret is a configuration error.
 *
 * @example
 * const verify = webhookVerifier('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')
 * const webhookId = verify(requestHeaders, rawBody) // throws WebhookSignatureError
 */
export function webhookVerifier(
  secretValue: string,
  setting = 'WEBHOOK_SECRET_ID',
  now: () => number = Date.now,
): WebhookVerifier {
  const keys = secretValue
    .trim()
    .split(/\s+/)
    .map((secret) => webhookKey(secret, setting))
  return (headers, rawBody) => {
    const id = headers['webhook-id']
    const timestamp = headers['webhook-timestamp']
    const signatures = headers['webhook-signature']
    if (!id || !timestamp || !signatures)
      throw new WebhookSignatureError(
        'webhook-id, webhook-timestamp and webhook-signature headers are required',
        'missing_signature',
      )
    if (!WEBHOOK_ID.test(id))
      throw new WebhookSignatureError(
        'webhook-id must be 1 to 256 printable characters without "." or spaces',
        'bad_signature',
      )
    if (!TIMESTAMP.test(timestamp))
      throw new WebhookSignatureError(
        'webhook-timestamp must be Unix seconds (digits only)',
        'bad_signature',
      )
    const skew = Math.floor(now() / 1000) - Number(timestamp)
    if (skew > TOLERANCE_SECONDS)
      throw new WebhookSignatureError('webhook-timestamp is too old', 'stale_timestamp')
    if (skew < -TOLERANCE_SECONDS)
      throw new WebhookSignatureError('webhook-timestamp is in the future', 'stale_timestamp')
    // Only well-formed `v1,<base64 of 32 bytes>` entries count; others (v1a, junk) are skipped.
    const offered = signatures
      .split(' ')
      .filter((entry) => V1_SIGNATURE.test(entry))
      .map((entry) => Buffer.from(entry.slice(3), 'base64'))
    const matches = keys.some((key) => {
      const expected = hmac(key, id, timestamp, rawBody)
      return offered.some(
        (signature) => signature.length === expected.length && timingSafeEqual(signature, expected),
      )
    })
    if (!matches) throw new WebhookSignatureError('no matching v1 signature', 'bad_signature')
    return id
  }
}

/**
 * The `webhook-*` headers for a body, as a sender computes them (the demo, the smoke test and
 * the tests sign with it).
 *
 * @example
 * const headers = signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_1', new Date(), body)
 */
export function signWebhook(
  secret: string,
  id: string,
  at: Date,
  body: string | Buffer,
): Record<string, string> {
  const timestamp = String(Math.floor(at.getTime() / 1000))
  const signature = hmac(webhookKey(secret, 'webhook secret'), id, timestamp, Buffer.from(body))
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${signature.toString('base64')}`,
  }
}

function hmac(key: Buffer, id: string, timestamp: string, body: Buffer): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest()
}

function webhookKey(secret: string, setting: string): Buffer {
  if (!/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(secret)) {
    throw new ConfigurationError(setting, 'secret must be whsec_ followed by base64')
  }
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64')
  if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
    throw new ConfigurationError(
      setting,
      `secret must decode to ${MIN_KEY_BYTES} to ${MAX_KEY_BYTES} bytes (Standard Webhooks); got ${key.length}`,
    )
  }
  return key
}
