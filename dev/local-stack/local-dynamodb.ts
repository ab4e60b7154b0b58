/**
 * A local DynamoDB for `npm start` and the tests: dynalite (in memory) on 127.0.0.1, with the
 * ledger and idempotency tables created as serverless.yml declares them (a test compares the
 * two), reached by the real AWS SDK through `AWS_ENDPOINT_URL_DYNAMODB`.
 */
import { createServer, type RequestListener, type Server } from 'node:http'
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb'
import dynalite from 'dynalite'
import { NetworkLatency, type NetworkLatencySettings } from '../simulator/network-latency.ts'

/** The ledger table: keys, the two indexes, on-demand billing (serverless.yml's LedgerTable). */
export function ledgerTableDefinition(tableName: string): CreateTableCommandInput {
  const keys = (pk: string, sk: string) => [
    { AttributeName: pk, KeyType: 'HASH' as const },
    { AttributeName: sk, KeyType: 'RANGE' as const },
  ]
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'].map((name) => ({
      AttributeName: name,
      AttributeType: 'S' as const,
    })),
    KeySchema: keys('pk', 'sk'),
    GlobalSecondaryIndexes: [
      {
        IndexName: 'GSI1',
        KeySchema: keys('gsi1pk', 'gsi1sk'),
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: 'GSI2',
        KeySchema: keys('gsi2pk', 'gsi2sk'),
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  }
}

/** The idempotency table Powertools Idempotency writes (serverless.yml's IdempotencyTable). */
export function idempotencyTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  }
}

export interface LocalDynamoDb {
  readonly url: string
  readonly env: Record<string, string>
  stop(): Promise<void>
}

/**
 * Starts dynalite on `port` (0: any free one) and creates both tables. `latency` models the
 * network to DynamoDB (the bench): a round trip per request, handshakes per connection.
 */
export async function startLocalDynamoDb(
  tables: { readonly ledger: string; readonly idempotency: string },
  port = 0,
  latency?: NetworkLatencySettings,
): Promise<LocalDynamoDb> {
  let server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }) as Server
  if (latency) {
    const network = new NetworkLatency(latency)
    const answer = server.listeners('request')[0] as RequestListener
    server = createServer((request, response) => {
      void network.wait(request.socket).then(() => answer(request, response))
    })
    network.watch(server)
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`port ${port} on 127.0.0.1 is already in use; choose another one`)
          : error,
      ),
    )
    server.listen(port, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: url,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  })
  try {
    await client.send(new CreateTableCommand(ledgerTableDefinition(tables.ledger)))
    await client.send(new CreateTableCommand(idempotencyTableDefinition(tables.idempotency)))
  } finally {
    client.destroy()
  }
  return {
    url,
    env: { AWS_ENDPOINT_URL_DYNAMODB: url },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
      }),
  }
}
