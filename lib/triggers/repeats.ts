/**
 * Repeats of one delivery (a webhook id, an Okta event, an SQS message), recognized by every
 * container: Powertools Idempotency over DynamoDB (`IDEMPOTENCY_TABLE`). The first delivery
 * runs and its result is stored; a repeat gets the stored result without running; a result not
 * worth keeping (one a retry could change) is not stored, so the retry runs again. A repeat
 * while the first still runs in another container is `RepeatInProgressError`: answer "later".
 * The library and the SDK client are loaded on first use.
 */
import type { Context } from 'aws-lambda'
import { DynamoDb } from '../ledger/dynamodb-client.ts'

/** Another container is handling this delivery right now. */
export class RepeatInProgressError extends Error {
  override readonly name = 'RepeatInProgressError'
}

/** The store of deliveries seen could not be read or written: nothing can be run once. */
export class RepeatsUnavailableError extends Error {
  override readonly name = 'RepeatsUnavailableError'
}

/** The same key came with another payload: not a repeat, a conflict. */
export class RepeatMismatchError extends Error {
  override readonly name = 'RepeatMismatchError'
}

export interface Repeats {
  /**
   * `work`'s result the first time `key` is seen; the stored result after that (`repeated`).
   * `payload` must be the same for a repeat (a digest of the body, say). `remainingMs` is the
   * invocation's time left: a first delivery whose container died is "in progress" that long
   * only, then a repeat runs it again (without it, for the whole window).
   */
  once<T>(
    key: string,
    payload: string,
    work: () => Promise<T>,
    keep: (result: T) => boolean,
    remainingMs: () => number,
  ): Promise<{ readonly result: T; readonly repeated: boolean }>
  /** Loads the library now (a cold start does it while it waits on Atlas). Never rejects. */
  warm(): Promise<void>
}

/** A result not kept: passed through the library as a failure, so its record is deleted. */
class NotKept<T> extends Error {
  readonly result: T
  constructor(result: T) {
    super('not kept')
    this.result = result
  }
}

/** The work's own failure, told apart from the library's. */
class WorkFailed extends Error {}

interface Input {
  readonly key: string
  readonly payload: string
}

/** `dynamo`: the container's DynamoDB client, shared with the ledger. */
export function dynamoDbRepeats(
  tableName: string,
  expiresAfterSeconds: number,
  dynamo = new DynamoDb(),
): Repeats {
  let loaded:
    | Promise<{
        run: (input: Input, work: () => Promise<unknown>) => Promise<unknown>
        config: { registerLambdaContext(context: Context): void }
        errors: typeof import('@aws-lambda-powertools/idempotency')
      }>
    | undefined
  const load = () => {
    loaded ??= Promise.all([
      import('@aws-lambda-powertools/idempotency'),
      import('@aws-lambda-powertools/idempotency/dynamodb'),
      dynamo.connect(),
    ]).then(([library, { DynamoDBPersistenceLayer }, { client }]) => {
      const config = new library.IdempotencyConfig({
        eventKeyJmesPath: 'key',
        payloadValidationJmesPath: 'payload',
        expiresAfterSeconds,
        throwOnNoIdempotencyKey: true,
      })
      const run = library.makeIdempotent(
        async (_input: Input, work: () => Promise<unknown>) => work(),
        {
          persistenceStore: new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client }),
          config,
        },
      )
      return { run, config, errors: library }
    })
    loaded.catch(() => {
      loaded = undefined
    })
    return loaded
  }
  return {
    async warm() {
      await load().catch(() => {})
    },
    async once(key, payload, work, keep, remainingMs) {
      const { run, config, errors } = await load()
      config.registerLambdaContext({ getRemainingTimeInMillis: remainingMs } as Context)
      let ran = false
      try {
        const result = (await run({ key, payload }, async () => {
          ran = true
          let result: Awaited<ReturnType<typeof work>>
          try {
            result = await work()
          } catch (error) {
            throw new WorkFailed('work failed', { cause: error })
          }
          if (!keep(result)) throw new NotKept(result)
          return result
        })) as Awaited<ReturnType<typeof work>>
        return { result, repeated: !ran }
      } catch (error) {
        if (error instanceof NotKept) return { result: error.result, repeated: false }
        if (error instanceof WorkFailed) throw error.cause
        if (error instanceof errors.IdempotencyAlreadyInProgressError)
          throw new RepeatInProgressError(`${key} is being handled by another container`)
        if (error instanceof errors.IdempotencyValidationError)
          throw new RepeatMismatchError(`${key} was seen before with another payload`)
        throw new RepeatsUnavailableError(
          `the deliveries seen (${tableName}) could not be read or written (${(error as Error).name})`,
          { cause: error },
        )
      }
    },
  }
}
