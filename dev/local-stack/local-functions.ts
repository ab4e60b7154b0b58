/** The local stack's functions, invoked through serverless-offline's Lambda invoke API. */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda'
import { request } from 'undici'
import type { SweepSummary } from '../../lib/triggers/sweep/recheck-sweep.ts'
import { LOCAL_QUEUE_FUNCTION, LOCAL_SWEEP_FUNCTION, type LocalPorts } from './local-settings.ts'

/** One SQS batch through the queue function; rejects unless it answers a batch response. */
export async function invokeQueueFunction(
  ports: LocalPorts,
  event: SQSEvent,
): Promise<SQSBatchResponse> {
  const body = await invoke<SQSBatchResponse>(ports, LOCAL_QUEUE_FUNCTION, event)
  if (!Array.isArray(body?.batchItemFailures))
    throw new Error('queue function failed: no batch response')
  return body
}

/** One run of the re-check sweep, as its schedule would start it; its summary. */
export async function invokeSweepFunction(ports: LocalPorts): Promise<SweepSummary> {
  return invoke<SweepSummary>(ports, LOCAL_SWEEP_FUNCTION, {
    source: 'aws.events',
    'detail-type': 'Scheduled Event',
    time: new Date().toISOString(),
    detail: {},
  })
}

async function invoke<T>(ports: LocalPorts, name: string, event: unknown): Promise<T> {
  const response = await request(
    `http://127.0.0.1:${ports.lambda}/2015-03-31/functions/${name}/invocations`,
    { method: 'POST', body: JSON.stringify(event) },
  )
  const body = (await response.body.json()) as T & { errorMessage?: string }
  if (response.statusCode !== 200 || response.headers['x-amz-function-error'])
    throw new Error(`${name} failed: ${body?.errorMessage ?? response.statusCode}`)
  return body
}
