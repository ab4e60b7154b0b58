/**
 * Ports, names and demo secrets of the local stack (`npm start`). Ports come from the
 * environment so two stacks (or a test and a developer's stack) can run side by side.
 */
import { SQSClient } from '@aws-sdk/client-sqs'
import { DEMO_API_KEY, DEMO_ORG_ID, DEMO_SECOND_ORG_ID } from '../simulator/demo-seed.ts'

export interface LocalPorts {
  readonly atlas: number
  readonly secretsManager: number
  readonly sqs: number
  readonly http: number
  readonly lambda: number
  readonly dynamodb: number
}

export const PORT_VARIABLES: Readonly<
  Record<
    keyof LocalPorts,
    { readonly variable: string; readonly fallback: number; readonly what: string }
  >
> = {
  atlas: { variable: 'LOCAL_ATLAS_PORT', fallback: 8090, what: 'Atlas simulator' },
  secretsManager: {
    variable: 'LOCAL_SECRETS_MANAGER_PORT',
    fallback: 8091,
    what: 'local Secrets Manager',
  },
  sqs: { variable: 'LOCAL_SQS_PORT', fallback: 9324, what: 'local SQS' },
  http: { variable: 'LOCAL_HTTP_PORT', fallback: 3000, what: 'serverless-offline HTTP API' },
  lambda: {
    variable: 'LOCAL_LAMBDA_PORT',
    fallback: 3002,
    what: 'serverless-offline Lambda invoke API',
  },
  dynamodb: { variable: 'LOCAL_DYNAMODB_PORT', fallback: 8092, what: 'local DynamoDB (dynalite)' },
}

export function localPorts(env: Readonly<Record<string, string | undefined>>): LocalPorts {
  const read = (key: keyof LocalPorts) => {
    const { variable, fallback } = PORT_VARIABLES[key]
    const value = env[variable]
    if (value === undefined || value === '') return fallback
    const port = Number(value)
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
      throw new Error(
        `${variable} must be a port number from 1 to 65535 (got ${JSON.stringify(value)})`,
      )
    }
    return port
  }
  return {
    atlas: read('atlas'),
    secretsManager: read('secretsManager'),
    sqs: read('sqs'),
    http: read('http'),
    lambda: read('lambda'),
    dynamodb: read('dynamodb'),
  }
}

export const LOCAL_STAGE = 'local'
export const LOCAL_REGION = 'us-east-1'
export const LOCAL_ACCOUNT = '123456789012'
export const LOCAL_ATLAS_SECRET_ID = 'atlas-invite-revoker/local/atlas-api-key'
export const LOCAL_WEBHOOK_SECRET_ID = 'atlas-invite-revoker/local/webhook-secret'
export const LOCAL_OKTA_SECRET_ID = 'atlas-invite-revoker/local/okta-event-hook'
/** Local only: the Authorization value an Okta event hook would be configured to send. */
export const LOCAL_OKTA_SECRET = 'Basic bG9jYWwtb2t0YS1ob29rOmxvY2FsLWRlbW8tb25seQ=='
/** The organizations the local stack looks for a person in: both the demo key owns. */
export const LOCAL_ALLOWED_ORG_IDS = `${DEMO_ORG_ID},${DEMO_SECOND_ORG_ID}`
/** Local only: the secret HR senders would share with us, published so the demo can sign. */
export const LOCAL_WEBHOOK_SECRET = `whsec_${Buffer.from('local-demo-webhook-secret-32byte').toString('base64')}`
export const LOCAL_QUEUE_NAME = 'atlas-invite-revoker-local-revoke'
export const LOCAL_DLQ_NAME = 'atlas-invite-revoker-local-revoke-dlq'
export const LOCAL_QUEUE_FUNCTION = `atlas-invite-revoker-${LOCAL_STAGE}-queue`
export const LOCAL_SWEEP_FUNCTION = `atlas-invite-revoker-${LOCAL_STAGE}-sweep`
/** The tables serverless.yml names for the local stage (custom.ledgerTable, idempotencyTable). */
export const LOCAL_TABLES = {
  ledger: `atlas-invite-revoker-${LOCAL_STAGE}-ledger`,
  idempotency: `atlas-invite-revoker-${LOCAL_STAGE}-idempotency`,
} as const

export const LOCAL_SECRETS = {
  [LOCAL_ATLAS_SECRET_ID]: JSON.stringify(DEMO_API_KEY),
  [LOCAL_WEBHOOK_SECRET_ID]: LOCAL_WEBHOOK_SECRET,
  [LOCAL_OKTA_SECRET_ID]: LOCAL_OKTA_SECRET,
}

/** Dummy AWS settings: the SDK needs credentials and a region even for local endpoints. */
export function localAwsEnvironment(ports: LocalPorts): Record<string, string> {
  return {
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: 'AKIDLOCALSTACK',
    AWS_SECRET_ACCESS_KEY: 'local-stack-not-a-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${ports.secretsManager}`,
    AWS_ENDPOINT_URL_SQS: `http://127.0.0.1:${ports.sqs}`,
    AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${ports.dynamodb}`,
  }
}

export function localQueueUrl(ports: LocalPorts, name = LOCAL_QUEUE_NAME): string {
  return `http://127.0.0.1:${ports.sqs}/${LOCAL_ACCOUNT}/${name}`
}

/** An SQS client for the local queue (dummy credentials). */
export function localSqsClient(ports: LocalPorts): SQSClient {
  return new SQSClient({
    region: LOCAL_REGION,
    endpoint: `http://127.0.0.1:${ports.sqs}`,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  })
}
