/** The JSON body of a request to a local test server; `undefined` when empty or not JSON. */
import type { IncomingMessage } from 'node:http'

const MAX_BYTES = 64 * 1024

export async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request) {
    size += (chunk as Buffer).length
    if (size > MAX_BYTES) throw new Error(`request body over ${MAX_BYTES} bytes`)
    chunks.push(chunk as Buffer)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  try {
    return text ? JSON.parse(text) : undefined
  } catch {
    return undefined
  }
}
