#!/usr/bin/env node
/** `npm run simulator`: the Atlas simulator with the demo seed, on 127.0.0.1, until Ctrl-C. */
import { parseArgs } from 'node:util'
import { AtlasSimulator } from './atlas-simulator.ts'
import { DEMO_API_KEY, DEMO_INVITATIONS, DEMO_ORG_ID } from './demo-seed.ts'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.ATLAS_SIMULATOR_PORT ?? '8090' },
    'latency-ms': { type: 'string', default: '0' },
    'error-rate': { type: 'string', default: '0' },
    'nonce-lifetime-s': { type: 'string', default: '300' },
    'rate-limit': { type: 'string', default: '500' },
  },
})

const simulator = new AtlasSimulator({
  nonceLifetimeMs: Number(values['nonce-lifetime-s']) * 1000,
  rateLimit: {
    ratePerSecond: Number(values['rate-limit']) / 60,
    burst: Number(values['rate-limit']),
  },
  faults: { latencyMs: Number(values['latency-ms']), errorRate: Number(values['error-rate']) },
})

try {
  const url = await simulator.start(Number(values.port))
  console.log(`Atlas simulator ready on ${url}`)
  console.log(
    `  org ${DEMO_ORG_ID}, pending invitations ${DEMO_INVITATIONS.map((i) => i.id).join(', ')}`,
  )
  console.log(
    `  demo key: ATLAS_PUBLIC_KEY=${DEMO_API_KEY.publicKey} ATLAS_PRIVATE_KEY=${DEMO_API_KEY.privateKey}`,
  )
  console.log(`  state: ${url}/__simulator/state   counters: ${url}/__simulator/counters`)
} catch (error) {
  console.error(`simulator: ${(error as Error).message}`)
  process.exit(2)
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void simulator.stop().then(() => process.exit(0)))
}
