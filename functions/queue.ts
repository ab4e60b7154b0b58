/** Lambda entry point: the SQS "revoke invite" consumer. See lib/lambda/queue-handler.ts. */
import { createQueueHandler } from '../lib/lambda/queue-handler.ts'

export const handler = createQueueHandler(process.env)
