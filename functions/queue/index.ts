/**
 * Lambda entry point: the SQS "revoke invite" consumer. See lib/triggers/queue/queue-handler.ts.
 * The head start goes first, so Atlas and Secrets Manager work while the handler loads; an
 * on-demand INIT ends once the handler is made, and its first event joins that work in flight.
 */
import { startHeadStart } from '../../lib/triggers/cold-start-head-start.ts'

const headStart = await startHeadStart(process.env, 'queue')
const { createQueueHandler } = await import('../../lib/triggers/queue/queue-handler.ts')
export const handler = createQueueHandler(process.env, headStart.overrides)
await headStart.initDone()
