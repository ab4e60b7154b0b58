#!/usr/bin/env node
/**
 * Measure 6, in its own process so its CPU time is the handler's alone (the simulator runs in
 * another process; the handler's logs go to a discarded stdout, as they cost CPU in Lambda too).
 * Pre-signs every webhook, then sends them through the HTTP handler with `concurrency` in
 * flight, and reports revocations per second and CPU milliseconds per revocation over IPC.
 */
import type { APIGatewayProxyResult } from 'aws-lambda'
import { DEMO_ORG_ID } from '../../dev/simulator/demo-seed.ts'
import { createAtlasDispatcher } from '../../lib/atlas/http/index.ts'
import { createHttpHandler } from '../../lib/triggers/http/http-handler.ts'
import { httpApiEvent, lambdaContext } from '../../test/support/lambda-events.ts'
import { functionEnv, signedWebhook, startSecrets } from '../bench-fixture.ts'
import { benchInvitationId } from '../bench-ids.ts'

const [atlasUrl = '', countText = '0', concurrencyText = '50', offsetText = '0'] =
  process.argv.slice(2)
const count = Number(countText)
const concurrency = Number(concurrencyText)
const offset = Number(offsetText)

const { secretsManager } = await startSecrets()
const handler = createHttpHandler(functionEnv(atlasUrl), {
  dispatcher: createAtlasDispatcher(atlasUrl, { connection: { connections: concurrency } }),
})
const events = Array.from({ length: count + 1 }, (_, i) => {
  const body = JSON.stringify({ orgId: DEMO_ORG_ID, invitationId: benchInvitationId(offset + i) })
  return httpApiEvent({
    method: 'POST',
    path: '/revocations',
    body,
    headers: signedWebhook(body, `msg_${offset + i}`),
  })
})
const send = async (index: number) => {
  const result = (await handler(events[index], lambdaContext())) as APIGatewayProxyResult
  if (result.statusCode !== 200) throw new Error(`status ${result.statusCode}: ${result.body}`)
}

await send(count) // warm-up: secrets read, nonce cached
let nextIndex = 0
const cpuBefore = process.cpuUsage()
const started = performance.now()
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (nextIndex < count) await send(nextIndex++)
  }),
)
const seconds = (performance.now() - started) / 1000
const cpu = process.cpuUsage(cpuBefore)
process.send?.({
  perSecond: count / seconds,
  cpuMsPerRevocation: (cpu.user + cpu.system) / 1000 / count,
  seconds,
})
await secretsManager.stop()
process.exit(0)
