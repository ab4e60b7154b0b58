/**
 * A ledger write ends by its deadline: a DynamoDB that never answers costs the request its
 * write (LedgerUnavailableError, so it is retried), not the Lambda's whole remaining time.
 */
import { createServer, type Server, type Socket } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DynamoDb } from '../../lib/ledger/dynamodb-client.ts'
import { Ledger, LedgerUnavailableError } from '../../lib/ledger/ledger.ts'
import { revokeReport } from '../support/revoke-reports.ts'

let server: Server
const sockets: Socket[] = []
const saved = { ...process.env }

beforeEach(async () => {
  // Accepts, reads, never answers.
  server = createServer((socket) => {
    sockets.push(socket)
    socket.on('data', () => {})
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${port}`,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDLEDGER',
    AWS_SECRET_ACCESS_KEY: 'ledger-test',
  })
})

afterEach(async () => {
  process.env = { ...saved }
  for (const socket of sockets.splice(0)) socket.destroy()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

const meta = {
  receivedAt: new Date(),
  settledAt: new Date(),
  requestedBy: { trigger: 'webhook' as const },
  includeProjects: false,
  retentionDays: 400,
}

describe('a ledger write against a DynamoDB that never answers', () => {
  it('fails as LedgerUnavailableError by its deadline, not after the client’s own timeouts', async () => {
    const ledger = new Ledger('ledger', new DynamoDb())
    const started = Date.now()
    const write = ledger.record(revokeReport(), meta, { deadline: started + 500 })
    await expect(write).rejects.toBeInstanceOf(LedgerUnavailableError)
    const took = Date.now() - started
    // Without the deadline: 3 attempts of a 3 s request timeout. Loose for a loaded machine.
    expect(took).toBeGreaterThanOrEqual(450)
    expect(took).toBeLessThan(3_000)
  })
})

describe('a ledger write with no deadline of its own', () => {
  it("still ends, on the client's request timeout (3 attempts of 3 s), which throws", async () => {
    const ledger = new Ledger('ledger', new DynamoDb())
    const started = Date.now()
    await expect(ledger.record(revokeReport(), meta)).rejects.toBeInstanceOf(LedgerUnavailableError)
    // The SDK only warns on a request timeout unless told to throw: then this never ended.
    expect(Date.now() - started).toBeLessThan(25_000)
  }, 30_000)
})
