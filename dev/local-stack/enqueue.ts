#!/usr/bin/env node
/** `npm run enqueue -- --org <orgId> --invite <invitationId> | --username <email>`: one message on the local revoke queue. */
import { parseArgs } from 'node:util'
import { SendMessageCommand } from '@aws-sdk/client-sqs'
import { parseRevokeRequest } from '../../lib/revoke/revoke-request.ts'
import { localPorts, localQueueUrl, localSqsClient } from './local-settings.ts'

try {
  const { values } = parseArgs({
    options: { org: { type: 'string' }, invite: { type: 'string' }, username: { type: 'string' } },
  })
  const request = parseRevokeRequest({
    orgId: values.org,
    invitationId: values.invite,
    username: values.username,
  })
  const { kind: _kind, ...message } = request
  const ports = localPorts(process.env)
  const sqs = localSqsClient(ports)
  const sent = await sqs.send(
    new SendMessageCommand({
      QueueUrl: localQueueUrl(ports),
      MessageBody: JSON.stringify(message),
    }),
  )
  process.stdout.write(`${JSON.stringify({ messageId: sent.MessageId, ...message })}\n`)
} catch (error) {
  process.stderr.write(`enqueue: ${(error as Error).message}\n`)
  process.exit(2)
}
