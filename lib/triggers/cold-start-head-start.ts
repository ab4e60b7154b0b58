/**
 * What a cold container starts during INIT, before its first event, so that event finds the
 * connection to Atlas open, the Digest challenge in hand and the secrets read. The entry point
 * starts it before anything else loads, then loads the handler while the network works:
 *
 *   1. a connection to Atlas opens (node:net / node:tls only, nothing else loaded yet);
 *   2. undici loads and asks Atlas for a challenge on that connection;
 *   3. the secrets are requested (on Lambda one signed request each, without the AWS SDK),
 *      while step 2 waits for Atlas;
 *   4. the entry point loads the handler and makes it.
 *
 * An on-demand cold start then ends INIT at once: its event is waiting, and handling it (the
 * record read, the container made, the request built) overlaps with the challenge's round
 * trips. The handler's Atlas requests wait for the challenge in flight (`holdUntilChallenge`)
 * and its secret reads join the ones in flight. Where the environment may be frozen between
 * INIT and its first event (provisioned concurrency, SnapStart, or outside Lambda) INIT waits,
 * bounded, for steps 2 and 3 (`initDone`).
 *
 * Best effort throughout: nothing here fails INIT. A bad setting, an unreachable Atlas or an
 * unreadable secret leaves the work to the first invocation, which reports it as it always
 * does. A challenge fetched now may be stale by the first event (provisioned concurrency): the
 * Digest client answers the stale nonce's 401 like any other.
 */
import { setImmediate } from 'node:timers/promises'
import type { Dispatcher } from 'undici'
import { atlasOrigin } from '../atlas/http/base-url.ts'
import { closeEarlyConnection, openEarlyConnection } from '../atlas/http/early-connection.ts'
import type { FunctionConfig } from '../config/function-config.ts'
import type { SecretReader } from '../credentials/secret-cache.ts'
import type { ContainerOverrides, Tables } from './container.ts'

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
  // Without a key there is nothing to sign with, and without an organization scope
  // (ALLOWED_ORG_IDS) nothing to act in: the invocation will say what is missing.
  if (!env.ATLAS_SECRET_ID?.trim() || !env.ALLOWED_ORG_IDS?.trim()) return NOTHING_STARTED
  let origin: string | undefined
  try {
    origin = atlasOrigin(env.ATLAS_BASE_URL)
    openEarlyConnection(origin)
    // Node issues the connect on the next tick; module loading does not yield, so yield here.
    await nextTurn()
    const [
      { loadFunctionConfig },
      { holdUntilChallenge, prefetchDigestChallenge },
      { sharedAtlasDispatcher },
    ] = await Promise.all([
      import('../config/function-config.ts'),
      import('../atlas/http/challenge-prefetch.ts'),
      import('../atlas/http/dispatcher.ts'),
    ])
    config = loadFunctionConfig(env, trigger)
    challenge = prefetchDigestChallenge(config.atlasOrigin)
    dispatcher = holdUntilChallenge(
      sharedAtlasDispatcher(config.atlasOrigin),
      challenge,
      HEAD_START_WAIT_MS,
    )
  } catch {
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

/** Lets the event loop run `turns` times: connects, handshakes and writes make progress. */
async function nextTurn(turns = 1): Promise<void> {
  for (let turn = 0; turn < turns; turn++) await setImmediate()
}
