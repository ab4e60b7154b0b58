/**
 * Row 10: an Okta Event Hook delivery to a cold HTTP function. Okta waits 3 seconds for the
 * answer and retries once, so a cold container must verify the Authorization, read the
 * delivery and put every leaver on the revoke queue well inside that. A fresh Node process
 * imports the packaged bundle and handles one delivery of `leavers` distinct leavers; Secrets
 * Manager and SQS each answer after one round trip (5 ms), a new connection after two more.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { createRequestHandler } from 'local-aws-sqs'
import { NetworkLatency } from '../../dev/simulator/network-latency.ts'
import { httpApiEvent } from '../../test/support/lambda-events.ts'
import { functionEnv, startSecrets } from '../bench-fixture.ts'
import { type Bundles, withNodeOptions } from '../cold/bundles.ts'
import type { MeasureRow } from '../measure-result.ts'
import { median, round } from '../stats.ts'

const run = promisify(execFile)
const CHILD = fileURLToPath(new URL('../cold/cold-child.mjs', import.meta.url))
const OKTA_SECRET_ID = 'bench/okta-event-hook'
const OKTA_SECRET = 'Basic YmVuY2gtb2t0YTpiZW5jaC1zZWNyZXQ='
const RTT_MS = 5
const TARGET_MS = 1_000

export async function measureOktaDelivery(
  bundles: Bundles,
  repetitions: number,
  leavers = 100,
): Promise<MeasureRow> {
  const network = new NetworkLatency({ rttMs: RTT_MS, connectionMs: 2 * RTT_MS })
  const sqs = createRequestHandler({
    port: 0,
    hostname: '127.0.0.1',
    queues: [{ QueueName: 'revoke' }],
  })
  const server = createServer((request, response) => {
    void network.wait(request.socket).then(() => sqs.requestHandler(request, response))
  })
  network.watch(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  const { secretsManager, env: awsEnv } = await startSecrets({
    rttMs: RTT_MS,
    connectionMs: 2 * RTT_MS,
  })
  secretsManager.putSecret(OKTA_SECRET_ID, OKTA_SECRET)
  const work = mkdtempSync(join(tmpdir(), 'bench-okta-'))
  const body = JSON.stringify({
    eventType: 'com.okta.event_hook',
    data: {
      events: Array.from({ length: leavers }, (_, i) => ({
        uuid: `bench-${i}`,
        eventType: 'user.lifecycle.deactivate',
        outcome: { result: 'SUCCESS' },
        target: [{ type: 'User', alternateId: `leaver${i}@example.com` }],
      })),
    },
  })
  const env = {
    ...process.env,
    // Only the deployed preload (below): none from the parent's shell.
    NODE_OPTIONS: '',
    ...awsEnv,
    // No Atlas call is made: the leavers go to the queue.
    ...functionEnv('http://127.0.0.1:9'),
    OKTA_SECRET_ID,
    REVOKE_QUEUE_URL: `http://127.0.0.1:${port}/123456789012/revoke`,
    AWS_ENDPOINT_URL_SQS: `http://127.0.0.1:${port}`,
    POWERTOOLS_SERVICE_NAME: 'atlas-invite-revoker',
    POWERTOOLS_LOG_LEVEL: 'INFO',
  }
  const coldMs: number[] = []
  try {
    for (let i = 0; i < repetitions; i++) {
      const events = join(work, `okta-${i}.json`)
      const result = join(work, `okta-${i}.result.json`)
      writeFileSync(
        events,
        JSON.stringify([
          httpApiEvent({
            method: 'POST',
            path: '/okta/events',
            headers: { authorization: OKTA_SECRET },
            body,
          }),
        ]),
      )
      await run(
        process.execPath,
        [CHILD, '--bundle', bundles.http, '--events', events, '--result', result],
        { env: withNodeOptions(env, bundles.nodeOptions.http), timeout: 120_000 },
      )
      const figures = JSON.parse(readFileSync(result, 'utf8')) as {
        coldMs: number
        allRevoked: boolean
      }
      if (!figures.allRevoked) throw new Error('the Okta delivery was not answered 200')
      coldMs.push(figures.coldMs)
    }
  } finally {
    await secretsManager.stop()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    rmSync(work, { recursive: true, force: true })
  }
  const answered = round(median(coldMs), 1)
  return {
    id: '10',
    measure: `Okta Event Hook, cold: import the http bundle, verify, queue a delivery of ${leavers} leavers (SM and SQS ${RTT_MS} ms RTT)`,
    ours: `answered 200 in ${answered} ms (median of ${repetitions})`,
    naive: '—',
    target: `≤ ${TARGET_MS} ms cold (Okta waits 3 s, then retries once)`,
    met: answered <= TARGET_MS,
    data: { repetitions, leavers, coldMs },
  }
}
