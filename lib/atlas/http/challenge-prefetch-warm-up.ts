/**
 * What a cold start's first revocation does once the challenge is in, done while it is still
 * on its way: the challenge and the signed DELETE exchanged once with an in-memory Atlas,
 * through a pool and interceptors of their own built as the real dispatcher is
 * (dispatcher.ts), so that undici's parser and request writer, the interceptors and the
 * Digest hashes have run once before the real answer arrives. A fresh Node process spends
 * about 5 ms of CPU on a first exchange; with Atlas 40 ms away the process is otherwise idle
 * for most of the challenge's round trips (npm run bench, "Cold revocation").
 *
 * Nothing of it is shared with the real requests: its own pool (on a socket that never leaves
 * the process), nonce cache, pacing and retry state, and a key that signs nothing real. It
 * never rejects and logs nothing; `stillWaiting` is asked before each step, so it stops once
 * Atlas's answer has started to arrive and leaves the CPU to it.
 */
import { Duplex } from 'node:stream'
import Pool from 'undici/lib/dispatcher/pool.js'
import retryInterceptor from 'undici/lib/interceptor/retry.js'
import { AtlasApiKey } from '../../credentials/credential-types.ts'
import { type DigestDispatchOptions, digestAuth } from '../auth/index.ts'
import { dispatchBuffered } from '../transport/index.ts'
import { CHALLENGE_PATH } from './challenge-prefetch.ts'
import { AtlasClient } from './client.ts'
import { rateLimitPacing } from './rate-limit-interceptor.ts'
import { atlasRetry, type DeadlineDispatchOptions } from './retry-policy.ts'

/** Never resolved: the in-memory pool is handed its socket without looking anything up. */
const ORIGIN = 'https://warm-up.invalid'
const ORG_ID = 'a0123456789abcdef012345a'
/** What Atlas's challenge looks like (MD5 with qop=auth). */
const CHALLENGE =
  'Digest realm="MMS Public API", domain="", nonce="d2FybS11cCBub25jZSwgbm90IGEgcmVhbCBvbmU=", algorithm=MD5, qop="auth", stale=false'
const DATE = 'Date: Mon, 07 Dec 2026 00:00:00 GMT'
const ANSWERS = {
  challenge: `HTTP/1.1 401 Unauthorized\r\n${DATE}\r\nWWW-Authenticate: ${CHALLENGE}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n{}`,
  revoked: `HTTP/1.1 204 No Content\r\n${DATE}\r\nRateLimit-Limit: 100\r\nRateLimit-Remaining: 99\r\nConnection: keep-alive\r\n\r\n`,
}
/** Each step has this long; an in-memory exchange takes a few ms at most. */
const STEP_MS = 1_000

/** Runs the exchanges while `stillWaiting()`; resolves when done or stopped, never rejects. */
export async function warmUpFirstExchange(stillWaiting: () => boolean): Promise<void> {
  if (!stillWaiting()) return
  let pool: Pool | undefined
  try {
    pool = new Pool(ORIGIN, {
      connections: 1,
      // As undici's own connector does, it answers on a later turn.
      connect: (_options, callback) => {
        queueMicrotask(() => callback(null, inMemoryAtlas() as never))
      },
    })
    // As dispatcher.ts composes them: each retry is paced, then signed.
    const dispatcher = pool.compose(
      digestAuth(),
      rateLimitPacing(),
      retryInterceptor({ throwOnError: false, retry: atlasRetry() }),
    )
    const challenge: DigestDispatchOptions & DeadlineDispatchOptions = {
      origin: ORIGIN,
      path: CHALLENGE_PATH,
      method: 'GET',
      headers: { accept: 'application/json' },
      digestChallengeOnly: true,
      deadline: Date.now() + STEP_MS,
    }
    await dispatchBuffered(dispatcher, challenge)
    if (!stillWaiting()) return
    await new AtlasClient({ origin: ORIGIN, dispatcher }).send({
      method: 'DELETE',
      path: `/api/atlas/v1.0/orgs/${ORG_ID}/invites/b0123456789abcdef012345b`,
      rateLimitScope: `org:${ORG_ID}`,
      credentials: new AtlasApiKey('warm-up', 'signs nothing real'),
      deadline: Date.now() + STEP_MS,
    })
  } catch {
    // Only a warm-up: the real exchange does what it always did.
  } finally {
    pool?.destroy().catch(() => {})
  }
}

/**
 * A socket that never leaves the process: a bare request is answered with a challenge, a
 * signed one with 204, each on a later turn as from a network.
 */
function inMemoryAtlas(): Duplex {
  let received = ''
  const socket: Duplex = new Duplex({
    read() {},
    write(chunk, _encoding, callback) {
      received += String(chunk)
      const end = received.indexOf('\r\n\r\n')
      if (end >= 0) {
        const head = received.slice(0, end)
        received = received.slice(end + 4)
        const answer = /\r\nauthorization:/i.test(head) ? ANSWERS.revoked : ANSWERS.challenge
        setImmediate(() => socket.push(answer))
      }
      callback()
    },
  })
  // What undici calls on a net.Socket that a Duplex lacks.
  return Object.assign(socket, {
    ref: () => socket,
    unref: () => socket,
    setTypeOfService: () => socket,
  })
}
