/** Request bodies for the local test servers, size-capped. */
import type { IncomingMessage } from 'node:http'

const MAX_BYTES = 64 * 1024

export async function readBodyText(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request) {
    size += (chunk as Buffer).length
    if (size > MAX_BYTES) throw new Error(`request body over ${MAX_BYTES} bytes`)
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** The JSON body; `undefined` when empty or not JSON. */
export async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const text = await readBodyText(request)
  try {
    return text ? JSON.parse(text) : undefined
  } catch {
    return undefined
  }
}
