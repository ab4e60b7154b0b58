/**
 * The oracle's ledger: a real DynamoDB protocol peer (dynalite on 127.0.0.1, as the ledger's own
 * tests use it) that the entries reach through the AWS SDK, started once per run. Each case with
 * a history gets a table of its own (ids are fixed by position, so one case's markers must not
 * speak for another's), dropped when the case is done.
 */
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { ledgerTableDefinition } from '../../dev/local-stack/local-dynamodb.ts'
import { Ledger } from '../../lib/ledger/ledger.ts'
import { startLocalLedger } from '../support/local-aws.ts'

export interface OracleLedger {
  /** A fresh, empty ledger table for one case. */
  table(): Promise<string>
  drop(table: string): Promise<void>
  /** The library's own reader, for the oracle's questions to a case's table. */
  reader(table: string): Ledger
  stop(): Promise<void>
}

const SDK_SETTINGS = [
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_ENDPOINT_URL_DYNAMODB',
] as const

export async function startOracleLedger(): Promise<OracleLedger> {
  const saved = Object.fromEntries(SDK_SETTINGS.map((name) => [name, process.env[name]]))
  const local = await startLocalLedger()
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: local.url,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  })
  let made = 0
  return {
    async table() {
      const name = `oracle-ledger-${++made}`
      await client.send(new CreateTableCommand(ledgerTableDefinition(name)))
      return name
    },
    async drop(table) {
      await client.send(new DeleteTableCommand({ TableName: table }))
    },
    reader: (table) => new Ledger(table),
    async stop() {
      client.destroy()
      await local.stop()
      for (const name of SDK_SETTINGS) {
        const value = saved[name]
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      }
    },
  }
}
