/** Lambda entry point: the HTTP API (webhook + IAM routes). See lib/triggers/http/http-handler.ts. */
import { createHttpHandler } from '../lib/triggers/http/http-handler.ts'

export const handler = createHttpHandler(process.env)
