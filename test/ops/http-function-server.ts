/**
 * The HTTP function behind a real HTTP server on 127.0.0.1, as API Gateway would put it: each
 * request becomes an HTTP API (payload 2.0) event with a base64 body, and the handler's result
 * becomes the answer. For the operator tools, which speak HTTP to a deployment.
 */
import { createServer } from 'node:http'
import type { APIGatewayProxyResult } from 'aws-lambda'
import { createHttpHandler, type HttpHandlerOptions } from '../../lib/triggers/http/http-handler.ts'
import { httpApiEvent, lambdaContext } from '../support/lambda-events.ts'

export interface ServedRequest {
  readonly method: string
  readonly path: string
  readonly webhookId: string | undefined
  readonly body: string
  readonly status: number
}

export interface HttpFunctionServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string
  /** Requests served, in order. */
  readonly served: ServedRequest[]
  stop(): Promise<void>
}

export async function serveHttpFunction(
  env: Readonly<Record<string, string>>,
  options: HttpHandlerOptions = {},
): Promise<HttpFunctionServer> {
  const handler = createHttpHandler(env, options)
  const served: HttpFunctionServer['served'] = []
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
    )
    const method = request.method ?? 'GET'
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname
    const body = Buffer.concat(chunks).toString('utf8')
    const event = httpApiEvent({ method, path, headers, body, base64: true })
    const result = (await handler(event, lambdaContext(10_000))) as APIGatewayProxyResult
    served.push({ method, path, webhookId: headers['webhook-id'], body, status: result.statusCode })
    response.writeHead(result.statusCode, result.headers as Record<string, string>)
    response.end(result.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  return {
    url: `http://127.0.0.1:${address.port}`,
    served,
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
    },
  }
}
