/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): `webhook-signature` holds
 * `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` entries, the key is the base64 part of the
 * `whsec_…` secret, timestamps older or newer than five minutes are refused, comparison is
 * constant-time. The reference implementation does the work; this names the failures.
 */
import { Webhook, WebhookVerificationError } from 'standardwebhooks'
import { ConfigurationError } from '../errors.ts'

/** A request whose signature is missing, stale or wrong. The reason never holds a secret. */
export class WebhookSignatureError extends Error {
  override readonly name = 'WebhookSignatureError'
}

export type WebhookVerifier = (
  headers: Readonly<Record<string, string | undefined>>,
  rawBody: Buffer,
) => void

/** Builds a verifier from the secret's value; a malformed secret is a configuration error. */
export function webhookVerifier(secret: string, setting = 'WEBHOOK_SECRET_ID'): WebhookVerifier {
  const webhook = webhookFor(secret, setting)
  return (headers, rawBody) => {
    const signed = {
      'webhook-id': headers['webhook-id'] ?? '',
      'webhook-timestamp': headers['webhook-timestamp'] ?? '',
      'webhook-signature': headers['webhook-signature'] ?? '',
    }
    try {
      webhook.verify(rawBody.toString('utf8'), signed, { jsonParse: false })
    } catch (error) {
      if (error instanceof WebhookVerificationError) throw new WebhookSignatureError(error.message)
      throw new WebhookSignatureError('signature could not be checked')
    }
  }
}

/**
 * The `webhook-*` headers for a body, as a sender computes them (used by the demo and tests).
 *
 * @example
 * const headers = signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_1', new Date(), body)
 */
export function signWebhook(
  secret: string,
  id: string,
  at: Date,
  body: string,
): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': webhookFor(secret, 'webhook secret').sign(id, at, body),
  }
}

function webhookFor(secret: string, setting: string): Webhook {
  const trimmed = secret.trim()
  if (!/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) {
    throw new ConfigurationError(setting, 'secret must be whsec_ followed by base64')
  }
  try {
    return new Webhook(trimmed)
  } catch {
    throw new ConfigurationError(setting, 'secret must be whsec_ followed by base64')
  }
}
