/** Lambda entry point: the HTTP API (webhook + IAM routes). See lib/lambda/http-handler.ts. */
import { createHttpHandler } from '../lib/lambda/http-handler.ts'

export const handler = createHttpHandler(process.env)
