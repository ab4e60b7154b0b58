/**
 * Everything a handler test needs on loopback: the Atlas simulator, the local Secrets Manager
 * (reached by the real AWS SDK through AWS_ENDPOINT_URL_SECRETS_MANAGER), the secrets, and the
 * function environment. The environment acts in every organization the key can see
 * (`ALLOWED_ORG_IDS=*`): a deployed function acts nowhere without a scope, and most tests are
 * about something else; a test of the scope sets its own, or drops it (`withoutOrgScope`).
 */
import { randomBytes } from 'node:crypto'
import type { AtlasSimulator, AtlasSimulatorOptions } from '../../dev/simulator/atlas-simulator.ts'
import { DEMO_API_KEY, DEMO_ORG_ID } from '../../dev/simulator/demo-seed.ts'
import type { LocalSecretsManager } from '../../dev/simulator/local-secrets-manager.ts'
import { createAtlasDispatcher } from '../../lib/atlas/http/dispatcher.ts'
import { signWebhook } from '../../lib/triggers/http/webhook-signature.ts'
import { startSimulator } from './atlas-fixture.ts'
import { registerSecret } from './known-secrets.ts'
import { startLocalSecretsManager } from './local-aws.ts'

export const ATLAS_SECRET_ID = 'atlas-invite-revoker/atlas-api-key'
export const WEBHOOK_SECRET_ID = 'atlas-invite-revoker/webhook-secret'

export interface FunctionFixture {
  readonly simulator: AtlasSimulator
  readonly secretsManager: LocalSecretsManager
  readonly webhookSecret: string
  readonly env: Record<string, string>
  /** A fresh Atlas dispatcher (own pool and nonce cache) with short timeouts for tests. */
  dispatcher(): ReturnType<typeof createAtlasDispatcher>
  /** Headers of a correctly signed webhook request for `body`. */
  sign(body: string, options?: { at?: Date; id?: string }): Record<string, string>
  /** Key rotation: Atlas stops accepting the demo key and the secret now holds a new one. */
  rotateAtlasKey(): void
  stop(): Promise<void>
}

export async function startFunctionFixture(
  options: AtlasSimulatorOptions = {},
): Promise<FunctionFixture> {
  const { simulator, url } = await startSimulator(options)
  const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`
  registerSecret(webhookSecret)
  const { secretsManager } = await startLocalSecretsManager({
    [ATLAS_SECRET_ID]: JSON.stringify(DEMO_API_KEY),
    [WEBHOOK_SECRET_ID]: webhookSecret,
  })
  let messages = 0
  return {
    simulator,
    secretsManager,
    webhookSecret,
    env: { ATLAS_SECRET_ID, WEBHOOK_SECRET_ID, ATLAS_BASE_URL: url, ALLOWED_ORG_IDS: '*' },
    dispatcher: () =>
      createAtlasDispatcher(url, { random: () => 0, connection: { headersTimeoutMs: 300 } }),
    sign: (body, signOptions = {}) =>
      signWebhook(
        webhookSecret,
        signOptions.id ?? `msg_${++messages}`,
        signOptions.at ?? new Date(),
        body,
      ),
    rotateAtlasKey: () => {
      simulator.state.putApiKey({
        publicKey: DEMO_API_KEY.publicKey,
        privateKey: 'retired',
        roles: {},
      })
      simulator.state.putApiKey({
        publicKey: 'rotatedk',
        privateKey: 'fresh-private',
        roles: { [DEMO_ORG_ID]: ['ORG_OWNER'] },
      })
      secretsManager.putSecret(
        ATLAS_SECRET_ID,
        JSON.stringify({ publicKey: 'rotatedk', privateKey: 'fresh-private' }),
      )
    },
    stop: async () => {
      await simulator.stop()
      await secretsManager.stop()
    },
  }
}

/** A function environment without ALLOWED_ORG_IDS: the functions act in no organization. */
export function withoutOrgScope(env: Readonly<Record<string, string>>): Record<string, string> {
  const { ALLOWED_ORG_IDS: _scope, ...rest } = env
  return rest
}
