/** A scripted HTTP server on 127.0.0.1 for protocol tests: records requests, answers by function. */
import { createServer, type IncomingHttpHeaders } from 'node:http'

export interface SeenRequest {
  readonly method: string
  readonly target: string
  readonly headers: IncomingHttpHeaders
  /** Index of the connection it arrived on, from 0. */
  readonly connection: number
}

export interface ScriptedAnswer {
  readonly status: number
  readonly headers?: Record<string, string>
  readonly body?: string
}

export interface LoopbackServer {
  readonly url: string
  readonly requests: SeenRequest[]
  connections(): number
  close(): Promise<void>
}

export async function startLoopbackServer(
  answer: (request: SeenRequest, index: number) => ScriptedAnswer | Promise<ScriptedAnswer>,
): Promise<LoopbackServer> {
  const requests: SeenRequest[] = []
  const sockets = new WeakMap<object, number>()
  let connections = 0
  const server = createServer(async (request, response) => {
    request.resume()
    let connection = sockets.get(request.socket)
    if (connection === undefined) {
      connection = connections++
      sockets.set(request.socket, connection)
    }
    const seen = {
      method: request.method ?? '',
      target: request.url ?? '',
      headers: request.headers,
      connection,
    }
    requests.push(seen)
    const reply = await answer(seen, requests.length - 1)
    const body = reply.body ?? ''
    response.writeHead(reply.status, {
      'content-length': String(Buffer.byteLength(body)),
      ...reply.headers,
    })
    response.end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    connections: () => connections,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
    },
  }
}
