/**
 * The whole system on 127.0.0.1 (`npm start`): the Atlas simulator, the local Secrets Manager,
 * local SQS, a local DynamoDB with the ledger's tables, serverless-offline running the real
 * `http`, `queue` and `sweep` functions, and the SQS event source that feeds the queue
 * function. Started in that order, stopped in reverse. The sweep runs when invoked
 * (`invokeSweepFunction`, as `npm run demo` does): serverless-offline keeps no schedule.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { createSqsServer } from 'local-aws-sqs'
import { request } from 'undici'
import { AtlasSimulator } from '../simulator/atlas-simulator.ts'
import { LocalSecretsManager } from '../simulator/local-secrets-manager.ts'
import { assertPortsFree } from './free-ports.ts'
import { readableLine } from './function-log-lines.ts'
import { startLocalDynamoDb } from './local-dynamodb.ts'
import { invokeQueueFunction } from './local-functions.ts'
import {
  LOCAL_ACCOUNT,
  LOCAL_ALLOWED_ORG_IDS,
  LOCAL_ATLAS_SECRET_ID,
  LOCAL_DLQ_NAME,
  LOCAL_OKTA_SECRET_ID,
  LOCAL_QUEUE_NAME,
  LOCAL_REGION,
  LOCAL_SECRETS,
  LOCAL_STAGE,
  LOCAL_TABLES,
  LOCAL_WEBHOOK_SECRET_ID,
  type LocalPorts,
  localAwsEnvironment,
  localQueueUrl,
  localSqsClient,
  PORT_VARIABLES,
} from './local-settings.ts'
import { SqsEventSource } from './sqs-event-source.ts'

export interface LocalStack {
  readonly simulator: AtlasSimulator
  readonly secretsManager: LocalSecretsManager
  /** The serverless-offline process, where the functions run (for memory readings). */
  readonly functionsPid: number | undefined
  stop(): Promise<void>
}

export interface LocalStackOptions {
  readonly ports: LocalPorts
  readonly log: (line: string) => void
  /** The functions' own output once the stack is up, one readable line at a time. */
  readonly functionLog?: (line: string) => void
  /** How long serverless-offline may take to build and listen. */
  readonly startTimeoutMs?: number
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const SLS = createRequire(import.meta.url).resolve('osls/bin/serverless.js')

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const { ports, log } = options
  await assertPortsFree(
    (Object.keys(PORT_VARIABLES) as (keyof LocalPorts)[]).map((key) => ({
      port: ports[key],
      ...PORT_VARIABLES[key],
    })),
  )
  const stops: (() => Promise<void>)[] = []
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => {})
  }
  try {
    const simulator = new AtlasSimulator()
    await simulator.start(ports.atlas)
    stops.push(() => simulator.stop())
    log(`Atlas simulator      http://127.0.0.1:${ports.atlas}`)

    const secretsManager = new LocalSecretsManager(LOCAL_SECRETS)
    await secretsManager.start(ports.secretsManager)
    stops.push(() => secretsManager.stop())
    log(`Secrets Manager      http://127.0.0.1:${ports.secretsManager}`)

    const dlqArn = `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${LOCAL_DLQ_NAME}`
    const sqsServer = await createSqsServer({
      port: ports.sqs,
      hostname: '127.0.0.1',
      queues: [
        { QueueName: LOCAL_DLQ_NAME },
        {
          QueueName: LOCAL_QUEUE_NAME,
          // Short visibility locally so a failed record is retried within seconds.
          Attributes: {
            VisibilityTimeout: '5',
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: '5' }),
          },
        },
      ],
    })
    stops.push(() => new Promise<void>((resolve) => sqsServer.close(() => resolve())))
    log(
      `SQS                  http://127.0.0.1:${ports.sqs} (queue ${LOCAL_QUEUE_NAME}, DLQ ${LOCAL_DLQ_NAME})`,
    )

    const dynamo = await startLocalDynamoDb(LOCAL_TABLES, ports.dynamodb)
    stops.push(() => dynamo.stop())
    log(
      `DynamoDB             http://127.0.0.1:${ports.dynamodb} (tables ${LOCAL_TABLES.ledger}, ${LOCAL_TABLES.idempotency})`,
    )

    const offline = startOffline(ports)
    stops.push(() => stopProcess(offline))
    await waitForOffline(offline, ports, options.startTimeoutMs ?? 120_000)
    if (options.functionLog) forwardLines(offline, options.functionLog)
    log(
      `HTTP API             http://127.0.0.1:${ports.http} (serverless-offline, stage ${LOCAL_STAGE})`,
    )

    const events = new SqsEventSource({
      sqs: localSqsClient(ports),
      queueUrl: localQueueUrl(ports),
      queueArn: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${LOCAL_QUEUE_NAME}`,
      region: LOCAL_REGION,
      invoke: (event) => invokeQueueFunction(ports, event),
      onError: (error) => log(`queue: ${(error as Error).message}`),
    })
    events.start()
    stops.push(() => events.stop())
    return { simulator, secretsManager, functionsPid: offline.pid, stop: stopAll }
  } catch (error) {
    await stopAll()
    throw error
  }
}

function startOffline(ports: LocalPorts): ChildProcess {
  const args = [
    SLS,
    'offline',
    'start',
    '--stage',
    LOCAL_STAGE,
    '--region',
    LOCAL_REGION,
    // serverless-offline cannot emulate the IAM authorizer; the handler's local setting covers it.
    '--noAuth',
    `--param=atlasSecretArn=${LOCAL_ATLAS_SECRET_ID}`,
    `--param=webhookSecretArn=${LOCAL_WEBHOOK_SECRET_ID}`,
    `--param=oktaSecretArn=${LOCAL_OKTA_SECRET_ID}`,
    `--param=atlasBaseUrl=http://127.0.0.1:${ports.atlas}`,
    // A person is looked for in the two demo organizations the demo key owns, and their projects.
    `--param=allowedOrgIds=${LOCAL_ALLOWED_ORG_IDS}`,
    '--param=includeProjectInvitations=true',
    // Lets `ATLAS_API=users npm start` try the other Atlas APIs locally.
    `--param=atlasApi=${process.env.ATLAS_API ?? 'v1'}`,
    // Lets `REMOVE_ACTIVE_MEMBERS=true npm start` remove a leaver's active memberships too.
    `--param=removeActiveMembers=${process.env.REMOVE_ACTIVE_MEMBERS ?? 'false'}`,
  ]
  return spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      ...localAwsEnvironment(ports),
      LOCAL_HTTP_PORT: String(ports.http),
      LOCAL_LAMBDA_PORT: String(ports.lambda),
      LOCAL_REVOKE_QUEUE_URL: localQueueUrl(ports),
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
      // Its own build folder: `npm run package` / `deploy` empty the default one first.
      ESBUILD_WORK_FOLDER: process.env.ESBUILD_WORK_FOLDER ?? '.esbuild-local',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
}

async function waitForOffline(
  offline: ChildProcess,
  ports: LocalPorts,
  timeoutMs: number,
): Promise<void> {
  let output = ''
  const collect = (chunk: Buffer) => {
    output = `${output}${chunk.toString()}`.slice(-4000)
  }
  offline.stdout?.on('data', collect)
  offline.stderr?.on('data', collect)
  const started = Date.now()
  while (Date.now() - started < timeoutMs) {
    if (offline.exitCode !== null)
      throw new Error(`serverless-offline exited (${offline.exitCode}):\n${output}`)
    try {
      const response = await request(`http://127.0.0.1:${ports.http}/__ready`, { method: 'GET' })
      await response.body.dump()
      return
    } catch {
      await sleep(250)
    }
  }
  throw new Error(
    `serverless-offline did not listen on port ${ports.http} within ${timeoutMs} ms:\n${output}`,
  )
}

/** Each line serverless-offline (and the functions it runs) prints, made readable. */
function forwardLines(child: ChildProcess, print: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    let pending = ''
    stream?.on('data', (chunk: Buffer) => {
      const lines = `${pending}${chunk.toString()}`.split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) {
        const readable = readableLine(line)
        if (readable !== undefined) print(readable)
      }
    })
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  process.kill(-child.pid, 'SIGTERM')
  const timer = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL')
  }, 5_000)
  await exited
  clearTimeout(timer)
}
