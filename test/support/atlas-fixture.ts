/** A running simulator plus a fresh Atlas client (own pool and nonce cache) per test. */

import { AtlasSimulator, type AtlasSimulatorOptions } from '../../dev/simulator/atlas-simulator.ts'
import { DEMO_API_KEY } from '../../dev/simulator/demo-seed.ts'
import { AtlasClient } from '../../lib/atlas/http/client.ts'
import {
  type AtlasDispatcherOptions,
  createAtlasDispatcher,
} from '../../lib/atlas/http/dispatcher.ts'
import type { ResponseFormat } from '../../lib/atlas/http/response-format.ts'
import { AtlasApiKey } from '../../lib/credentials/credential-types.ts'

export const demoKey = () => new AtlasApiKey(DEMO_API_KEY.publicKey, DEMO_API_KEY.privateKey)

export async function startSimulator(options: AtlasSimulatorOptions = {}) {
  const simulator = new AtlasSimulator(options)
  const url = await simulator.start()
  return { simulator, url }
}

export function atlasClient(
  url: string,
  options: AtlasDispatcherOptions = {},
  format?: ResponseFormat,
) {
  return new AtlasClient({
    origin: url,
    dispatcher: createAtlasDispatcher(url, { random: () => 0, ...options }),
    ...(format ? { format } : {}),
  })
}
