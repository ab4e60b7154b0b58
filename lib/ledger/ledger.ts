/**
 * The ledger in DynamoDB (`LEDGER_TABLE`): every revoke request, written before its answer or
 * ack (a failed write fails the request, so it is retried, never lost unrecorded), the
 * invitations and users we revoked, the people offboarded for the re-check sweep, and the
 * sweep's cursor. Items are made by ledger-items.ts; this file only reads and writes them. The
 * AWS SDK's DynamoDB client is loaded on first use.
 */
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { beforeDeadline } from '../before-deadline.ts'
import type { RevokeReport } from '../revoke/revoke-report.ts'
import { DynamoDb, type DynamoDbConnection } from './dynamodb-client.ts'
import {
  itemsOf,
  type LeaverCheck,
  type LeaverItem,
  type LeaverUpdate,
  leaverKey,
  type RecordedRequest,
  type RecordMeta,
  revokedKey,
} from './ledger-items.ts'

/** The ledger could not be written or read: the request is not done, and is retried. */
export class LedgerUnavailableError extends Error {
  override readonly name = 'LedgerUnavailableError'
}

/** The sweep's place in the list of leavers, between runs. */
export interface SweepCursor {
  /** Where the next run starts: a leaver's key, or nothing (the oldest within RECHECK_DAYS). */
  readonly after?: Record<string, unknown>
  readonly updatedAt: string
}

export interface LeaverPage {
  readonly leavers: readonly LeaverItem[]
  /** Where the next page starts; absent when this was the last. */
  readonly next?: Record<string, unknown>
}

/** BatchWriteItem takes 25 items at most. */
const BATCH_ITEMS = 25

export class Ledger {
  readonly tableName: string
  readonly #dynamo: DynamoDb

  /** `dynamo`: the container's DynamoDB client, shared with the repeat check. */
  constructor(tableName: string, dynamo = new DynamoDb()) {
    this.tableName = tableName
    this.#dynamo = dynamo
  }

  /**
   * Loads the SDK and opens the connection now (a read of a key that never exists), so a cold
   * start does it while it waits on Atlas anyway. Never rejects.
   */
  async warm(): Promise<void> {
    await this.#dynamo
      .connect()
      .then(({ doc, lib }) =>
        doc.send(
          new lib.GetCommand({ TableName: this.tableName, Key: { pk: 'warm', sk: 'warm' } }),
        ),
      )
      .catch(() => {})
  }

  /**
   * Writes a request's items in one round trip where it can: the request and its markers in a
   * batch, the leaver's update beside it. Rejects with LedgerUnavailableError when any write
   * failed; the request is then retried and writes them all again (each write can be repeated).
   * A marker missing meanwhile costs nothing worse than `not_found` for a later request by id.
   */
  async record(
    report: RevokeReport,
    meta: Omit<RecordMeta, 'requestId'> & { readonly requestId?: string },
    options: WriteOptions = {},
  ): Promise<RecordedRequest> {
    const { request, markers, leaver } = itemsOf(report, {
      ...meta,
      requestId: meta.requestId ?? randomUUID(),
    })
    await this.#write(({ doc, lib }) =>
      beforeDeadline(options.deadline, 'the ledger took the writes', async (abortSignal) => {
        const sendOptions = { abortSignal }
        const items = [...markers, request]
        const batches = []
        for (let start = 0; start < items.length; start += BATCH_ITEMS)
          batches.push(items.slice(start, start + BATCH_ITEMS))
        const writes = [
          ...batches.map(async (batch) => {
            let unprocessed = batch.map((Item) => ({ PutRequest: { Item } }))
            for (let attempt = 1; unprocessed.length > 0; attempt++) {
              if (attempt > 3) throw new Error('DynamoDB left items unprocessed three times')
              if (attempt > 1) await sleep(25 * 2 ** attempt)
              const answer = await doc.send(
                new lib.BatchWriteCommand({ RequestItems: { [this.tableName]: unprocessed } }),
                sendOptions,
              )
              unprocessed = (answer.UnprocessedItems?.[this.tableName] ?? []) as typeof unprocessed
            }
          }),
          ...(leaver
            ? [doc.send(new lib.UpdateCommand(this.#leaverUpdate(leaver)), sendOptions)]
            : []),
        ]
        const failed = (await Promise.allSettled(writes)).find(
          (result): result is PromiseRejectedResult => result.status === 'rejected',
        )
        if (failed) throw failed.reason
      }),
    )
    return request
  }

  /** The leaver's item, widened: scopes are added to, never taken away. */
  #leaverUpdate(leaver: LeaverUpdate) {
    const set = [
      'username = :username',
      'offboardedAt = :at',
      'requestId = :requestId',
      'gsi2pk = :leavers',
      'gsi2sk = :at',
      'expiresAt = :expiresAt',
      `includeProjects = ${leaver.includeProjects ? ':true' : 'if_not_exists(includeProjects, :false)'}`,
      ...(leaver.orgIds === undefined ? ['everywhere = :true'] : []),
    ]
    const named = leaver.orgIds !== undefined && leaver.orgIds.length > 0
    return {
      TableName: this.tableName,
      Key: leaver.key,
      UpdateExpression: `SET ${set.join(', ')}${named ? ' ADD orgIds :orgIds' : ''}`,
      ExpressionAttributeValues: {
        ':username': leaver.username,
        ':at': leaver.offboardedAt,
        ':requestId': leaver.requestId,
        ':leavers': 'leavers',
        ':expiresAt': leaver.expiresAt,
        ...(leaver.includeProjects || leaver.orgIds === undefined ? { ':true': true } : {}),
        ...(leaver.includeProjects ? {} : { ':false': false }),
        ...(named ? { ':orgIds': new Set(leaver.orgIds) } : {}),
      },
    }
  }

  /** The request that revoked this invitation (or user) before, if this tool did. */
  async revokedBefore(
    orgId: string,
    id: string,
  ): Promise<{ requestId: string; at: string } | undefined> {
    return this.#read(async ({ doc, lib }) => {
      const answer = await doc.send(
        new lib.GetCommand({
          TableName: this.tableName,
          Key: revokedKey(orgId, id),
          ConsistentRead: true,
        }),
      )
      const item = answer.Item as { requestId?: string; at?: string } | undefined
      return item?.requestId && item.at ? { requestId: item.requestId, at: item.at } : undefined
    })
  }

  /** People offboarded since `since` (ISO), oldest first, a page at a time. */
  async leaversSince(
    since: string,
    limit: number,
    after?: Record<string, unknown>,
  ): Promise<LeaverPage> {
    return this.#read(async ({ doc, lib }) => {
      const answer = await doc.send(
        new lib.QueryCommand({
          TableName: this.tableName,
          IndexName: 'GSI2',
          KeyConditionExpression: 'gsi2pk = :leavers AND gsi2sk >= :since',
          ExpressionAttributeValues: { ':leavers': 'leavers', ':since': since },
          Limit: limit,
          ...(after ? { ExclusiveStartKey: after } : {}),
        }),
      )
      return {
        leavers: (answer.Items ?? []) as unknown as LeaverPage['leavers'],
        ...(answer.LastEvaluatedKey ? { next: answer.LastEvaluatedKey } : {}),
      }
    })
  }

  /** One leaver's item, with its last re-check. */
  async leaver(username: string): Promise<LeaverItem | undefined> {
    return this.#read(async ({ doc, lib }) => {
      const answer = await doc.send(
        new lib.GetCommand({ TableName: this.tableName, Key: leaverKey(username) }),
      )
      return answer.Item as LeaverItem | undefined
    })
  }

  /** The sweep's re-check of a leaver, on the leaver's item (gone by TTL meanwhile: nothing). */
  async recordCheck(username: string, check: LeaverCheck): Promise<void> {
    await this.#write(async ({ doc, lib }) => {
      try {
        await doc.send(
          new lib.UpdateCommand({
            TableName: this.tableName,
            Key: leaverKey(username),
            ConditionExpression: 'attribute_exists(pk)',
            // The check's evidence replaces the last one's, or goes with it: never a stale kind.
            UpdateExpression: `SET lastCheckedAt = :at, lastCheckOutcome = :outcome, lastCheckStartedAt = :started, lastCheckScope = :scope${
              check.evidence === undefined ? '' : ', lastCheckEvidence = :evidence'
            }${check.reappeared > 0 ? ', lastReappearedAt = :at' : ''} ADD reappeared :n${
              check.evidence === undefined ? ' REMOVE lastCheckEvidence' : ''
            }`,
            ExpressionAttributeValues: {
              ':at': check.checkedAt,
              ':outcome': check.outcome,
              ':started': check.startedAt,
              ':scope': check.scope,
              ':n': check.reappeared,
              ...(check.evidence === undefined ? {} : { ':evidence': check.evidence }),
            },
          }),
        )
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error
      }
    })
  }

  async sweepCursor(): Promise<SweepCursor | undefined> {
    return this.#read(async ({ doc, lib }) => {
      const answer = await doc.send(
        new lib.GetCommand({
          TableName: this.tableName,
          Key: { pk: 'sweep', sk: 'state' },
          ConsistentRead: true,
        }),
      )
      return answer.Item as SweepCursor | undefined
    })
  }

  async saveSweepCursor(cursor: SweepCursor): Promise<void> {
    await this.#write(({ doc, lib }) =>
      doc.send(
        new lib.PutCommand({
          TableName: this.tableName,
          Item: { pk: 'sweep', sk: 'state', ...cursor },
        }),
      ),
    )
  }

  /** Requests about a person (by username, or an invitation id's `invitation#org#id`) since `since`. */
  async requestsAbout(subject: string, since: string): Promise<RecordedRequest[]> {
    return this.#queryAll('GSI1', 'gsi1pk = :subject AND gsi1sk >= :since', {
      ':subject': subject,
      ':since': since,
    })
  }

  /** Requests received on one day (`YYYY-MM-DD`), from `since` on. */
  async requestsOn(day: string, since: string): Promise<RecordedRequest[]> {
    return this.#queryAll('GSI2', 'gsi2pk = :day AND gsi2sk >= :since', {
      ':day': `day#${day}`,
      ':since': since,
    })
  }

  async #queryAll(
    index: string,
    condition: string,
    values: Record<string, string>,
  ): Promise<RecordedRequest[]> {
    return this.#read(async ({ doc, lib }) => {
      const items: RecordedRequest[] = []
      let after: Record<string, unknown> | undefined
      do {
        const answer = await doc.send(
          new lib.QueryCommand({
            TableName: this.tableName,
            IndexName: index,
            KeyConditionExpression: condition,
            ExpressionAttributeValues: values,
            ...(after ? { ExclusiveStartKey: after } : {}),
          }),
        )
        items.push(...((answer.Items ?? []) as unknown as RecordedRequest[]))
        after = answer.LastEvaluatedKey
      } while (after)
      return items
    })
  }

  async #write(work: (connection: DynamoDbConnection) => Promise<unknown>): Promise<void> {
    await this.#read(work)
  }

  async #read<T>(work: (connection: DynamoDbConnection) => Promise<T>): Promise<T> {
    try {
      return await work(await this.#dynamo.connect())
    } catch (error) {
      if (error instanceof LedgerUnavailableError) throw error
      throw new LedgerUnavailableError(
        `the ledger (${this.tableName}) could not be read or written (${(error as Error).name})`,
        { cause: error },
      )
    }
  }
}

export interface WriteOptions {
  /** Epoch ms by which the writes must be done: they are aborted then, and the write fails. */
  readonly deadline?: number | undefined
}
