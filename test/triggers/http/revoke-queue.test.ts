/** The SQS sender against a real SQS protocol peer on loopback (local-aws-sqs), through the SDK. */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs'
import { createSqsServer } from 'local-aws-sqs'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  backoffMs,
  EnqueueFailedError,
  sqsRevokeQueue,
} from '../../../lib/triggers/http/revoke-queue.ts'
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

/** A loopback peer that takes every request and never answers; stopped by the test. */
async function hangingSqs(): Promise<{
  url: string
  requests: () => number
  aborted: () => number
  stop: () => Promise<void>
}> {
  let requests = 0
  let aborted = 0
  const hang = createServer((incoming, answer) => {
    requests += 1
    // The client gave up on this request: its connection closed with no answer sent.
    answer.on('close', () => {
      if (!answer.writableEnded) aborted += 1
    })
    incoming.resume()
  })
  await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve))
  const { port: hangPort } = hang.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${hangPort}`,
    requests: () => requests,
    aborted: () => aborted,
    stop: () =>
      new Promise<void>((resolve) => {
        hang.closeAllConnections()
        hang.close(() => resolve())
      }),
  }
}

describe('within a deadline', () => {
  it('gives up on a hanging SQS at the deadline, aborting the call, and names every request unsent', async () => {
    const hang = await hangingSqs()
    const previous = process.env.AWS_ENDPOINT_URL_SQS
    // The queue's own client, as production builds it, pointed at the peer that never answers.
    process.env.AWS_ENDPOINT_URL_SQS = hang.url
    try {
      const requests = [0, 1, 2].map(request)
      const started = Date.now()
      const error = await sqsRevokeQueue(`${hang.url}/123456789012/revoke`)
        .send(requests, { deadline: started + 1_000 })
        .catch((thrown: unknown) => thrown)
      const took = Date.now() - started
      expect(error).toBeInstanceOf(EnqueueFailedError)
      expect((error as EnqueueFailedError).unsent).toEqual(requests)
      expect((error as Error).message).toContain('by the deadline')
      expect(took).toBeGreaterThanOrEqual(900)
      // Nothing waits past the deadline (generous: a loaded machine's timers run late).
      expect(took).toBeLessThan(2_500)
      expect(hang.requests()).toBeGreaterThanOrEqual(1)
      await vi.waitFor(() => expect(hang.aborted()).toBe(hang.requests()), { timeout: 2_000 })
    } finally {
      process.env.AWS_ENDPOINT_URL_SQS = previous
      await hang.stop()
    }
  })

  it('bounds a client that never settles, whatever its own timeouts', async () => {
    let signal: AbortSignal | undefined
    const never = {
      send: (_command: unknown, options?: { abortSignal?: AbortSignal }) => {
        signal = options?.abortSignal
        return new Promise(() => {})
      },
    } as never
    const started = Date.now()
    await expect(
      sqsRevokeQueue(queueUrl, never).send([request(0)], { deadline: started + 300 }),
    ).rejects.toThrow(EnqueueFailedError)
    expect(Date.now() - started).toBeLessThan(1_500)
    expect(signal?.aborted).toBe(true)
  })

  it('sends refused entries again after a growing, jittered pause, until SQS takes them', async () => {
    const calls: { at: number; ids: string[] }[] = []
    const refusesTwice = {
      send: async (command: { input: { Entries?: { Id?: string }[] } }) => {
        const entries = command.input.Entries ?? []
        calls.push({ at: Date.now(), ids: entries.map((entry) => entry.Id ?? '') })
        const refused = calls.length <= 2 ? entries.slice(0, 2) : []
        return {
          Successful: entries.slice(refused.length).map((entry) => ({ Id: entry.Id })),
          Failed: refused.map((entry) => ({ Id: entry.Id, Code: 'Throttled', SenderFault: false })),
        }
      },
    } as never
    const started = Date.now()
    await sqsRevokeQueue(queueUrl, refusesTwice).send([0, 1, 2, 3].map(request), {
      deadline: started + 5_000,
    })
    expect(calls.map((call) => call.ids)).toEqual([
      ['0', '1', '2', '3'],
      ['0', '1'],
      ['0', '1'],
    ])
    const [first, second, third] = calls.map((call) => call.at) as [number, number, number]
    // Pauses of 50–100 ms, then 100–200 ms (a timer may fire a millisecond early).
    expect(second - first).toBeGreaterThanOrEqual(45)
    expect(third - second).toBeGreaterThanOrEqual(95)
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it('pauses between re-sends by a jittered, growing, capped step', () => {
    expect(backoffMs(1, () => 0)).toBe(50)
    expect(backoffMs(1, () => 1)).toBe(100)
    expect(backoffMs(2, () => 0)).toBe(100)
    expect(backoffMs(2, () => 1)).toBe(200)
    expect(backoffMs(10, () => 1)).toBe(400)
  })

  it('sends nothing again when the pause would end past the deadline, and answers before it', async () => {
    let calls = 0
    const stubborn = {
      send: async (command: { input: { Entries?: { Id?: string }[] } }) => {
        calls += 1
        return {
          Failed: (command.input.Entries ?? []).map((entry) => ({
            Id: entry.Id,
            Code: 'X',
            SenderFault: false,
          })),
        }
      },
    } as never
    const started = Date.now()
    const error = await sqsRevokeQueue(queueUrl, stubborn)
      .send([request(0)], { deadline: started + 90 })
      .catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(EnqueueFailedError)
    expect((error as EnqueueFailedError).unsent).toEqual([request(0)])
    // One send at most: the first re-send's pause (≥ 50 ms) and a call (50 ms) do not fit.
    expect(calls).toBeLessThanOrEqual(1)
    expect(Date.now() - started).toBeLessThan(1_000)
  })

  it('starts no call once the deadline has passed', async () => {
    let calls = 0
    const counting = {
      send: async () => {
        calls += 1
        return { Successful: [], Failed: [] }
      },
    } as never
    await expect(
      sqsRevokeQueue(queueUrl, counting).send([request(0)], { deadline: Date.now() - 1 }),
    ).rejects.toThrow('by the deadline')
    expect(calls).toBe(0)
  })
})
