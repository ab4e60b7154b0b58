#!/usr/bin/env node
/** `npm run simulator`: the Atlas simulator with the demo seed, on 127.0.0.1, until Ctrl-C. */
import { decimal, scriptArgs, wholeNumber } from '../../scripts/script-args.ts'
import { onParentsExit } from '../../scripts/watch-parents.ts'
import { AtlasSimulator } from './atlas-simulator.ts'
import { DEMO_API_KEY, DEMO_INVITATIONS, DEMO_ORG_ID } from './demo-seed.ts'

const NAME = 'simulator'
const values = scriptArgs(
  NAME,
  `
npm run simulator -- [options]: the Atlas simulator (demo org, invitations and key) on 127.0.0.1.

Options:
  --port <n>               port (default $ATLAS_SIMULATOR_PORT or 8090; 0 picks a free one)
  --latency-ms <ms>        added to every request (a network round trip; default 0)
  --connection-ms <ms>     a new connection is ready this long after it is accepted (TCP + TLS
                           handshakes; default 0)
  --error-rate <0..1>      share of requests answered 503 (default 0)
  --nonce-lifetime-s <s>   Digest nonces go stale after this (default 300)
  --rate-per-second <n>    token bucket refill per organization (default 500 a minute)
  --burst <n>              token bucket size (default 500)
  -h, --help               this text`,
  {
    port: { type: 'string' },
    'latency-ms': { type: 'string' },
    'connection-ms': { type: 'string' },
    'error-rate': { type: 'string' },
    'nonce-lifetime-s': { type: 'string' },
    'rate-per-second': { type: 'string' },
    burst: { type: 'string' },
  },
)

const port = wholeNumber(
  NAME,
  'port',
  values.port ?? process.env.ATLAS_SIMULATOR_PORT,
  8090,
  0,
  65_535,
)
const burst = wholeNumber(NAME, 'burst', values.burst, 500, 1)
const simulator = new AtlasSimulator({
  nonceLifetimeMs: decimal(NAME, 'nonce-lifetime-s', values['nonce-lifetime-s'], 300, 0.001) * 1000,
  rateLimit: {
    ratePerSecond: decimal(NAME, 'rate-per-second', values['rate-per-second'], burst / 60, 0.001),
    burst,
  },
  connectionLatencyMs: decimal(NAME, 'connection-ms', values['connection-ms'], 0),
  faults: {
    latencyMs: decimal(NAME, 'latency-ms', values['latency-ms'], 0),
    errorRate: decimal(NAME, 'error-rate', values['error-rate'], 0, 0, 1),
  },
})

try {
  const url = await simulator.start(port)
  console.log(`Atlas simulator ready on ${url}`)
  console.log(
    `  org ${DEMO_ORG_ID}, pending invitations ${DEMO_INVITATIONS.map((i) => i.id).join(', ')}`,
  )
  console.log(
    `  demo key: ATLAS_PUBLIC_KEY=${DEMO_API_KEY.publicKey} ATLAS_PRIVATE_KEY=${DEMO_API_KEY.privateKey}`,
  )
  console.log(`  state: ${url}/__simulator/state   counters: ${url}/__simulator/counters`)
} catch (error) {
  const { message, cause } = error as Error
  // A port taken (by `npm start`'s own simulator, say): say how to pick another.
  const hint =
    (cause as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE'
      ? ` (--port <n> or ATLAS_SIMULATOR_PORT; is \`npm start\` running? It has a simulator of its own)`
      : ''
  console.error(`simulator: ${message}${hint}`)
  process.exit(2)
}

const stop = () => void simulator.stop().then(() => process.exit(0))
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, stop)
// `npm run simulator &` then `kill $!` kills npm, whose shell passes nothing on: watch it.
onParentsExit(stop)
