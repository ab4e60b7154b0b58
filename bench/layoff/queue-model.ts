/**
 * Enough of an SQS standard queue for the layoff row: batches of up to ten visible messages,
 * a visibility timeout per receive, receive counts, and the redrive policy's dead-letter queue
 * (a message received `maxReceiveCount` times and still not deleted goes there instead of out
 * again). Time is the caller's, so the model is pure.
 */

export interface QueueSettings {
  readonly visibilityTimeoutMs: number
  readonly maxReceiveCount: number
}

export interface ReceivedMessage {
  readonly messageId: string
  readonly body: string
  readonly receiveCount: number
}

interface Stored {
  readonly messageId: string
  readonly body: string
  receiveCount: number
  visibleAt: number
}

export class QueueModel {
  readonly #settings: QueueSettings
  readonly #messages = new Map<string, Stored>()
  #deadLettered = 0

  constructor(bodies: readonly string[], settings: QueueSettings) {
    this.#settings = settings
    bodies.forEach((body, index) => {
      const messageId = `msg-${index}`
      this.#messages.set(messageId, { messageId, body, receiveCount: 0, visibleAt: 0 })
    })
  }

  /** Up to `max` visible messages, now invisible for the visibility timeout. */
  receive(nowMs: number, max = 10): ReceivedMessage[] {
    const received: ReceivedMessage[] = []
    for (const message of this.#messages.values()) {
      if (received.length === max) break
      if (message.visibleAt > nowMs) continue
      if (message.receiveCount >= this.#settings.maxReceiveCount) {
        this.#messages.delete(message.messageId)
        this.#deadLettered += 1
        continue
      }
      message.receiveCount += 1
      message.visibleAt = nowMs + this.#settings.visibilityTimeoutMs
      received.push({ ...message })
    }
    return received
  }

  /** The batch's answer: every message not listed as failed is deleted. */
  settle(received: readonly ReceivedMessage[], failedIds: ReadonlySet<string>): void {
    for (const message of received)
      if (!failedIds.has(message.messageId)) this.#messages.delete(message.messageId)
  }

  /** Messages still in the queue, visible or not. */
  get size(): number {
    return this.#messages.size
  }

  get deadLettered(): number {
    return this.#deadLettered
  }

  /** When the next invisible message becomes visible again, if any is waiting. */
  nextVisibleAt(): number | undefined {
    let next: number | undefined
    for (const message of this.#messages.values())
      if (next === undefined || message.visibleAt < next) next = message.visibleAt
    return next
  }
}
