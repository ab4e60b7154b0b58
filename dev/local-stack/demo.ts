#!/usr/bin/env node
/**
 * `npm run demo` (against a running `npm start`): revokes one fresh invitation through the
 * signed webhook and one through SQS, then prints what the Atlas simulator says happened.
 */
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { SendMessageCommand } from '@aws-sdk/client-sqs'
import { request } from 'undici'
import { signWebhook } from '../../lib/triggers/http/webhook-signature.ts'
import { DEMO_ORG_ID } from '../simulator/demo-seed.ts'
import type { RevocationRecord, SimulatedInvitation } from '../simulator/simulated-atlas-state.ts'
import {
  LOCAL_WEBHOOK_SECRET,
  localPorts,
  localQueueUrl,
  localSqsClient,
} from './local-settings.ts'

const ports = localPorts(process.env)
const atlas = `http://127.0.0.1:${ports.atlas}`
const print = (line: string) => process.stdout.write(`${line}\n`)

async function json<T>(
  url: string,
  init: Parameters<typeof request>[1] = {},
): Promise<{ status: number; body: T }> {
  const response = await request(url, init)
  return { status: response.statusCode, body: (await response.body.json()) as T }
}

async function invite(channel: string): Promise<SimulatedInvitation> {
  const username = `leaver-${channel}-${Date.now()}@example.com`
  return (
    await json<SimulatedInvitation>(`${atlas}/__simulator/invitations`, {
      method: 'POST',
      body: JSON.stringify({ orgId: DEMO_ORG_ID, username }),
    })
  ).body
}

async function revocationOf(
  invitationId: string,
  waitMs: number,
): Promise<RevocationRecord | undefined> {
  const until = Date.now() + waitMs
  do {
    const { body } = await json<{ revoked: RevocationRecord[] }>(`${atlas}/__simulator/state`)
    const found = body.revoked.find((record) => record.invitationId === invitationId)
    if (found) return found
    await sleep(250)
  } while (Date.now() < until)
  return undefined
}

function readBack(record: RevocationRecord | undefined, invitation: SimulatedInvitation): string {
  return record
    ? `      simulator: invitation ${invitation.id} (${invitation.username}) revoked at ${record.at}`
    : `      simulator: invitation ${invitation.id} is still pending`
}

try {
  const [viaHttp, viaQueue] = [await invite('http'), await invite('sqs')]

  const body = JSON.stringify({ orgId: DEMO_ORG_ID, invitationId: viaHttp.id })
  const headers = {
    'content-type': 'application/json',
    ...signWebhook(LOCAL_WEBHOOK_SECRET, `msg_${randomUUID()}`, new Date(), body),
  }
  const answer = await json<unknown>(`http://127.0.0.1:${ports.http}/revocations`, {
    method: 'POST',
    headers,
    body,
  })
  print(`HTTP  POST /revocations → ${answer.status} ${JSON.stringify(answer.body)}`)
  const httpRecord = await revocationOf(viaHttp.id, 0)
  print(readBack(httpRecord, viaHttp))

  const sqs = localSqsClient(ports)
  const sent = await sqs.send(
    new SendMessageCommand({
      QueueUrl: localQueueUrl(ports),
      MessageBody: JSON.stringify({ orgId: DEMO_ORG_ID, invitationId: viaQueue.id }),
    }),
  )
  print(`SQS   message ${sent.MessageId} → queue function`)
  const queueRecord = await revocationOf(viaQueue.id, 20_000)
  print(readBack(queueRecord, viaQueue))
  process.exitCode = httpRecord && queueRecord ? 0 : 1
} catch (error) {
  process.stderr.write(
    `demo: ${(error as Error).message} (is the local stack running? npm start)\n`,
  )
  process.exitCode = 1
}
