/**
 * Lambda entry point: the HTTP API (webhook, IAM and Okta routes). See
 * lib/triggers/http/http-handler.ts. The head start goes first, so Atlas and Secrets Manager
 * work while the handler loads; an on-demand INIT ends once the handler is made, and its first
 * event joins that work in flight.
 */
import { startHeadStart } from '../../lib/triggers/cold-start-head-start.ts'

const headStart = await startHeadStart(process.env, 'http')
const { createHttpHandler } = await import('../../lib/triggers/http/http-handler.ts')
export const handler = createHttpHandler(process.env, headStart.overrides)
await headStart.initDone()
