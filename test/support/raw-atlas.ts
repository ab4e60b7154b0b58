/** Requests to the simulator with hand-made Digest headers, to test the server side on its own. */
import { request } from 'undici'
import { parseDigestChallenge } from '../../lib/atlas/auth/digest/challenge.ts'
import { digestAuthorization } from '../../lib/atlas/auth/digest/response.ts'

export interface RawAnswer {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: string
}

export async function raw(
  url: string,
  method: string,
  target: string,
  authorization?: string,
): Promise<RawAnswer> {
  const response = await request(`${url}${target}`, {
    method: method as 'GET',
    headers: authorization ? { authorization } : {},
  })
  return {
    status: response.statusCode,
    headers: response.headers,
    body: await response.body.text(),
  }
}

/** Fetches a challenge, then returns a signer bound to its nonce. */
export async function challengeFrom(
  url: string,
  target = '/api/atlas/v1.0/orgs/a0123456789abcdef012345a/invites',
) {
  const answer = await raw(url, 'GET', target)
  const challenge = parseDigestChallenge(answer.headers['www-authenticate'] as string)
  if (!challenge) throw new Error(`no challenge in ${JSON.stringify(answer.headers)}`)
  return {
    challenge,
    sign: (
      method: string,
      uri: string,
      key: { publicKey: string; privateKey: string },
      nc: number,
    ) =>
      digestAuthorization({
        ...challenge,
        username: key.publicKey,
        password: key.privateKey,
        method,
        uri,
        nc: nc.toString(16).padStart(8, '0'),
        cnonce: `c${nc}`,
      }),
  }
}
