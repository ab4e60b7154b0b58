/**
 * `npm run revoke -- receipts` on a real DynamoDB protocol peer (dynalite): a revocation through
 * each trigger (webhook, IAM, queue, EventBridge, CLI, sweep) leaves a ledger item, and the
 * receipts print every one of them.
 */
import { readFileSync } from 'node:fs'
import type { APIGatewayProxyResult } from 'aws-lambda'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Receipt } from '../../cli/receipts.ts'
import { runReceiptsCommand } from '../../cli/receipts-command.ts'
import { runRevokeCommand } from '../../cli/revoke-command.ts'
import { DEMO_API_KEY, DEMO_INVITATIONS, DEMO_ORG_ID } from '../../dev/simulator/demo-seed.ts'
import { createHttpHandler } from '../../lib/triggers/http/http-handler.ts'
import { createQueueHandler } from '../../lib/triggers/queue/queue-handler.ts'
import { createSweepHandler } from '../../lib/triggers/sweep/sweep-handler.ts'
import { type FunctionFixture, startFunctionFixture } from '../support/function-fixture.ts'
import { httpApiEvent, lambdaContext, sqsEvent } from '../support/lambda-events.ts'
import { startLocalLedger, TEST_TABLES } from '../support/local-aws.ts'

const [first, second] = DEMO_INVITATIONS
const oktaEvent = readFileSync(
  new URL('../../dev/local-stack/okta/eventbridge-okta-deactivate.json', import.meta.url),
  'utf8',
)
let fixture: FunctionFixture
let local: Awaited<ReturnType<typeof startLocalLedger>>

beforeEach(async () => {
  fixture = await startFunctionFixture()
  local = await startLocalLedger()
})
afterEach(async () => {
  await local.stop()
  await fixture.stop()
})

const env = () => ({ ...fixture.env, ...local.functionEnv, ALLOWED_ORG_IDS: DEMO_ORG_ID })
const invite = (username: string) =>
  fixture.simulator.state.invite({ orgId: DEMO_ORG_ID, username, roles: ['ORG_MEMBER'] })

async function receipts(argv: string[], environment: Record<string, string | undefined> = env()) {
  const stdout: string[] = []
  const stderr: string[] = []
  const code = await runReceiptsCommand({
    argv,
    env: { ...environment },
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
  })
  return { code, stdout: stdout.join('\n'), stderr }
}

describe('receipts', () => {
  it('print a revocation through every trigger, with who asked and the evidence', async () => {
    const since = new Date(Date.now() - 1_000).toISOString()
    const http = createHttpHandler(env(), { dispatcher: fixture.dispatcher() })
    const queue = createQueueHandler(env(), { dispatcher: fixture.dispatcher() })

    invite('via-webhook@example.com')
    const body = JSON.stringify({ username: 'via-webhook@example.com' })
    const webhook = (await http(
      httpApiEvent({ method: 'POST', path: '/revocations', body, headers: fixture.sign(body) }),
      lambdaContext(8_000),
    )) as APIGatewayProxyResult
    expect(webhook.statusCode).toBe(200)

    const iam = (await http(
      httpApiEvent({
        method: 'DELETE',
        path: `/orgs/${DEMO_ORG_ID}/invites/${first.id}`,
        iamCaller: 'arn:aws:iam::123456789012:role/automation',
      }),
      lambdaContext(8_000),
    )) as APIGatewayProxyResult
    expect(iam.statusCode).toBe(200)

    invite('john.doe@example.com')
    expect(
      await queue(
        sqsEvent([JSON.stringify({ orgId: DEMO_ORG_ID, invitationId: second.id }), oktaEvent]),
        lambdaContext(8_000, 'queue'),
      ),
    ).toEqual({ batchItemFailures: [] })

    invite('via-cli@example.com')
    expect(
      await runRevokeCommand({
        argv: ['--user', 'via-cli@example.com'],
        env: {
          ATLAS_BASE_URL: fixture.env.ATLAS_BASE_URL,
          ATLAS_PUBLIC_KEY: DEMO_API_KEY.publicKey,
          ATLAS_PRIVATE_KEY: DEMO_API_KEY.privateKey,
          ALLOWED_ORG_IDS: DEMO_ORG_ID,
          LEDGER_TABLE: TEST_TABLES.ledger,
        },
        readStdin: async () => '',
        stdout: () => {},
        stderr: () => {},
        dispatcher: fixture.dispatcher(),
      }),
    ).toBe(0)

    // The webhook's leaver is invited again; the sweep revokes it.
    invite('via-webhook@example.com')
    await createSweepHandler(env(), { dispatcher: fixture.dispatcher() })({}, lambdaContext(60_000))

    const json = await receipts(['--since', since, '--format', 'json'])
    expect(json.code).toBe(0)
    const report = JSON.parse(json.stdout) as { receipts: Receipt[]; ledger: string }
    expect(report.ledger).toBe(TEST_TABLES.ledger)
    const byPerson = Object.fromEntries(report.receipts.map((receipt) => [receipt.person, receipt]))
    expect(byPerson['via-webhook@example.com']).toMatchObject({
      askedBy: expect.stringMatching(/^webhook msg_/),
      outcome: 'revoked',
      evidence: 'all_parts',
      settledAt: expect.any(String),
      revoked: [
        expect.objectContaining({ outcome: 'revoked', via: 'webhook', evidence: 'removed' }),
        expect.objectContaining({ outcome: 'revoked', via: 'sweep', evidence: 'removed' }),
      ],
      recheck: { status: 'checked', reappeared: 1, lastOutcome: 'revoked' },
    })
    expect(byPerson[`${DEMO_ORG_ID}/${first.id}`]).toMatchObject({
      askedBy: 'iam arn:aws:iam::123456789012:role/automation',
      outcome: 'revoked',
      recheck: { status: 'by_id' },
    })
    expect(byPerson[`${DEMO_ORG_ID}/${second.id}`]).toMatchObject({
      askedBy: expect.stringMatching(/^queue message .* \(sent by AIDAEXAMPLE\)$/),
      outcome: 'revoked',
    })
    expect(byPerson['john.doe@example.com']).toMatchObject({
      askedBy: expect.stringMatching(/^queue message .* \(sent by AIDAEXAMPLE\)$/),
      outcome: 'revoked',
      recheck: { status: 'checked' },
    })
    expect(byPerson['via-cli@example.com']).toMatchObject({
      askedBy: expect.stringMatching(/^cli user /),
      outcome: 'revoked',
    })
    expect(json.stderr).toEqual(['receipts: 5 people'])

    // CSV (the default): a header and the same five rows; one person with --user.
    const csv = await receipts(['--since', since])
    expect(csv.stdout.split('\r\n')).toHaveLength(6)
    const one = await receipts(['--since', since, '--user', 'VIA-CLI@example.com'])
    expect(one.stdout.split('\r\n').slice(1)).toEqual([
      expect.stringMatching(/^via-cli@example\.com,/),
    ])
  })

  it('need LEDGER_TABLE (exit 2) and say when the ledger cannot be read (exit 1)', async () => {
    const unset = await receipts(['--since', '2026-12-01'], {})
    expect(unset).toMatchObject({
      code: 2,
      stderr: ['receipts: LEDGER_TABLE is not set: receipts are read from the ledger'],
    })
    await local.stop()
    const down = await receipts(['--since', new Date().toISOString().slice(0, 10)])
    expect(down.code).toBe(1)
    expect(down.stderr[0]).toMatch(/^receipts: the ledger \(test-ledger\) could not be read/)
    local = await startLocalLedger()
  })
})
