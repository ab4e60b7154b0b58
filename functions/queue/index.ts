/**
 * Lambda entry point: the SQS "revoke invite" consumer. See lib/triggers/queue/queue-handler.ts.
 * The head start goes first, so Atlas and Secrets Manager work while the handler loads.
 */
import { startHeadStart } from '../../lib/triggers/cold-start-head-start.ts'

const headStart = await startHeadStart(process.env, 'queue')
const { createQueueHandler } = await import('../../lib/triggers/queue/queue-handler.ts')
await headStart.settled()

export const handler = createQueueHandler(process.env, headStart.overrides)
