#!/usr/bin/env node
/**
 * Forked by the soak with --expose-gc: runs both handlers in this process (the Atlas simulator
 * in another) for `count` revocations after a warm-up, and reports the heap in use after a full
 * GC before and after, so growth in our code shows apart from the emulator's.
 */
import type { APIGatewayProxyResult, SQSBatchResponse } from 'aws-lambda'
import { DEMO_ORG_ID } from '../dev/simulator/demo-seed.ts'
import { createAtlasDispatcher } from '../lib/atlas/http/index.ts'
import { createHttpHandler } from '../lib/triggers/http/http-handler.ts'
import { createQueueHandler } from '../lib/triggers/queue/queue-handler.ts'
import { httpApiEvent, lambdaContext, sqsEvent } from '../test/support/lambda-events.ts'
import { functionEnv, signedWebhook, startAtlasProcess, startSecrets } from './bench-fixture.ts'
import { benchInvitationId } from './bench-ids.ts'

const count = Number(process.argv[2] ?? '10000')
const warmUp = 500
const gc = (globalThis as { gc?: () => void }).gc
if (!gc) throw new Error('run with --expose-gc')

const atlas = await startAtlasProcess({ invitations: count + warmUp })
const { secretsManager } = await startSecrets()
const dispatcher = createAtlasDispatcher(atlas.url)
const http = createHttpHandler(functionEnv(atlas.url), { dispatcher })
const queue = createQueueHandler(functionEnv(atlas.url), { dispatcher })

let next = 0
async function revoke(n: number): Promise<void> {
  for (let done = 0; done < n; ) {
    // Alternate: one webhook, then an SQS batch of up to 9.
    const body = JSON.stringify({ orgId: DEMO_ORG_ID, invitationId: benchInvitationId(next++) })
    const answer = (await http(
      httpApiEvent({
        method: 'POST',
        path: '/revocations',
        body,
        headers: signedWebhook(body, `msg_${next}`),
      }),
      lambdaContext(),
    )) as APIGatewayProxyResult
    if (answer.statusCode !== 200) throw new Error(`HTTP ${answer.statusCode}`)
    const size = Math.min(9, n - done - 1)
    if (size > 0) {
      const batch = sqsEvent(
        Array.from({ length: size }, () =>
          JSON.stringify({ orgId: DEMO_ORG_ID, invitationId: benchInvitationId(next++) }),
        ),
      )
      const response = (await queue(batch, lambdaContext())) as SQSBatchResponse
      if (response.batchItemFailures.length > 0) throw new Error('queue failures')
    }
    done += 1 + Math.max(0, size)
  }
}

const heapMiB = () => {
  gc()
  gc()
  return process.memoryUsage().heapUsed / 2 ** 20
}
await revoke(warmUp)
const before = heapMiB()
await revoke(count)
const after = heapMiB()
process.send?.({ count, heapUsedMiB: { before, after } })
await secretsManager.stop()
await atlas.stop()
process.exit(0)
