#!/usr/bin/env node
/**
 * `npm run soak`: revocations through the whole local stack — signed webhooks and SQS messages
 * mixed — while the Atlas simulator injects faults and some requests are delivered twice. At the
 * end every invitation must be revoked or its message waiting in the DLQ: lost = 0. Reports the
 * functions' process memory before and after.
 */
import { fork } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs'
import { request } from 'undici'
import {
  LOCAL_DLQ_NAME,
  LOCAL_WEBHOOK_SECRET,
  type LocalPorts,
  localQueueUrl,
  localSqsClient,
} from '../dev/local-stack/local-settings.ts'
import { startLocalStack } from '../dev/local-stack/local-stack.ts'
import { DEMO_ORG_ID } from '../dev/simulator/demo-seed.ts'
import { UNLIMITED_RATE } from '../dev/simulator/rate-limiter.ts'
import { signWebhook } from '../lib/triggers/http/webhook-signature.ts'
import { decimal, scriptArgs, wholeNumber } from '../scripts/script-args.ts'
import { freePort } from '../test/support/free-port.ts'
import { benchInvitationId } from './bench-ids.ts'

const NAME = 'soak'
const values = scriptArgs(
  NAME,
  `
npm run soak -- [options]: revocations through the whole local stack (HTTP and SQS mixed) with
injected Atlas faults and duplicate deliveries; lost must be 0. Writes soak.{json,md} to
bench/results/local/ (not tracked) unless told otherwise.

Options:
  --count <n>            revocations (default 10000)
  --quick                300 revocations: the variant the test suite runs
  --fault-rate <0..1>    share of Atlas requests answered 503 or reset (default 0.05)
  --duplicate-rate <0..1> share of requests delivered twice (default 0.05)
  --concurrency <n>      webhook senders at once (default 16)
  --out <dir>            write the results there instead
  --update-readme        also rewrite bench/README.md's soak table and bench/results/soak.*
  -h, --help             this text`,
  {
    count: { type: 'string' },
    quick: { type: 'boolean' },
    'fault-rate': { type: 'string' },
    'duplicate-rate': { type: 'string' },
    concurrency: { type: 'string' },
    out: { type: 'string' },
    'update-readme': { type: 'boolean' },
  },
)
const count = wholeNumber(NAME, 'count', values.count, values.quick ? 300 : 10_000, 10)
const faultRate = decimal(NAME, 'fault-rate', values['fault-rate'], 0.05, 0, 0.5)
const duplicateRate = decimal(NAME, 'duplicate-rate', values['duplicate-rate'], 0.05, 0.001, 1)
const concurrency = wholeNumber(NAME, 'concurrency', values.concurrency, 16, 1, 256)
const progress = (line: string) => process.stderr.write(`soak: ${line}\n`)

const ports: LocalPorts = {
  atlas: await freePort(),
  secretsManager: await freePort(),
  sqs: await freePort(),
  http: await freePort(),
  lambda: await freePort(),
  dynamodb: await freePort(),
}
process.env.ESBUILD_WORK_FOLDER ??= '.esbuild-soak'
const stack = await startLocalStack({ ports, log: progress })
const sqs = localSqsClient(ports)
const started = performance.now()

try {
  const ids = Array.from({ length: count }, (_, i) => benchInvitationId(i))
  for (const [i, id] of ids.entries()) {
    stack.simulator.state.invite({
      id,
      orgId: DEMO_ORG_ID,
      username: `soak-${i}@example.com`,
      roles: ['ORG_MEMBER'],
    })
  }
  // Warm the functions before the first memory reading: serverless-offline starts one worker
  // per concurrent invocation, as Lambda starts containers, so warm as many as the soak uses.
  await Promise.all(
    Array.from({ length: concurrency }, (_, i) =>
      sendWebhook(ports, benchInvitationId(count + 1 + i)),
    ),
  )
  await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: localQueueUrl(ports),
      Entries: [
        {
          Id: '0',
          MessageBody: JSON.stringify({
            orgId: DEMO_ORG_ID,
            invitationId: benchInvitationId(count + 1),
          }),
        },
      ],
    }),
  )
  await drain(ports)
  const memoryBefore = residentKb(stack.functionsPid)

  // Atlas's per-key rate limit (500/min) would make 10,000 revocations take 20 minutes; the
  // soak is about faults and duplicates, throttling is covered by the fault matrix.
  stack.simulator.configureRateLimit(UNLIMITED_RATE)
  // 4 in 5 faults are 503s, 1 in 5 connection resets; drawn from a fixed seed.
  stack.simulator.faults.configure({
    errorRate: faultRate * 0.8,
    errorStatus: 503,
    resetRate: faultRate * 0.2,
    seed: 42,
  })
  const duplicate = (i: number) => i % Math.round(1 / duplicateRate) === 0
  const viaHttp = ids.filter((_, i) => i % 2 === 0)
  const viaQueue = ids.filter((_, i) => i % 2 === 1)

  progress(`${viaQueue.length} invitations through SQS, ${viaHttp.length} through the webhook`)
  const queueBodies = viaQueue.flatMap((id, i) => (duplicate(i) ? [id, id] : [id]))
  for (let i = 0; i < queueBodies.length; i += 10) {
    const entries = queueBodies.slice(i, i + 10).map((id, j) => ({
      Id: String(j),
      MessageBody: JSON.stringify({ orgId: DEMO_ORG_ID, invitationId: id }),
    }))
    await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: localQueueUrl(ports), Entries: entries }),
    )
  }
  const httpDeliveries = viaHttp.flatMap((id, i) => (duplicate(i) ? [id, id] : [id]))
  const http = { acknowledged: new Set<string>(), gaveUp: new Set<string>(), notFound: 0 }
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < httpDeliveries.length) {
        const id = httpDeliveries[next++] as string
        const answer = await deliverLikeAWebhookSender(ports, id)
        if (answer === undefined) http.gaveUp.add(id)
        else {
          http.acknowledged.add(id)
          if (answer === 'not_found') http.notFound += 1
        }
      }
    }),
  )
  progress('webhooks done; draining the queue')
  await drain(ports)
  stack.simulator.faults.configure({})
  const memoryAfter = residentKb(stack.functionsPid)

  progress('heap check: the same number of revocations through both handlers in one process')
  const heap = await heapCheck(count)
  const revoked = new Set(stack.simulator.state.revocations().map((record) => record.invitationId))
  const inDlq = await dlqInvitations(ports)
  const counters = stack.simulator.counters()
  const pending = ids.filter((id) => !revoked.has(id))
  const lost = pending.filter((id) => !inDlq.has(id) && !http.gaveUp.has(id))
  const report = {
    count,
    faultRate,
    duplicateRate,
    seconds: Math.round((performance.now() - started) / 1000),
    revoked: ids.filter((id) => revoked.has(id)).length,
    atlas404Answers: counters.byStatus['404'] ?? 0,
    notFoundAnswers: http.notFound,
    failedToDlq: [...inDlq].filter((id) => ids.includes(id)).length,
    webhookSenderGaveUp: http.gaveUp.size,
    lost: lost.length,
    atlasRequests: counters.requests,
    injectedFaults: { '503': counters.byStatus['503'] ?? 0, resets: counters.resets },
    functionsMemoryKb: { before: memoryBefore, after: memoryAfter },
    handlersHeapUsedMiB: heap,
  }
  const table = [
    `Soak: ${count} revocations through the local stack (HTTP and SQS, ${faultRate * 100}% injected faults, ${duplicateRate * 100}% duplicate deliveries), ${report.seconds} s; \`npm run soak\`.`,
    '',
    '| revoked | Atlas 404 answers | failed to DLQ | webhook sender gave up | lost | Atlas requests | injected 503 / resets | handlers heap after GC | serverless-offline RSS |',
    '|---|---|---|---|---|---|---|---|---|',
    `| ${report.revoked} | ${report.atlas404Answers} | ${report.failedToDlq} | ${report.webhookSenderGaveUp} | ${report.lost} | ${report.atlasRequests} | ${report.injectedFaults['503']} / ${report.injectedFaults.resets} | ${heap.before.toFixed(1)} → ${heap.after.toFixed(1)} MiB | ${formatKb(memoryBefore)} → ${formatKb(memoryAfter)} |`,
  ].join('\n')
  const outDirs = [
    values.out ?? fileURLToPath(new URL('results/local', import.meta.url)),
    ...(values['update-readme'] ? [fileURLToPath(new URL('results', import.meta.url))] : []),
  ]
  for (const outDir of outDirs) {
    mkdirSync(outDir, { recursive: true })
    writeFileSync(join(outDir, 'soak.json'), `${JSON.stringify(report, null, 2)}\n`)
    writeFileSync(join(outDir, 'soak.md'), `${table}\n`)
  }
  if (values['update-readme']) {
    const readme = fileURLToPath(new URL('README.md', import.meta.url))
    const text = readFileSync(readme, 'utf8')
    writeFileSync(
      readme,
      text.replace(
        /<!-- soak:start -->[\s\S]*<!-- soak:end -->/,
        `<!-- soak:start -->\n${table}\n<!-- soak:end -->`,
      ),
    )
  }
  process.stdout.write(`${table}\n`)
  process.exitCode = report.lost === 0 ? 0 : 1
} finally {
  await stack.stop()
}

async function sendWebhook(
  localPorts: LocalPorts,
  invitationId: string,
): Promise<{ status: number; outcome?: string }> {
  const body = JSON.stringify({ orgId: DEMO_ORG_ID, invitationId })
  const headers = {
    'content-type': 'application/json',
    ...signWebhook(LOCAL_WEBHOOK_SECRET, `msg_${randomUUID()}`, new Date(), body),
  }
  const response = await request(`http://127.0.0.1:${localPorts.http}/revocations`, {
    method: 'POST',
    headers,
    body,
  })
  const answer = (await response.body.json().catch(() => ({}))) as { outcome?: string }
  return { status: response.statusCode, ...(answer.outcome ? { outcome: answer.outcome } : {}) }
}

/**
 * Like an HR system: retries a failure a few times (quicker than Retry-After, to keep the soak
 * short); a 2xx, or our 404 `not_found` (final: a duplicate by id finds nothing), ends it.
 */
async function deliverLikeAWebhookSender(
  localPorts: LocalPorts,
  invitationId: string,
): Promise<string | undefined> {
  for (let attempt = 1; attempt <= 6; attempt++) {
    const answer = await sendWebhook(localPorts, invitationId).catch(() => ({
      status: 0,
      outcome: undefined,
    }))
    if (answer.status === 200 || answer.outcome === 'not_found') return answer.outcome
    await sleep(100 * attempt)
  }
  return undefined
}

async function queueDepth(localPorts: LocalPorts, url: string): Promise<number> {
  const attributes = await localSqsClient(localPorts).send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  )
  return (
    Number(attributes.Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(attributes.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  )
}

async function drain(localPorts: LocalPorts): Promise<void> {
  const until = Date.now() + 10 * 60_000
  while (Date.now() < until) {
    if ((await queueDepth(localPorts, localQueueUrl(localPorts))) === 0) return
    await sleep(500)
  }
  throw new Error('the revoke queue did not drain within 10 minutes')
}

async function dlqInvitations(localPorts: LocalPorts): Promise<Set<string>> {
  const found = new Set<string>()
  const client = localSqsClient(localPorts)
  for (;;) {
    const received = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: localQueueUrl(localPorts, LOCAL_DLQ_NAME),
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 600,
      }),
    )
    if (!received.Messages?.length) return found
    for (const message of received.Messages)
      found.add((JSON.parse(message.Body ?? '{}') as { invitationId?: string }).invitationId ?? '')
  }
}

/** Resident memory of a process, from /proc (Linux), in KiB. */
function residentKb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) : undefined
  } catch {
    return undefined
  }
}

function formatKb(kb: number | undefined): string {
  return kb === undefined ? 'n/a' : `${Math.round(kb / 1024)} MiB`
}

/** Runs bench/heap-worker.ts with --expose-gc and returns its heap readings, in MiB. */
function heapCheck(revocations: number): Promise<{ before: number; after: number }> {
  return new Promise((resolve, reject) => {
    const worker = fork(
      fileURLToPath(new URL('heap-worker.ts', import.meta.url)),
      [String(revocations)],
      {
        execArgv: ['--expose-gc'],
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
      },
    )
    worker.once('message', (message) =>
      resolve((message as { heapUsedMiB: { before: number; after: number } }).heapUsedMiB),
    )
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`heap worker exited with ${code}`))
    })
  })
}
