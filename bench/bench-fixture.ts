/** Starts what a measure needs: the simulator in a child process, Secrets Manager in this one. */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { request } from 'undici'
import type { SimulatorCounters } from '../dev/simulator/atlas-simulator.ts'
import { DEMO_API_KEY } from '../dev/simulator/demo-seed.ts'
import { LocalSecretsManager } from '../dev/simulator/local-secrets-manager.ts'
import type { NetworkLatencySettings } from '../dev/simulator/network-latency.ts'
import { signWebhook } from '../lib/triggers/http/webhook-signature.ts'

export const ATLAS_SECRET_ID = 'bench/atlas-api-key'
export const WEBHOOK_SECRET_ID = 'bench/webhook-secret'
export const WEBHOOK_SECRET = `whsec_${Buffer.from('bench-webhook-secret-32-bytes-ok').toString('base64')}`

export interface AtlasProcess {
  readonly url: string
  counters(): Promise<SimulatorCounters>
  resetCounters(): Promise<void>
  /** Invitations revoked so far. */
  revokedCount(): Promise<number>
  /** A new pending invitation of `username` to `orgId`. */
  invite(orgId: string, username: string): Promise<void>
  stop(): Promise<void>
}

export interface AtlasProcessOptions {
  readonly invitations?: number
  /** Per request (one round trip). */
  readonly latencyMs?: number
  /** Per new connection, from its accept (handshakes). */
  readonly connectionMs?: number
  /** A token bucket per organization; default none worth the name. */
  readonly rateLimit?: {
    readonly ratePerSecond: number
    readonly burst: number
    /** Send RateLimit-* headers (default); Atlas may leave them out. */
    readonly headers?: boolean
  }
}

export async function startAtlasProcess(options: AtlasProcessOptions = {}): Promise<AtlasProcess> {
  const rate = options.rateLimit
  const child = spawn(
    process.execPath,
    [
      fileURLToPath(new URL('atlas-child.ts', import.meta.url)),
      '--invitations',
      String(options.invitations ?? 0),
      '--latency-ms',
      String(options.latencyMs ?? 0),
      '--connection-ms',
      String(options.connectionMs ?? 0),
      ...(rate
        ? [
            '--rate-per-second',
            String(rate.ratePerSecond),
            '--burst',
            String(rate.burst),
            '--rate-headers',
            String(rate.headers ?? true),
          ]
        : []),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  )
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  const line = (await lines.next()).value as string | undefined
  const { url } = JSON.parse(line ?? '{}') as { url: string }
  const admin = async (method: 'GET' | 'POST', path: string) => {
    const response = await request(`${url}/__simulator/${path}`, { method })
    return response.body.text()
  }
  return {
    url,
    counters: async () => JSON.parse(await admin('GET', 'counters')) as SimulatorCounters,
    resetCounters: async () => void (await admin('POST', 'counters/reset')),
    invite: async (orgId, username) => {
      const response = await request(`${url}/__simulator/invitations`, {
        method: 'POST',
        body: JSON.stringify({ orgId, username }),
      })
      await response.body.dump()
    },
    revokedCount: async () =>
      (JSON.parse(await admin('GET', 'state')) as { revoked: unknown[] }).revoked.length,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve())
        child.stdin.end()
      }),
  }
}

export async function startSecrets(latency?: NetworkLatencySettings): Promise<{
  secretsManager: LocalSecretsManager
  env: Record<string, string>
}> {
  const secretsManager = new LocalSecretsManager(
    {
      [ATLAS_SECRET_ID]: JSON.stringify(DEMO_API_KEY),
      [WEBHOOK_SECRET_ID]: WEBHOOK_SECRET,
    },
    latency ? { latency } : {},
  )
  const url = await secretsManager.start()
  const env = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDBENCH',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: url,
  }
  Object.assign(process.env, env)
  return { secretsManager, env }
}

export function functionEnv(atlasUrl: string): Record<string, string> {
  return { ATLAS_SECRET_ID, WEBHOOK_SECRET_ID, ATLAS_BASE_URL: atlasUrl, ALLOWED_ORG_IDS: '*' }
}

export function signedWebhook(body: string, id: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    ...signWebhook(WEBHOOK_SECRET, id, new Date(), body),
  }
}
