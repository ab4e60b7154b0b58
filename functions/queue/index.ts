/** Lambda entry point: the SQS "revoke invite" consumer. See lib/triggers/queue/queue-handler.ts. */
import { createQueueHandler } from '../lib/triggers/queue/queue-handler.ts'

export const handler = createQueueHandler(process.env)
