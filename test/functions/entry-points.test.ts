/** The deployed entry points, imported as Lambda does: configuration from process.env at load. */
import type { APIGatewayProxyResult, SQSBatchResponse } from 'aws-lambda'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_INVITATIONS, DEMO_ORG_ID } from '../../dev/simulator/demo-seed.ts'
import { type FunctionFixture, startFunctionFixture } from '../support/function-fixture.ts'
import { httpApiEvent, lambdaContext, sqsEvent } from '../support/lambda-events.ts'

const [first, second] = DEMO_INVITATIONS
let fixture: FunctionFixture

beforeAll(async () => {
  fixture = await startFunctionFixture()
  Object.assign(process.env, fixture.env)
})
afterAll(() => fixture.stop())

describe('functions/http/index.ts and functions/queue/index.ts', () => {
  it('export handlers wired to the environment', async () => {
    const { handler: http } = await import('../../functions/http/index.ts')
    const { handler: queue } = await import('../../functions/queue/index.ts')

    const body = JSON.stringify({ orgId: DEMO_ORG_ID, invitationId: first.id })
    const response = (await http(
      httpApiEvent({ method: 'POST', path: '/revocations', body, headers: fixture.sign(body) }),
      lambdaContext(),
    )) as APIGatewayProxyResult
    expect(JSON.parse(response.body)).toMatchObject({ outcome: 'revoked' })

    const batch = (await queue(
      sqsEvent([JSON.stringify({ orgId: DEMO_ORG_ID, invitationId: second.id })]),
      lambdaContext(),
    )) as SQSBatchResponse
    expect(batch.batchItemFailures).toEqual([])
    expect(
      fixture.simulator.state.pendingInvitations(DEMO_ORG_ID).map((invitation) => invitation.id),
    ).not.toContain(second.id)
  })
})
