/**
 * Ready-to-paste commands for a running local stack: a signed webhook with curl, SQS sends, the
 * ledger's receipts.
 */
import {
  LOCAL_REGION,
  LOCAL_TABLES,
  LOCAL_WEBHOOK_SECRET,
  type LocalPorts,
  localQueueUrl,
} from './local-settings.ts'

/**
 * A bash snippet that signs `{"orgId","invitationId"}` the Standard Webhooks way with openssl
 * and POSTs it with curl: HMAC-SHA256 over "id.timestamp.body", keyed by the secret's bytes.
 */
export function signedCurlCommand(ports: LocalPorts, orgId: string, invitationId: string): string {
  const keyBase64 = LOCAL_WEBHOOK_SECRET.slice('whsec_'.length)
  return [
    `body='{"orgId":"${orgId}","invitationId":"${invitationId}"}'`,
    'id="msg_$(date +%s%N)"; ts="$(date +%s)"',
    `key="$(printf %s '${keyBase64}' | base64 -d | od -An -v -tx1 | tr -d ' \\n')"`,
    `sig="$(printf %s "$id.$ts.$body" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key" -binary | base64)"`,
    `curl -sS -X POST http://127.0.0.1:${ports.http}/revocations -H 'content-type: application/json' \\`,
    `  -H "webhook-id: $id" -H "webhook-timestamp: $ts" -H "webhook-signature: v1,$sig" -d "$body"`,
  ].join('\n')
}

export function awsCliSendCommand(ports: LocalPorts, orgId: string, invitationId: string): string {
  return [
    `AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws sqs send-message --region ${LOCAL_REGION} \\`,
    `  --endpoint-url http://127.0.0.1:${ports.sqs} --queue-url ${localQueueUrl(ports)} \\`,
    `  --message-body '{"orgId":"${orgId}","invitationId":"${invitationId}"}'`,
  ].join('\n')
}

export function enqueueCommand(orgId: string, invitationId: string): string {
  return `npm run enqueue -- --org ${orgId} --invite ${invitationId}`
}

/** The receipts from the local ledger, with what the CLI needs to reach it (dummy credentials). */
export function receiptsCommand(ports: LocalPorts, since: string): string {
  return [
    `LEDGER_TABLE=${LOCAL_TABLES.ledger} AWS_REGION=${LOCAL_REGION} AWS_ACCESS_KEY_ID=local \\`,
    `  AWS_SECRET_ACCESS_KEY=local AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:${ports.dynamodb} \\`,
    `  npm run -s revoke -- receipts --since ${since}`,
  ].join('\n')
}
