import type { Server } from 'node:http'
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs'
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda'
import { createSqsServer } from 'local-aws-sqs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SqsEventSource } from '../../../dev/local-stack/sqs-event-source.ts'
import { freePort } from '../../support/free-port.ts'

let server: Server
let sqs: SQSClient
let base: string
const ARN = 'arn:aws:sqs:us-east-1:123456789012:'

beforeAll(async () => {
  const port = await freePort()
  base = `http://127.0.0.1:${port}/123456789012`
  server = await createSqsServer({
    port,
    hostname: '127.0.0.1',
    queues: [
      { QueueName: 'dlq' },
      {
        QueueName: 'work',
        Attributes: {
          VisibilityTimeout: '1',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `${ARN}dlq`, maxReceiveCount: '2' }),
        },
      },
      { QueueName: 'other' },
    ],
  })
  sqs = new SQSClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  })
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const count = async (queue: string) =>
  Number(
    (
      await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: `${base}/${queue}`,
          AttributeNames: ['ApproximateNumberOfMessages'],
        }),
      )
    ).Attributes?.ApproximateNumberOfMessages,
  )

describe('SqsEventSource (the local event source mapping)', () => {
  it('deletes acked messages only; reported failures come back, then go to the DLQ', async () => {
    for (const body of ['ok-1', 'fail', 'ok-2'])
      await sqs.send(new SendMessageCommand({ QueueUrl: `${base}/work`, MessageBody: body }))
    const seen: SQSEvent[] = []
    const source = new SqsEventSource({
      sqs,
      queueUrl: `${base}/work`,
      queueArn: `${ARN}work`,
      region: 'us-east-1',
      invoke: async (event): Promise<SQSBatchResponse> => {
        seen.push(event)
        return {
          batchItemFailures: event.Records.filter((record) => record.body === 'fail').map(
            (record) => ({ itemIdentifier: record.messageId }),
          ),
        }
      },
    })
    expect(await source.pollOnce()).toBe(2)
    expect(seen[0]?.Records.map((record) => record.body).sort()).toEqual(['fail', 'ok-1', 'ok-2'])
    expect(seen[0]?.Records[0]).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: `${ARN}work`,
      awsRegion: 'us-east-1',
    })
    // The failure reappears once its visibility timeout (1 s here) ends.
    expect(await source.pollOnce(3)).toBe(0)
    expect(seen[1]?.Records.map((record) => record.body)).toEqual(['fail'])
    // Past maxReceiveCount the queue's redrive policy moves it to the DLQ: kept, not lost.
    expect(await source.pollOnce(2)).toBe(0)
    expect(seen).toHaveLength(2)
    expect(await count('work')).toBe(0)
    const dead = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: `${base}/dlq`,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    )
    expect(dead.Messages?.map((message) => message.Body)).toEqual(['fail'])
  })

  it('deletes nothing when the function throws', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: `${base}/other`, MessageBody: 'boom' }))
    const errors: unknown[] = []
    const source = new SqsEventSource({
      sqs,
      queueUrl: `${base}/other`,
      queueArn: `${ARN}other`,
      region: 'us-east-1',
      invoke: async () => {
        throw new Error('function failed')
      },
      onError: (error) => errors.push(error),
    })
    expect(await source.pollOnce()).toBe(0)
    expect(errors).toHaveLength(1)
    expect(await count('other')).toBe(1)
  })
})
