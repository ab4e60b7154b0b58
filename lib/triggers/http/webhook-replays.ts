/**
 * Replays of one signed webhook (the same `webhook-id` and body) within the signature's
 * tolerance window get the first answer, and cost no second Atlas call: a request still running
 * is joined, a settled one is answered again. An answer that a retry could change (Atlas
 * unavailable, throttled) is forgotten once given, so the sender's retry, which Standard
 * Webhooks sends under the same id, does the work again. Another body under an id still
 * remembered is no replay but a conflict (`RepeatMismatchError`), as it is across containers.
 * Per container, bounded in size.
 */
import { createHash } from 'node:crypto'
import { RepeatMismatchError } from '../repeats.ts'

interface Entry<T> {
  readonly digest: string
  readonly answer: Promise<T>
  readonly expiresAt: number
}

export interface WebhookReplaysOptions<T> {
  /** How long an id is remembered: the signature's tolerance window. */
  readonly ttlMs: number
  /** Answers worth giving again; others are forgotten once given. */
  readonly keep: (answer: T) => boolean
  readonly maxEntries?: number
  readonly now?: () => number
}

export class WebhookReplays<T> {
  readonly #entries = new Map<string, Entry<T>>()
  readonly #options: WebhookReplaysOptions<T>

  constructor(options: WebhookReplaysOptions<T>) {
    this.#options = options
  }

  /**
   * `work`'s answer for a webhook seen for the first time; the first answer for a replay.
   * Throws `RepeatMismatchError` for an id remembered with another body.
   *
   * @example
   * const { answer, replayed } = await replays.answer(webhookId, rawBody, () => revoke(request))
   */
  async answer(
    webhookId: string,
    rawBody: Buffer,
    work: () => Promise<T>,
  ): Promise<{ readonly answer: T; readonly replayed: boolean }> {
    const now = (this.#options.now ?? Date.now)()
    const digest = createHash('sha256').update(rawBody).digest('base64')
    const seen = this.#entries.get(webhookId)
    if (seen && seen.expiresAt > now) {
      if (seen.digest !== digest)
        throw new RepeatMismatchError(`webhook ${webhookId} was seen before with another body`)
      return { answer: await seen.answer, replayed: true }
    }
    this.#entries.delete(webhookId)
    this.#sweep(now)
    const entry: Entry<T> = { digest, answer: work(), expiresAt: now + this.#options.ttlMs }
    this.#entries.set(webhookId, entry)
    const forget = () => {
      if (this.#entries.get(webhookId) === entry) this.#entries.delete(webhookId)
    }
    try {
      const answer = await entry.answer
      if (!this.#options.keep(answer)) forget()
      return { answer, replayed: false }
    } catch (error) {
      forget()
      throw error
    }
  }

  /** Entries are in insertion order with one TTL: the expired (and the oldest) come first. */
  #sweep(now: number): void {
    const max = this.#options.maxEntries ?? 10_000
    for (const [id, entry] of this.#entries) {
      if (entry.expiresAt > now && this.#entries.size < max) break
      this.#entries.delete(id)
    }
  }
}
