/**
 * What a cold container starts during INIT, before its first event, so that event finds the
 * connection to Atlas open, the Digest challenge in hand and the secrets read. The entry point
 * starts it before anything else loads, then loads the handler while the network works:
 *
 *   1. the TCP connect to Atlas goes out: this module and early-connection-open.ts import
 *      nothing, so they are part of the entry's own file, and the connect waits for no other.
 *      On Lambda it went out earlier still, from the preload Node runs before the runtime
 *      loads (preconnect.ts), and is taken over here;
 *   2. ATLAS_BASE_URL is validated (its code loads now) and, valid, lets the connection carry
 *      something: node:tls takes the socket over (https), and the dispatcher may adopt it;
 *   3. undici loads and asks Atlas for a challenge on that connection;
 *   4. the secrets are requested (on Lambda one signed request each, without the AWS SDK),
 *      while step 3 waits for Atlas;
 *   5. the entry point loads the handler and makes it.
 *
 * An on-demand cold start then ends INIT at once: its event is waiting, and handling it (the
 * record read, the container made, the request built) overlaps with the challenge's round
 * trips. The handler's Atlas requests wait for the challenge in flight (`holdUntilChallenge`)
 * and its secret reads join the ones in flight. While they wait and Atlas has not answered, a
 * first exchange with an in-memory Atlas runs the code the real one will need
 * (challenge-prefetch-warm-up.ts). Where the environment may be frozen between INIT and its
 * first event (provisioned concurrency, SnapStart, or outside Lambda) INIT waits, bounded, for
 * steps 3 and 4 (`initDone`).
 *
 * Best effort throughout: nothing here fails INIT. A bad setting, an unreachable Atlas or an
 * unreadable secret leaves the work to the first invocation, which reports it as it always
 * does. A challenge fetched now may be stale by the first event (provisioned concurrency): the
 * Digest client answers the stale nonce's 401 like any other.
 */
import type { Dispatcher } from 'undici'
import {
  beginEarlyConnection,
  closeEarlyConnection,
  openEarlyConnection,
  takeParkedEarlyConnection,
} from '../atlas/http/early-connection-open.ts'
import type { FunctionConfig } from '../config/function-config.ts'
import type { SecretReader } from '../credentials/secret-cache.ts'
import type { ContainerOverrides, Tables } from './container.ts'
import { headStartWanted, urlToConnectEarly } from './early-connect-target.ts'

/** INIT waits at most this long for the head start (Lambda allows INIT 10 s). */
export const HEAD_START_WAIT_MS = 2_000

export interface HeadStart {
  /**
   * For the handler: the secrets cache the head start fills, the Atlas dispatcher that holds
   * requests until the challenge is in, and the ledger and repeat check it warmed (empty if it
   * could not start).
   */
  readonly overrides: Pick<ContainerOverrides, 'secrets' | 'tables' | 'dispatcher'>
  /** Resolves when the challenge and the secrets are in, or after `waitMs`; never rejects. */
  settled(waitMs?: number): Promise<void>
  /**
   * What INIT waits for: nothing for an on-demand cold start, whose event is waiting;
   * `settled()` wherever the environment may be frozen before its first event.
   */
  initDone(): Promise<void>
}

const NOTHING_STARTED: HeadStart = {
  overrides: {},
  settled: async () => {},
  initDone: async () => {},
}

/** Lambda's word for a cold start whose first event is already waiting for it. */
const ON_DEMAND = 'on-demand'

/** Starts the head start; resolves once its requests are on their way. */
export async function startHeadStart(
  env: Readonly<Record<string, string | undefined>>,
  trigger: 'http' | 'queue',
): Promise<HeadStart> {
  let config: FunctionConfig
  let challenge: Promise<unknown>
  let dispatcher: Dispatcher
  // The TCP connect goes out first, before ATLAS_BASE_URL is validated (which loads code):
  // nothing is sent on it until the validated origin confirms it, and a bad setting closes it.
  // On Lambda the preload (preconnect.ts) issued it before the runtime loaded: take that one.
  const url = urlToConnectEarly(env)
  const parked = takeParkedEarlyConnection(url)
  if (!headStartWanted(env)) return NOTHING_STARTED
  let origin: string | undefined
  const connecting = parked ?? (url ? beginEarlyConnection(url) : undefined)
  try {
    // Node issues the connect on the next tick; module loading does not yield, so yield here.
    await nextTurn()
    // The validation and what comes next load together; the validation is small, done first.
    const loading = Promise.all([
      import('../config/function-config.ts'),
      import('../atlas/http/challenge-prefetch.ts'),
      import('../atlas/http/dispatcher.ts'),
    ])
    loading.catch(() => {})
    const { atlasOrigin } = await import('../atlas/http/base-url.ts')
    origin = atlasOrigin(env.ATLAS_BASE_URL)
    if (!connecting?.confirm(origin)) openEarlyConnection(origin)
    const [
      { loadFunctionConfig },
      { holdUntilChallenge, prefetchDigestChallenge },
      { sharedAtlasDispatcher },
    ] = await loading
    config = loadFunctionConfig(env, trigger)
    let answered = false
    challenge = prefetchDigestChallenge(config.atlasOrigin, undefined, () => {
      answered = true
    })
    dispatcher = holdUntilChallenge(
      sharedAtlasDispatcher(config.atlasOrigin),
      challenge,
      HEAD_START_WAIT_MS,
      // The event's first request waits for Atlas's answer: the CPU is idle until it comes.
      () => warmUpWhileWaiting(() => !answered),
    )
  } catch {
    connecting?.abandon()
    if (origin) closeEarlyConnection(origin)
    return NOTHING_STARTED
  }
  // A few turns for the connection to be adopted and the request written before more loads.
  await nextTurn(3)
  const secrets = await requestSecrets(config, trigger)
  const tables = await warmTables(config)
  const done = Promise.allSettled([
    challenge,
    ...(secrets?.reads ?? []),
    ...(tables?.warming ?? []),
  ])
  const settled = async (waitMs = HEAD_START_WAIT_MS) => {
    let timer: NodeJS.Timeout | undefined
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, waitMs)
    })
    await Promise.race([done, waited])
    clearTimeout(timer)
  }
  return {
    overrides: {
      dispatcher,
      ...(secrets ? { secrets: secrets.reader } : {}),
      ...(tables ? { tables: tables.tables } : {}),
    },
    settled,
    initDone: async () => {
      if (env.AWS_LAMBDA_INITIALIZATION_TYPE !== ON_DEMAND) await settled()
    },
  }
}

/**
 * Loads the secrets' reader (on Lambda a signed request of our own, no AWS SDK) and asks for
 * the function's secrets; `undefined` if the reader did not load.
 */
async function requestSecrets(
  config: FunctionConfig,
  trigger: 'http' | 'queue',
): Promise<{ reader: SecretReader; reads: Promise<unknown>[] } | undefined> {
  let reader: SecretReader
  try {
    const { CachedSecrets } = await import('../credentials/secret-cache.ts')
    reader = new CachedSecrets({ ttlSeconds: config.secretTtlSeconds })
  } catch {
    return undefined
  }
  const wanted: [string | undefined, string][] = [
    [config.atlasSecretId, 'ATLAS_SECRET_ID'],
    [trigger === 'http' ? config.webhookSecretId : undefined, 'WEBHOOK_SECRET_ID'],
    [trigger === 'http' ? config.oktaSecretId : undefined, 'OKTA_SECRET_ID'],
  ]
  const reads = wanted
    .filter((entry): entry is [string, string] => Boolean(entry[0]))
    // A failed read is not cached: the invocation reads again and reports what went wrong.
    .map(([secretId, setting]) => reader.read(secretId, setting).catch(() => undefined))
  // A read takes a few turns of the event loop to put its request on the wire.
  await nextTurn(4)
  return { reader, reads }
}

/**
 * With a ledger or a repeat check configured: loads their SDK parts and opens the connection
 * to DynamoDB. `undefined` when neither is, or the runtime module did not load.
 */
async function warmTables(
  config: FunctionConfig,
): Promise<{ tables: Tables; warming: Promise<void>[] } | undefined> {
  if (!config.ledgerTable && !config.idempotencyTable) return undefined
  try {
    const { tablesFor } = await import('./container.ts')
    const tables = tablesFor(config)
    return {
      tables,
      warming: [tables.ledger?.warm(), tables.repeats?.warm()].filter(
        (warming): warming is Promise<void> => warming !== undefined,
      ),
    }
  } catch {
    return undefined
  }
}

/**
 * While `stillWaiting()`, runs a first exchange in memory (challenge-prefetch-warm-up.ts), so
 * that the real one, when Atlas answers, finds its code compiled, then draws a first random
 * UUID. Never fails anything.
 */
function warmUpWhileWaiting(stillWaiting: () => boolean): void {
  if (!stillWaiting()) return
  import('../atlas/http/challenge-prefetch-warm-up.ts')
    .then(({ warmUpFirstExchange }) => warmUpFirstExchange(stillWaiting))
    .then(() => {
      // The request's ledger id: Node fills its pool of random UUIDs on the first one, about
      // 0.15 ms, which would otherwise come after Atlas's answer.
      if (stillWaiting()) process.getBuiltinModule('node:crypto').randomUUID()
    })
    .catch(() => {})
}

/** Lets the event loop run `turns` times: connects, handshakes and writes make progress. */
async function nextTurn(turns = 1): Promise<void> {
  for (let turn = 0; turn < turns; turn++)
    await new Promise<void>((resolve) => setImmediate(resolve))
}
