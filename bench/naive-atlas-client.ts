/**
 * The revocation path of the Atlas CLI, `curl --digest` and the npm Atlas client today: every
 * call opens a connection, is challenged, and answers the challenge — two requests, one new
 * TCP connection, no nonce kept. Same Digest math as ours, so only the protocol flow differs.
 * `newConnectionEach` opens a second connection for the answer (the cold-start baseline).
 */
import { Client } from 'undici'
import { digestAuthorization, parseDigestChallenge } from '../lib/atlas/auth/index.ts'

export async function naiveDelete(
  origin: string,
  path: string,
  key: { publicKey: string; privateKey: string },
  options: { readonly newConnectionEach?: boolean } = {},
): Promise<number> {
  const client = new Client(origin)
  const second = options.newConnectionEach ? new Client(origin) : client
  try {
    const challenged = await client.request({ method: 'DELETE', path })
    await challenged.body.dump()
    const challenge = parseDigestChallenge(
      challenged.headers['www-authenticate'] as string | undefined,
    )
    if (challenged.statusCode !== 401 || !challenge) return challenged.statusCode
    const authorization = digestAuthorization({
      ...challenge,
      username: key.publicKey,
      password: key.privateKey,
      method: 'DELETE',
      uri: path,
      nc: '00000001',
      cnonce: Math.random().toString(16).slice(2),
    })
    const answered = await second.request({ method: 'DELETE', path, headers: { authorization } })
    await answered.body.dump()
    return answered.statusCode
  } finally {
    await Promise.all([client.close(), second === client ? undefined : second.close()])
  }
}
