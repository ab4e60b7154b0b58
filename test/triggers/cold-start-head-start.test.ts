/**
 * The INIT head start: the secrets and the Atlas challenge are in before the first event's
 * request goes out, so the first revocation is one Atlas request on the connection INIT opened;
 * an on-demand INIT does not wait for them (the event's requests wait for the challenge in
 * flight instead); and nothing at INIT ever fails it — a bad setting, Secrets Manager or Atlas
 * down only leave the work to the first invocation.
 */

import { connect, createServer, type Socket } from 'node:net'
import { Logger } from '@aws-lambda-powertools/logger'
import type { APIGatewayProxyResult, SQSBatchResponse } from 'aws-lambda'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DEMO_INVITATIONS, DEMO_ORG_ID } from '../../dev/simulator/demo-seed.ts'
import { DEFAULT_ATLAS_BASE_URL } from '../../lib/atlas/http/base-url.ts'
import { hasEarlyConnection } from '../../lib/atlas/http/early-connection.ts'
import {
  parkEarlyConnection,
  takeParkedEarlyConnection,
} from '../../lib/atlas/http/early-connection-open.ts'
import { startHeadStart } from '../../lib/triggers/cold-start-head-start.ts'
import { LIKELY_ORIGIN } from '../../lib/triggers/early-connect-target.ts'
import { createHttpHandler } from '../../lib/triggers/http/http-handler.ts'
import { createQueueHandler } from '../../lib/triggers/queue/queue-handler.ts'
import { freePort } from '../support/free-port.ts'
import { type FunctionFixture, startFunctionFixture } from '../support/function-fixture.ts'
import { httpApiEvent, lambdaContext, sqsEvent } from '../support/lambda-events.ts'

const [first, second] = DEMO_INVITATIONS
let fixture: FunctionFixture
beforeEach(async () => {
  fixture = await startFunctionFixture()
})
afterEach(() => fixture.stop())

const quiet = () => new Logger({ logLevel: 'SILENT' })

/** The queue function built on the head start's overrides, handling one revocation. */
async function queueRevocation(
  env: Record<string, string>,
  overrides: Parameters<typeof createQueueHandler>[1],
  invitationId: string,
): Promise<SQSBatchResponse> {
  const handler = createQueueHandler(env, { ...overrides, logger: quiet() })
  return (await handler(sqsEvent([revokeBody(invitationId)]), lambdaContext())) as SQSBatchResponse
}
const revokeBody = (invitationId: string) => JSON.stringify({ orgId: DEMO_ORG_ID, invitationId })

describe('startHeadStart', () => {
  it('has the secret read and the challenge fetched, on one connection, before the first event', async () => {
    const headStart = await startHeadStart(fixture.env, 'queue')
    await headStart.settled()
    expect(fixture.secretsManager.calls()).toBe(1)
    expect(fixture.simulator.counters()).toMatchObject({ requests: 1, challenges: 1 })

    const response = await queueRevocation(fixture.env, headStart.overrides, first.id)
    expect(response.batchItemFailures).toEqual([])
    expect(fixture.simulator.state.pendingInvitation(DEMO_ORG_ID, first.id)).toBeUndefined()
    // The revocation itself: one signed DELETE, answered up front, on INIT's connection.
    expect(fixture.secretsManager.calls()).toBe(1)
    expect(fixture.simulator.counters()).toMatchObject({
      requests: 2,
      challenges: 1,
      connections: 1,
    })
  })

  it('takes over the connection the preload parked: one connection in all, the challenge on it', async () => {
    // A relay in front of the simulator counts TCP connections, used or not.
    let accepted = 0
    const sockets: Socket[] = []
    const upstream = new URL(fixture.env.ATLAS_BASE_URL as string)
    const relay = createServer((client) => {
      accepted += 1
      const server = connect({ host: upstream.hostname, port: Number(upstream.port) })
      sockets.push(client, server)
      client.pipe(server).pipe(client)
      for (const socket of [client, server]) socket.on('error', () => {})
    })
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve))
    const { port } = relay.address() as { port: number }
    const env = { ...fixture.env, ATLAS_BASE_URL: `http://127.0.0.1:${port}` }
    try {
      parkEarlyConnection(env.ATLAS_BASE_URL)
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(accepted).toBe(1)
      const headStart = await startHeadStart(env, 'queue')
      expect(takeParkedEarlyConnection(env.ATLAS_BASE_URL)).toBeUndefined()
      await headStart.settled()
      const response = await queueRevocation(env, headStart.overrides, first.id)
      expect(response.batchItemFailures).toEqual([])
      expect(accepted).toBe(1)
      expect(fixture.simulator.counters()).toMatchObject({
        requests: 2,
        challenges: 1,
        connections: 1,
      })
    } finally {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => relay.close(() => resolve()))
    }
  })

  it('closes a parked connection unused when there is nothing to start', async () => {
    parkEarlyConnection(fixture.env.ATLAS_BASE_URL as string)
    const headStart = await startHeadStart({ ...fixture.env, ATLAS_SECRET_ID: '' }, 'queue')
    expect(headStart.overrides).toEqual({})
    expect(takeParkedEarlyConnection(fixture.env.ATLAS_BASE_URL)).toBeUndefined()
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(hasEarlyConnection(fixture.env.ATLAS_BASE_URL as string)).toBe(false)
    expect(fixture.simulator.counters().requests).toBe(0)
  })

  it('reads the webhook secret too for the HTTP function', async () => {
    const headStart = await startHeadStart(fixture.env, 'http')
    await headStart.settled()
    expect(fixture.secretsManager.calls()).toBe(2)
    const handler = createHttpHandler(fixture.env, { ...headStart.overrides, logger: quiet() })
    const body = revokeBody(second.id)
    const response = (await handler(
      httpApiEvent({ method: 'POST', path: '/revocations', body, headers: fixture.sign(body) }),
      lambdaContext(),
    )) as APIGatewayProxyResult
    expect(JSON.parse(response.body)).toMatchObject({ outcome: 'revoked' })
    expect(fixture.secretsManager.calls()).toBe(2)
  })

  it('starts nothing on a bad setting, and the invocation reports the setting', async () => {
    const env = { ...fixture.env, ATLAS_BASE_URL: 'http://atlas.example.com' }
    const headStart = await startHeadStart(env, 'queue')
    await headStart.settled()
    expect(headStart.overrides).toEqual({})
    expect(fixture.secretsManager.calls()).toBe(0)
    expect(fixture.simulator.counters().requests).toBe(0)
    const handler = createQueueHandler(env, { ...headStart.overrides, logger: quiet() })
    await expect(handler(sqsEvent([revokeBody(first.id)]), lambdaContext())).rejects.toThrow(
      /ATLAS_BASE_URL/,
    )
  })

  it('closes the connection it opened when a setting turns out bad', async () => {
    const env = { ...fixture.env, QUEUE_CONCURRENCY: '99' }
    const headStart = await startHeadStart(env, 'queue')
    expect(headStart.overrides).toEqual({})
    expect(hasEarlyConnection(fixture.env.ATLAS_BASE_URL as string)).toBe(false)
    expect(fixture.simulator.counters().requests).toBe(0)
  })

  it('connects before ATLAS_BASE_URL is validated, and closes the socket unused when it is bad', async () => {
    // Only the default is connected to before validation when ATLAS_BASE_URL is unset.
    expect(LIKELY_ORIGIN).toBe(DEFAULT_ATLAS_BASE_URL)
    const sockets: Socket[] = []
    let received = 0
    const server = createServer((socket) => {
      sockets.push(socket)
      socket.on('data', (chunk) => {
        received += chunk.length
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as { port: number }
    try {
      // https, so it may be connected to; a path, so validation refuses it.
      const env = { ...fixture.env, ATLAS_BASE_URL: `https://127.0.0.1:${port}/api` }
      const headStart = await startHeadStart(env, 'queue')
      expect(headStart.overrides).toEqual({})
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(sockets).toHaveLength(1)
      expect(sockets.every((socket) => socket.destroyed || socket.readableEnded)).toBe(true)
      expect(received).toBe(0)
      expect(hasEarlyConnection(`https://127.0.0.1:${port}`)).toBe(false)
    } finally {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })

  it('leaves an unreadable secret to the first invocation, which reads it again', async () => {
    fixture.secretsManager.failNext('unavailable', 'unavailable', 'unavailable')
    const headStart = await startHeadStart(fixture.env, 'queue')
    await headStart.settled()
    expect(fixture.secretsManager.calls()).toBe(3)
    const response = await queueRevocation(fixture.env, headStart.overrides, first.id)
    expect(response.batchItemFailures).toEqual([])
    expect(fixture.secretsManager.calls()).toBe(4)
  })

  it('waits no longer than it is told when Atlas does not answer', async () => {
    fixture.simulator.faults.enqueue({ kind: 'hang' })
    const headStart = await startHeadStart(fixture.env, 'queue')
    const started = Date.now()
    await headStart.settled(200)
    expect(Date.now() - started).toBeLessThan(1_500)
  })

  it('ends an on-demand INIT at once: the first event waits for the challenge in flight, on its connection', async () => {
    fixture.simulator.faults.configure({ latencyMs: 150 })
    const env = { ...fixture.env, AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' }
    const headStart = await startHeadStart(env, 'queue')
    const started = performance.now()
    await headStart.initDone()
    expect(performance.now() - started).toBeLessThan(120)
    // The challenge is still on its way when the event's DELETE is ready to go.
    expect(fixture.simulator.counters().challenges).toBe(0)
    const response = await queueRevocation(env, headStart.overrides, first.id)
    expect(response.batchItemFailures).toEqual([])
    expect(fixture.simulator.state.pendingInvitation(DEMO_ORG_ID, first.id)).toBeUndefined()
    expect(fixture.secretsManager.calls()).toBe(1)
    expect(fixture.simulator.counters()).toMatchObject({
      requests: 2,
      challenges: 1,
      connections: 1,
    })
  })

  it('waits in INIT, bounded, where the environment may be frozen before its first event', async () => {
    for (const type of ['provisioned-concurrency', 'snap-start', undefined]) {
      const env = { ...fixture.env, ...(type ? { AWS_LAMBDA_INITIALIZATION_TYPE: type } : {}) }
      fixture.simulator.resetCounters()
      const headStart = await startHeadStart(env, 'queue')
      await headStart.initDone()
      expect(fixture.simulator.counters().challenges).toBe(1)
    }
  })

  it('answers a challenge gone stale by the first event, as any stale nonce', async () => {
    // The simulator's clock jumps past the nonce's lifetime once the challenge is in; the
    // fresh nonce of the stale answer is then good for the retry however slow the machine.
    await fixture.stop()
    let skewMs = 0
    fixture = await startFunctionFixture({
      nonceLifetimeMs: 60_000,
      now: () => Date.now() + skewMs,
    })
    const env = { ...fixture.env, AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' }
    const headStart = await startHeadStart(env, 'queue')
    await headStart.settled()
    skewMs = 120_000
    const response = await queueRevocation(env, headStart.overrides, first.id)
    expect(response.batchItemFailures).toEqual([])
    expect(fixture.simulator.state.pendingInvitation(DEMO_ORG_ID, first.id)).toBeUndefined()
    // The prefetched challenge, the DELETE answered stale, the DELETE with the fresh nonce.
    expect(fixture.simulator.counters()).toMatchObject({ requests: 3, staleChallenges: 1 })
  })

  it('reads the secrets without the AWS SDK in a Lambda container', async () => {
    const env = { ...fixture.env, AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' }
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'atlas-invite-revoker-test-http'
    try {
      const headStart = await startHeadStart(env, 'http')
      await headStart.settled()
      expect(fixture.secretsManager.calls()).toBe(2)
      const handler = createHttpHandler(env, { ...headStart.overrides, logger: quiet() })
      const body = revokeBody(second.id)
      const response = (await handler(
        httpApiEvent({ method: 'POST', path: '/revocations', body, headers: fixture.sign(body) }),
        lambdaContext(),
      )) as APIGatewayProxyResult
      expect(JSON.parse(response.body)).toMatchObject({ outcome: 'revoked' })
      expect(fixture.secretsManager.calls()).toBe(2)
    } finally {
      delete process.env.AWS_LAMBDA_FUNCTION_NAME
    }
  })

  it('does not fail when nothing listens where Atlas should be', async () => {
    const env = { ...fixture.env, ATLAS_BASE_URL: `http://127.0.0.1:${await freePort()}` }
    const headStart = await startHeadStart(env, 'queue')
    await expect(headStart.settled()).resolves.toBeUndefined()
    expect(fixture.secretsManager.calls()).toBe(1)
  })
})
