/** Fails early, and says which setting to change, when a local stack port is taken. */
import { createServer } from 'node:net'

export async function assertPortsFree(
  ports: readonly { readonly port: number; readonly what: string; readonly variable: string }[],
): Promise<void> {
  for (const { port, what, variable } of ports) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer()
      probe.once('error', () => resolve(false))
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)))
    })
    if (!free)
      throw new Error(
        `port ${port} (${what}) is already in use on 127.0.0.1; set ${variable} to a free port`,
      )
  }
}
