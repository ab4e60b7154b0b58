#!/usr/bin/env node
/** `npm run enqueue`: one revoke request on the local revoke queue of a running `npm start`. */
import { SendMessageCommand } from '@aws-sdk/client-sqs'
import { ValidationError } from '../../lib/errors.ts'
import { parseRevokeRequest } from '../../lib/revoke/revoke-request.ts'
import { fail, scriptArgs } from '../../scripts/script-args.ts'
import { localPorts, localQueueUrl, localSqsClient } from './local-settings.ts'

const values = scriptArgs(
  'enqueue',
  `
npm run enqueue -- --org <orgId> --invite <invitationId>
npm run enqueue -- --username <email> [--org <orgId>] [--dry-run]

Puts one revoke request on the local revoke queue (npm start must be running); the queue
function picks it up within a few seconds. Prints the message id and the request.`,
  {
    org: { type: 'string' },
    invite: { type: 'string' },
    username: { type: 'string' },
    'dry-run': { type: 'boolean' },
  },
)

let message: Record<string, unknown>
try {
  const request = parseRevokeRequest({
    orgId: values.org,
    invitationId: values.invite,
    username: values.username,
    ...(values['dry-run'] ? { dryRun: true } : {}),
  })
  const { kind: _kind, ...fields } = request
  message = fields
} catch (error) {
  if (error instanceof ValidationError) fail('enqueue', error.message)
  throw error
}

const ports = localPorts(process.env)
const sqs = localSqsClient(ports)
try {
  const sent = await sqs.send(
    new SendMessageCommand({
      QueueUrl: localQueueUrl(ports),
      MessageBody: JSON.stringify(message),
    }),
  )
  process.stdout.write(`${JSON.stringify({ messageId: sent.MessageId, ...message })}\n`)
} catch (error) {
  process.stderr.write(
    `enqueue: local SQS on 127.0.0.1:${ports.sqs} did not take the message (${(error as Error).name}); is the local stack running? npm start\n`,
  )
  process.exitCode = 1
} finally {
  sqs.destroy()
}
