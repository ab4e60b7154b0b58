/** Measure 3: Secrets Manager calls over many warm invocations of the queue handler. */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda'
import { DEMO_ORG_ID } from '../../dev/simulator/demo-seed.ts'
import { createAtlasDispatcher } from '../../lib/atlas/http/index.ts'
import { CachedSecrets } from '../../lib/credentials/secret-cache.ts'
import { createQueueHandler } from '../../lib/triggers/queue/queue-handler.ts'
import { lambdaContext, sqsEvent } from '../../test/support/lambda-events.ts'
import { functionEnv, startAtlasProcess, startSecrets } from '../bench-fixture.ts'
import { benchInvitationId } from '../bench-ids.ts'
import type { MeasureRow } from '../measure-result.ts'

export async function measureSecretsManagerCalls(invocations: number): Promise<MeasureRow> {
  const atlas = await startAtlasProcess({ invitations: 2 * invocations })
  const { secretsManager } = await startSecrets()
  let next = 0
  const run = async (handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>) => {
    secretsManager.resetCalls()
    const started = performance.now()
    for (let i = 0; i < invocations; i++) {
      const response = await handler(
        sqsEvent([JSON.stringify({ orgId: DEMO_ORG_ID, invitationId: benchInvitationId(next++) })]),
        lambdaContext(),
      )
      if (response.batchItemFailures.length > 0) throw new Error('a record failed')
    }
    return { calls: secretsManager.calls(), seconds: (performance.now() - started) / 1000 }
  }
  try {
    const env = functionEnv(atlas.url)
    const ours = await run(
      createQueueHandler(env, { dispatcher: createAtlasDispatcher(atlas.url) }),
    )
    const naive = await run(
      createQueueHandler(env, {
        dispatcher: createAtlasDispatcher(atlas.url),
        secrets: new CachedSecrets({ ttlSeconds: 0 }),
      }),
    )
    return {
      id: '3',
      measure: `Secrets Manager calls for ${invocations} warm queue-handler invocations`,
      ours: `${ours.calls} (in ${ours.seconds.toFixed(1)} s, inside one 300 s TTL)`,
      naive: `${naive.calls} (no cache)`,
      target: '1 per TTL',
      met: ours.calls === 1 && ours.seconds < 300,
      data: { invocations, ours, naive },
    }
  } finally {
    await secretsManager.stop()
    await atlas.stop()
  }
}
