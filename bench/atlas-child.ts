#!/usr/bin/env node
/**
 * The Atlas simulator in its own process, so the benchmark's CPU figures are the handler's
 * alone. Seeds `--invitations` pending invitations in the demo org (ids from benchInvitationId),
 * models the network (`--latency-ms` per request, `--connection-ms` per new connection) and,
 * with `--rate-per-second`, a token bucket per organization; prints one JSON line `{"url"}` and
 * runs until stdin closes.
 */
import { parseArgs } from 'node:util'
import { AtlasSimulator } from '../dev/simulator/atlas-simulator.ts'
import { DEMO_ORG_ID, demoSeed } from '../dev/simulator/demo-seed.ts'
import { UNLIMITED_RATE } from '../dev/simulator/rate-limiter.ts'
import { benchInvitationId } from './bench-ids.ts'

const { values } = parseArgs({
  options: {
    invitations: { type: 'string', default: '0' },
    'latency-ms': { type: 'string', default: '0' },
    'connection-ms': { type: 'string', default: '0' },
    'rate-per-second': { type: 'string' },
    burst: { type: 'string' },
    'rate-headers': { type: 'string', default: 'true' },
  },
})
const ratePerSecond = values['rate-per-second']
const seed = demoSeed()
const simulator = new AtlasSimulator({
  seed,
  rateLimit:
    ratePerSecond === undefined
      ? UNLIMITED_RATE
      : {
          ratePerSecond: Number(ratePerSecond),
          burst: Number(values.burst ?? ratePerSecond),
          headers: values['rate-headers'] !== 'false',
        },
  faults: { latencyMs: Number(values['latency-ms']) },
  connectionLatencyMs: Number(values['connection-ms']),
})
for (let i = 0; i < Number(values.invitations); i++) {
  simulator.state.invite({
    id: benchInvitationId(i),
    orgId: DEMO_ORG_ID,
    username: `bench-${i}@example.com`,
    roles: ['ORG_MEMBER'],
  })
}
const url = await simulator.start()
process.stdout.write(`${JSON.stringify({ url })}\n`)
process.stdin.resume()
process.stdin.on('end', () => void simulator.stop().then(() => process.exit(0)))
