/**
 * One DynamoDB client per container, shared by the ledger and the repeat check (one connection
 * pool, one credential resolution), made on first use: the AWS SDK loads only when a table is
 * configured. Every call has a timeout and a bounded retry.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'

export type DocumentLibrary = typeof import('@aws-sdk/lib-dynamodb')

export interface DynamoDbConnection {
  readonly client: DynamoDBClient
  readonly doc: DynamoDBDocumentClient
  readonly lib: DocumentLibrary
}

export class DynamoDb {
  #connection: Promise<DynamoDbConnection> | undefined

  /** The SDK loaded and the client made (once). */
  connect(): Promise<DynamoDbConnection> {
    this.#connection ??= Promise.all([
      import('@aws-sdk/client-dynamodb'),
      import('@aws-sdk/lib-dynamodb'),
    ]).then(([{ DynamoDBClient }, lib]) => {
      const client = new DynamoDBClient({
        maxAttempts: 3,
        requestHandler: {
          connectionTimeout: 2_000,
          requestTimeout: 3_000,
          throwOnRequestTimeout: true,
        },
      })
      const doc = lib.DynamoDBDocumentClient.from(client, {
        marshallOptions: { removeUndefinedValues: true },
      })
      return { client, doc, lib }
    })
    // A load that failed is tried again next time.
    this.#connection.catch(() => {
      this.#connection = undefined
    })
    return this.#connection
  }
}
