#!/usr/bin/env node
/**
 * `npm run demo` (against a running `npm start`): revokes fresh invitations through the signed
 * webhook, through SQS and through an Okta deactivation (Okta's event hook), invites the Okta
 * leaver again and lets the re-check sweep revoke that, runs a dry run for a person invited in
 * two organizations and a project, prints what the Atlas simulator says happened, and ends with
 * the ledger's receipts for all of it. With REMOVE_ACTIVE_MEMBERS=true (as the stack was started
 * with), an Okta deactivation of a person who is an active member of both demo organizations
 * too: removed from both.
 */
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { SendMessageCommand } from '@aws-sdk/client-sqs'
import { request } from 'undici'
import { runReceiptsCommand } from '../../cli/receipts-command.ts'
import { Ledger } from '../../lib/ledger/ledger.ts'
import { signWebhook } from '../../lib/triggers/http/webhook-signature.ts'
import { scriptArgs } from '../../scripts/script-args.ts'
import { DEMO_ORG_ID, DEMO_PROJECT, DEMO_SECOND_ORG_ID } from '../simulator/demo-seed.ts'
import type {
  MemberRemoval,
  RevocationRecord,
  SimulatedInvitation,
  SimulatedMember,
} from '../simulator/simulated-atlas-state.ts'
import { receiptsCommand } from './local-commands.ts'
import { invokeSweepFunction } from './local-functions.ts'
import {
  LOCAL_OKTA_SECRET,
  LOCAL_TABLES,
  LOCAL_WEBHOOK_SECRET,
  localAwsEnvironment,
  localPorts,
  localQueueUrl,
  localSqsClient,
} from './local-settings.ts'

scriptArgs(
  'demo',
  `
npm run demo: with \`npm start\` running, revoke fresh invitations through the signed webhook,
SQS and an Okta deactivation; invite the Okta leaver again and run the re-check sweep; a dry run
for a person invited in two organizations and a project; print the answers, what the Atlas
simulator recorded and the ledger's receipts. With REMOVE_ACTIVE_MEMBERS=true (start the stack
so too), an Okta leaver who is an active member of both demo organizations is removed from both.
Exit 0 when every one happened.`,
  {},
)

const ports = localPorts(process.env)
// The receipts read the local ledger through the AWS SDK, as they would read the real one.
Object.assign(process.env, localAwsEnvironment(ports))
const startedAt = new Date()
const atlas = `http://127.0.0.1:${ports.atlas}`
const api = `http://127.0.0.1:${ports.http}`
const print = (line: string) => process.stdout.write(`${line}\n`)
/** The stack removes active members too (`REMOVE_ACTIVE_MEMBERS=true npm start`). */
const removesMembers = process.env.REMOVE_ACTIVE_MEMBERS?.trim().toLowerCase() === 'true'

async function json<T>(
  url: string,
  init: Parameters<typeof request>[1] = {},
): Promise<{ status: number; body: T }> {
  const response = await request(url, init)
  const text = await response.body.text()
  return { status: response.statusCode, body: (text ? JSON.parse(text) : undefined) as T }
}

async function invite(
  channel: string,
  where: { orgId: string; groupId?: string } = { orgId: DEMO_ORG_ID },
  username = `leaver-${channel}-${Date.now()}@example.com`,
): Promise<SimulatedInvitation> {
  return (
    await json<SimulatedInvitation>(`${atlas}/__simulator/invitations`, {
      method: 'POST',
      body: JSON.stringify({ ...where, username }),
    })
  ).body
}

/** `username` as an active member of each organization, one person with one user id. */
async function join(username: string, orgIds: readonly string[]): Promise<SimulatedMember[]> {
  const members: SimulatedMember[] = []
  for (const orgId of orgIds) {
    const { body } = await json<SimulatedMember>(`${atlas}/__simulator/members`, {
      method: 'POST',
      body: JSON.stringify({ orgId, username, ...(members[0] ? { id: members[0].id } : {}) }),
    })
    members.push(body)
  }
  return members
}

/** The simulator's record of each member's removal, once all are there (or what came in time). */
async function removalsOf(
  members: readonly SimulatedMember[],
  waitMs: number,
): Promise<(MemberRemoval | undefined)[]> {
  const find = (removed: readonly MemberRemoval[]) =>
    members.map((member) =>
      removed.find((removal) => removal.orgId === member.orgId && removal.userId === member.id),
    )
  const all = await until(async () => {
    const { body } = await json<{ removedMembers: MemberRemoval[] }>(`${atlas}/__simulator/state`)
    const found = find(body.removedMembers)
    return found.every(Boolean) ? found : undefined
  }, waitMs)
  if (all) return all
  const { body } = await json<{ removedMembers: MemberRemoval[] }>(`${atlas}/__simulator/state`)
  return find(body.removedMembers)
}

async function revocationOf(
  invitationId: string,
  waitMs: number,
): Promise<RevocationRecord | undefined> {
  return until(async () => {
    const { body } = await json<{ revoked: RevocationRecord[] }>(`${atlas}/__simulator/state`)
    return body.revoked.find((record) => record.invitationId === invitationId)
  }, waitMs)
}

/** `check()`'s first defined answer, asked every 250 ms for up to `waitMs`. */
async function until<T>(
  check: () => Promise<T | undefined>,
  waitMs: number,
): Promise<T | undefined> {
  const end = Date.now() + waitMs
  do {
    const value = await check()
    if (value !== undefined) return value
    await sleep(250)
  } while (Date.now() < end)
  return undefined
}

function readBack(record: RevocationRecord | undefined, invitation: SimulatedInvitation): string {
  return record
    ? `      simulator: invitation ${invitation.id} (${invitation.username}) revoked at ${record.at}`
    : `      simulator: invitation ${invitation.id} is still pending`
}

async function webhook(payload: unknown) {
  const body = JSON.stringify(payload)
  return json<Record<string, unknown>>(`${api}/revocations`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...signWebhook(LOCAL_WEBHOOK_SECRET, `msg_${randomUUID()}`, new Date(), body),
    },
    body,
  })
}

/** Okta's published `user.lifecycle.deactivate` delivery, for this person. */
function oktaDeactivation(username: string): string {
  const delivery = JSON.parse(
    readFileSync(new URL('okta/event-hook-deactivate.json', import.meta.url), 'utf8'),
  ) as { data: { events: { uuid: string; target: { alternateId: string }[] }[] } }
  const [event] = delivery.data.events
  if (event) {
    event.uuid = randomUUID()
    for (const target of event.target) target.alternateId = username
  }
  return JSON.stringify(delivery)
}

try {
  const [viaHttp, viaQueue, viaOkta] = [
    await invite('http'),
    await invite('sqs'),
    await invite('okta'),
  ]

  const answer = await webhook({ orgId: DEMO_ORG_ID, invitationId: viaHttp.id })
  print(`HTTP  POST /revocations → ${answer.status} ${JSON.stringify(answer.body)}`)
  const httpRecord = await revocationOf(viaHttp.id, 0)
  print(readBack(httpRecord, viaHttp))

  const sent = await localSqsClient(ports).send(
    new SendMessageCommand({
      QueueUrl: localQueueUrl(ports),
      MessageBody: JSON.stringify({ orgId: DEMO_ORG_ID, invitationId: viaQueue.id }),
    }),
  )
  print(`SQS   message ${sent.MessageId} → queue function`)
  const queueRecord = await revocationOf(viaQueue.id, 20_000)
  print(readBack(queueRecord, viaQueue))

  const okta = await request(`${api}/okta/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: LOCAL_OKTA_SECRET },
    body: oktaDeactivation(viaOkta.username),
  })
  await okta.body.dump()
  print(
    `OKTA  POST /okta/events (user.lifecycle.deactivate ${viaOkta.username}) → ${okta.statusCode}, queued`,
  )
  const oktaRecord = await revocationOf(viaOkta.id, 20_000)
  print(readBack(oktaRecord, viaOkta))

  // The Okta leaver is invited again after being offboarded: the next sweep revokes it.
  const ledger = new Ledger(LOCAL_TABLES.ledger)
  const offboarded = await until(async () => ledger.leaver(viaOkta.username), 10_000)
  const reinvited = await invite('okta', { orgId: DEMO_ORG_ID }, viaOkta.username)
  const sweep = await invokeSweepFunction(ports)
  print(
    `SWEEP ${viaOkta.username} invited again; the sweep re-checked ${sweep.checked} ${sweep.checked === 1 ? 'leaver' : 'leavers'} → ${sweep.reappeared} reappeared`,
  )
  const sweepRecord = await revocationOf(reinvited.id, 0)
  print(readBack(sweepRecord, reinvited))

  const person = `leaver-everywhere-${Date.now()}@example.com`
  const everywhere = [
    await invite('everywhere', { orgId: DEMO_ORG_ID }, person),
    await invite('everywhere', { orgId: DEMO_SECOND_ORG_ID }, person),
    await invite('everywhere', { orgId: DEMO_ORG_ID, groupId: DEMO_PROJECT.id }, person),
  ]
  const dryRun = await webhook({ username: person, dryRun: true })
  const found = (dryRun.body?.invitations ?? []) as { outcome: string }[]
  print(
    `DRY   POST /revocations {"username":"${person}","dryRun":true} → ${dryRun.status} ${String(dryRun.body?.outcome)}, ${found.filter((entry) => entry.outcome === 'would_revoke').length} would be revoked`,
  )
  const stillPending = await Promise.all(
    everywhere.map((invitation) => revocationOf(invitation.id, 0)),
  )
  print(
    `      simulator: ${stillPending.filter((record) => record === undefined).length} of ${everywhere.length} still pending (a dry run revokes nothing)`,
  )

  // Opted in: an Okta leaver who long ago accepted, an active member of both demo organizations.
  let membersRemoved = true
  if (removesMembers) {
    const member = `leaver-member-${Date.now()}@example.com`
    const members = await join(member, [DEMO_ORG_ID, DEMO_SECOND_ORG_ID])
    const deactivated = await request(`${api}/okta/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: LOCAL_OKTA_SECRET },
      body: oktaDeactivation(member),
    })
    await deactivated.body.dump()
    const removals = await removalsOf(members, 20_000)
    const removed = removals.filter((removal) => removal !== undefined).length
    print(
      `MEMBER POST /okta/events (user.lifecycle.deactivate ${member}, an active member of both demo orgs) → ${deactivated.statusCode}, queued → removed from ${removed} of ${members.length} organizations`,
    )
    for (const [index, member] of members.entries()) {
      const removal = removals[index]
      print(
        removal
          ? `      simulator: member ${member.id} (${member.username}) removed from ${member.orgId} at ${removal.at}`
          : `      simulator: member ${member.id} is still an active member of ${member.orgId}`,
      )
    }
    membersRemoved = removed === members.length
  }

  print('')
  print('Receipts (the command prints them again, from the local ledger):')
  print(receiptsCommand(ports, startedAt.toISOString()))
  const receipts = await runReceiptsCommand({
    argv: ['--since', startedAt.toISOString()],
    env: { ...process.env, LEDGER_TABLE: LOCAL_TABLES.ledger },
    stdout: print,
    stderr: print,
  })

  const all =
    receipts === 0 &&
    httpRecord &&
    queueRecord &&
    oktaRecord &&
    offboarded &&
    sweepRecord &&
    dryRun.status === 200 &&
    found.length === everywhere.length &&
    stillPending.every((record) => record === undefined) &&
    membersRemoved
  process.exitCode = all ? 0 : 1
} catch (error) {
  process.stderr.write(
    `demo: ${(error as Error).message} (is the local stack running? npm start)\n`,
  )
  process.exitCode = 1
}
