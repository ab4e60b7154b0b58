/**
 * A local stand-in for Lambda's SQS event source mapping with ReportBatchItemFailures: polls
 * the queue, invokes the function with a real SQS event, and deletes only the messages the
 * function did not report as failed (none when it throws). Failed messages reappear after the
 * visibility timeout and, past maxReceiveCount, the queue's redrive policy moves them to the
 * DLQ, as in AWS. (serverless-offline-sqs deletes whole batches, which would lose failures.)
 */
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs'
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda'

export interface SqsEventSourceOptions {
  readonly sqs: SQSClient
  readonly queueUrl: string
  readonly queueArn: string
  readonly region: string
  /** Invokes the function; resolves with its response or rejects when it failed. */
  readonly invoke: (event: SQSEvent) => Promise<SQSBatchResponse>
  readonly batchSize?: number
  readonly onError?: (error: unknown) => void
}

export class SqsEventSource {
  readonly #options: SqsEventSourceOptions
  #running = false
  #loop: Promise<void> | undefined
  #abort = new AbortController()

  constructor(options: SqsEventSourceOptions) {
    this.#options = options
  }

  start(): void {
    if (this.#running) return
    this.#running = true
    this.#abort = new AbortController()
    this.#loop = this.#poll()
  }

  async stop(): Promise<void> {
    this.#running = false
    this.#abort.abort()
    await this.#loop
  }

  async #poll(): Promise<void> {
    while (this.#running) {
      try {
        await this.pollOnce(1)
      } catch (error) {
        if (!this.#running) return
        this.#options.onError?.(error)
        await new Promise((resolve) => setTimeout(resolve, 500))
      }
    }
  }

  /** One receive → invoke → delete cycle; returns how many messages were acked. */
  async pollOnce(waitSeconds = 0): Promise<number> {
    const { sqs, queueUrl } = this.#options
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: this.#options.batchSize ?? 10,
        WaitTimeSeconds: waitSeconds,
        // local-aws-sqs answers the older AttributeNames only; AWS takes both.
        AttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: this.#abort.signal },
    )
    const messages = received.Messages ?? []
    if (messages.length === 0) return 0
    let response: SQSBatchResponse
    try {
      response = await this.#options.invoke(this.#event(messages))
    } catch (error) {
      this.#options.onError?.(error)
      return 0
    }
    const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier))
    const acked = messages.filter((message) => !failed.has(message.MessageId ?? ''))
    if (acked.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: acked.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle ?? '',
          })),
        }),
      )
    }
    return acked.length
  }

  #event(messages: Message[]): SQSEvent {
    return lambdaSqsEvent(messages, this.#options.queueArn, this.#options.region)
  }
}

/** The SQS event Lambda's event source mapping builds from received messages. */
export function lambdaSqsEvent(
  messages: readonly Message[],
  queueArn: string,
  region: string,
): SQSEvent {
  return {
    Records: messages.map((message) => ({
      messageId: message.MessageId ?? '',
      receiptHandle: message.ReceiptHandle ?? '',
      body: message.Body ?? '',
      attributes: message.Attributes as SQSEvent['Records'][number]['attributes'],
      messageAttributes: Object.fromEntries(
        Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
          name,
          {
            dataType: value.DataType ?? 'String',
            ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
          },
        ]),
      ),
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: region,
    })),
  }
}
