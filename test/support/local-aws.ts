/** Points the AWS SDK at local stand-ins on loopback (Secrets Manager, DynamoDB), with dummy credentials. */
import { startLocalDynamoDb } from '../../dev/local-stack/local-dynamodb.ts'
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

/** The tables a test's functions write: the ledger and Powertools Idempotency's. */
export const TEST_TABLES = { ledger: 'test-ledger', idempotency: 'test-idempotency' } as const

/**
 * A local DynamoDB (dynalite) with both tables, the SDK pointed at it, and the functions'
 * settings for it. Stop it when the test is done.
 */
export async function startLocalLedger() {
  const dynamo = await startLocalDynamoDb(TEST_TABLES)
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'AKIDLOCAL',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
  })
  return {
    ...dynamo,
    functionEnv: { LEDGER_TABLE: TEST_TABLES.ledger, IDEMPOTENCY_TABLE: TEST_TABLES.idempotency },
  }
}
