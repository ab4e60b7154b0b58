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

it('sends every request, ten to a batch, as typed hand-overs with who asked as an attribute', async () => {
  const handOvers = Array.from({ length: 12 }, (_, i) => ({
    request: { username: `leaver${i}@example.com`, dryRun: false },
    requestedBy: { trigger: 'okta' as const, oktaEventId: `uuid-${i}` },
  }))
  await sqsRevokeQueue(queueUrl).send(handOvers)
  const received: { body: unknown; requestedBy: unknown }[] = []
  while (received.length < 12) {
    const answer = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
      }),
    )
    received.push(
      ...(answer.Messages ?? []).map((message) => ({
        body: JSON.parse(message.Body ?? ''),
        requestedBy: JSON.parse(message.MessageAttributes?.requestedBy?.StringValue ?? ''),
      })),
    )
  }
  expect(received).toEqual(
    expect.arrayContaining(
      handOvers.map(({ request, requestedBy }) => ({
        body: { kind: 'atlas-invite-revoker/revoke-request', version: 1, request },
        requestedBy,
      })),
    ),
  )
})

const request = (i: number) => ({
  request: { username: `l${i}@example.com`, dryRun: false },
  requestedBy: { trigger: 'okta' as const },
})

it('sends again the entries SQS refused, and says so when it keeps refusing', async () => {
  const sent: number[] = []
  let refuseFirst = true
  const flaky = {
    send: async (command: { input: { Entries?: { Id?: string }[] } }) => {
      const entries = command.input.Entries ?? []
      sent.push(entries.length)
      const failed = refuseFirst ? entries.slice(0, 3) : []
      refuseFirst = false
      return {
        Successful: entries.slice(failed.length).map((entry) => ({ Id: entry.Id })),
        Failed: failed.map((entry) => ({
          Id: entry.Id,
          Code: 'InternalError',
          SenderFault: false,
        })),
      }
    },
  } as never
  await sqsRevokeQueue(queueUrl, flaky).send([0, 1, 2, 3, 4].map(request))
  expect(sent).toEqual([5, 3])
  const stubborn = {
    send: async (command: { input: { Entries?: { Id?: string }[] } }) => ({
      Failed: (command.input.Entries ?? []).map((entry) => ({
        Id: entry.Id,
        Code: 'X',
        SenderFault: false,
      })),
    }),
  } as never
  await expect(sqsRevokeQueue(queueUrl, stubborn).send([request(0)])).rejects.toThrow(
    'refused 1 of 1 requests 3 times',
  )
})

it('tries every batch whatever another one met, and names exactly the requests not sent', async () => {
  let call = 0
  const secondBatchDown = {
    send: async (command: { input: { Entries?: { Id?: string }[] } }) => {
      const entries = command.input.Entries ?? []
      // The second batch (entries 10…) meets a client error; the others go through.
      if (entries.some((entry) => entry.Id === '10'))
        throw Object.assign(new Error('x'), { name: 'InvalidParameterValue' })
      call += 1
      return { Successful: entries.map((entry) => ({ Id: entry.Id })), Failed: [] }
    },
  } as never
  const requests = Array.from({ length: 25 }, (_, i) => request(i))
  const error = await sqsRevokeQueue(queueUrl, secondBatchDown)
    .send(requests)
    .catch((thrown: unknown) => thrown)
  expect(error).toBeInstanceOf(EnqueueFailedError)
  expect((error as EnqueueFailedError).unsent).toEqual(requests.slice(10, 20))
  expect(call).toBe(2)
})

it('says so, without the SDK error text, when the queue does not exist', async () => {
  const missing = `http://127.0.0.1:${port}/123456789012/no-such-queue`
  await expect(
    sqsRevokeQueue(missing).send([
      { request: { username: 'a@b.c', dryRun: false }, requestedBy: { trigger: 'okta' } },
    ]),
  ).rejects.toThrow(EnqueueFailedError)
})
