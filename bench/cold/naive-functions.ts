/**
 * The naive cold path, for the "Cold revocation, end to end" row: every dependency imported
 * whole, then, one after another, each with a new connection: read the secret(s), ask Atlas for
 * a challenge, send the signed DELETE. Bundled like the deployed functions and run the same way.
 */
import * as batch from '@aws-lambda-powertools/batch'
import * as logger from '@aws-lambda-powertools/logger'
import * as metrics from '@aws-lambda-powertools/metrics'
import * as parameters from '@aws-lambda-powertools/parameters/secrets'
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import * as sqs from '@aws-sdk/client-sqs'
import middy from '@middy/core'
import type { APIGatewayProxyEventV2, SQSBatchResponse, SQSEvent } from 'aws-lambda'
import { Webhook } from 'standardwebhooks'
import * as undici from 'undici'
import { naiveDelete } from '../naive-atlas-client.ts'

;(globalThis as { keep?: unknown }).keep = [batch, logger, metrics, parameters, sqs, middy, undici]

async function readSecret(secretId: string | undefined): Promise<string> {
  const client = new SecretsManagerClient({})
  try {
    const answer = await client.send(new GetSecretValueCommand({ SecretId: secretId }))
    return answer.SecretString ?? ''
  } finally {
    client.destroy()
  }
}

async function revokeNaively(body: string): Promise<number> {
  const { orgId, invitationId } = JSON.parse(body) as { orgId: string; invitationId: string }
  const key = JSON.parse(await readSecret(process.env.ATLAS_SECRET_ID)) as {
    publicKey: string
    privateKey: string
  }
  return naiveDelete(
    process.env.ATLAS_BASE_URL ?? 'https://cloud.mongodb.com',
    `/api/atlas/v1.0/orgs/${orgId}/invites/${invitationId}`,
    key,
    { newConnectionEach: true },
  )
}

export async function queueHandler(event: SQSEvent): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = []
  for (const record of event.Records) {
    const status = await revokeNaively(record.body)
    if (status !== 204) batchItemFailures.push({ itemIdentifier: record.messageId })
  }
  return { batchItemFailures }
}

export async function httpHandler(event: APIGatewayProxyEventV2) {
  const secret = await readSecret(process.env.WEBHOOK_SECRET_ID)
  const body = event.body ?? ''
  new Webhook(secret.split(' ')[0] ?? '').verify(body, event.headers as Record<string, string>)
  const status = await revokeNaively(body)
  return { statusCode: status === 204 ? 200 : 502, body: JSON.stringify({ status }) }
}
