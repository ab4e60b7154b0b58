/** Points the AWS SDK at a LocalSecretsManager on loopback, with dummy credentials. */
import { LocalSecretsManager } from '../../dev/simulator/local-secrets-manager.ts'

export async function startLocalSecretsManager(secrets: Record<string, string> = {}) {
  const secretsManager = new LocalSecretsManager(secrets)
  const url = await secretsManager.start()
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDLOCAL',
    AWS_SECRET_ACCESS_KEY: 'local-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: url,
  })
  return { secretsManager, url }
}
