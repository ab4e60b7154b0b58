/** The SQS sender against a real SQS protocol peer on loopback (local-aws-sqs), through the SDK. */
import type { Server } from 'node:http'
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs'
import { createSqsServer } from 'local-aws-sqs'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { EnqueueFailedError, sqsRevokeQueue } from '../../../lib/triggers/http/revoke-queue.ts'
import { freePort } from '../../support/free-port.ts'

let server: Server
let sqs: SQSClient
let queueUrl: string
let port: number

beforeAll(async () => {
  port = await freePort()
  server = await createSqsServer({
    port,
    hostname: '127.0.0.1',
    queues: [{ QueueName: 'revoke' }],
  })
  queueUrl = `http://127.0.0.1:${port}/123456789012/revoke`
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDLOCAL',
    AWS_SECRET_ACCESS_KEY: 'local-secret',
    AWS_ENDPOINT_URL_SQS: `http://127.0.0.1:${port}`,
  })
  sqs = new SQSClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  })
})
afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL_SQS
  sqs.destroy()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

it('sends every request, ten to a batch, as the JSON the queue function reads', async () => {
  const requests = Array.from({ length: 12 }, (_, i) => ({
    username: `leaver${i}@example.com`,
    requestedBy: { trigger: 'okta' as const, oktaEventId: `uuid-${i}` },
  }))
  await sqsRevokeQueue(queueUrl).send(requests)
  const bodies: unknown[] = []
  while (bodies.length < 12) {
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    )
    bodies.push(...(received.Messages ?? []).map((message) => JSON.parse(message.Body ?? '')))
  }
  expect(bodies).toEqual(expect.arrayContaining(requests))
})

it('says so, without the SDK error text, when the queue does not exist', async () => {
  const missing = `http://127.0.0.1:${port}/123456789012/no-such-queue`
  await expect(
    sqsRevokeQueue(missing).send([{ username: 'a@b.c', requestedBy: { trigger: 'okta' } }]),
  ).rejects.toThrow(EnqueueFailedError)
})
