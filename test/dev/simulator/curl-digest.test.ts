/**
 * An independent Digest implementation checks the simulator: curl's own `--digest` client
 * (libcurl), not ours. If the simulator accepted only what our client sends, these would fail.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { AtlasSimulator } from '../../../dev/simulator/atlas-simulator.ts'
import { DEMO_API_KEY, DEMO_INVITATIONS, DEMO_ORG_ID } from '../../../dev/simulator/demo-seed.ts'

const run = promisify(execFile)
const [first, second] = DEMO_INVITATIONS
const running: AtlasSimulator[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.stop()))
})

async function curl(url: string, user: string, ...extra: string[]) {
  const { stdout } = await run('curl', [
    '--silent',
    '--show-error',
    '--digest',
    '--user',
    user,
    '--request',
    'DELETE',
    '--dump-header',
    '-',
    '--output',
    '/dev/null',
    '--write-out',
    'status=%{http_code}\\n',
    ...extra,
    url,
  ])
  return stdout
}

const deleteUrl = (base: string, id: string) =>
  `${base}/api/atlas/v1.0/orgs/${DEMO_ORG_ID}/invites/${id}?pretty=true`
const owner = `${DEMO_API_KEY.publicKey}:${DEMO_API_KEY.privateKey}`

describe('the simulator, checked by curl --digest', () => {
  it('accepts a correct key: challenge, then 204, and the invitation is gone', async () => {
    const simulator = new AtlasSimulator()
    running.push(simulator)
    const url = await simulator.start()
    const output = await curl(deleteUrl(url, first.id), owner)
    expect(output).toMatch(/HTTP\/1\.1 401[\s\S]*HTTP\/1\.1 204/)
    expect(output.trim().endsWith('status=204')).toBe(true)
    expect(simulator.state.pendingInvitation(DEMO_ORG_ID, first.id)).toBeUndefined()
    expect(simulator.counters()).toMatchObject({ challenges: 1, byStatus: { '401': 1, '204': 1 } })
  })

  it('refuses a wrong key with 401 and leaves the invitation pending', async () => {
    const simulator = new AtlasSimulator()
    running.push(simulator)
    const url = await simulator.start()
    const output = await curl(deleteUrl(url, first.id), `${DEMO_API_KEY.publicKey}:wrong`)
    expect(output.trim().endsWith('status=401')).toBe(true)
    expect(output).toContain('stale=false')
    expect(simulator.state.pendingInvitation(DEMO_ORG_ID, first.id)).toBeDefined()
  })

  it("answers curl's reply to an expired nonce with stale=true, and curl's retry succeeds", async () => {
    let offset = 0
    const simulator = new AtlasSimulator({
      nonceLifetimeMs: 60_000,
      now: () => Date.now() + offset,
    })
    running.push(simulator)
    // The clock jumps past the nonce's lifetime between the challenge and curl's answer.
    simulator.addRoute(async (request) => {
      if (request.headers.authorization && offset === 0) offset = 120_000
      return false
    })
    const url = await simulator.start()
    const output = await curl(deleteUrl(url, second.id), owner)
    expect(output).toContain('stale=true')
    expect(output.trim().endsWith('status=204')).toBe(true)
    expect(simulator.counters()).toMatchObject({ challenges: 2, staleChallenges: 1 })
  })
})
