/** Every secret value the suite uses, so the suite-wide guard can look for them in all output. */
import { LOCAL_OKTA_SECRET, LOCAL_WEBHOOK_SECRET } from '../../dev/local-stack/local-settings.ts'
import { DEMO_API_KEY, DEMO_SERVICE_ACCOUNT } from '../../dev/simulator/demo-seed.ts'

export const knownSecrets = new Set<string>()

/** Registers a secret, and for a `whsec_` one also its key in base64 and hex. */
export function registerSecret(value: string): void {
  knownSecrets.add(value)
  if (value.startsWith('whsec_')) {
    const base64 = value.slice('whsec_'.length)
    knownSecrets.add(base64)
    knownSecrets.add(Buffer.from(base64, 'base64').toString('hex'))
  }
}

registerSecret(DEMO_API_KEY.privateKey)
registerSecret(LOCAL_WEBHOOK_SECRET)
registerSecret(LOCAL_OKTA_SECRET)
registerSecret(DEMO_SERVICE_ACCOUNT.clientSecret)
