/**
 * A port the OS says is free right now on 127.0.0.1, never one this process was handed before:
 * the OS may offer a port again as soon as it is released, and a caller asking for several
 * ports at once (one per service) must not get the same one twice.
 */
import { createServer } from 'node:net'

const handedOut = new Set<number>()

export async function freePort(): Promise<number> {
  for (;;) {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    if (address === null || typeof address === 'string') throw new Error('no port')
    if (!handedOut.has(address.port)) {
      handedOut.add(address.port)
      return address.port
    }
  }
}
