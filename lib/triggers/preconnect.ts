/**
 * The preload of the HTTP and queue functions: Node runs it before Lambda's runtime loads
 * (`NODE_OPTIONS=--require …/preconnect.cjs`, serverless.yml; esbuild-plugins.cjs builds it
 * beside each entry), so a cold start's TCP connect to Atlas goes out before the runtime's own
 * modules, the ES module loader and the function's bundle load, and its handshakes run while
 * they do. It only connects: nothing goes out on the socket, not even a TLS hello, until the
 * head start (cold-start-head-start.ts) has validated ATLAS_BASE_URL and confirmed it; a
 * connection nobody takes closes on its own after 3 s, and never keeps the process alive.
 *
 * It must never stop the runtime from starting: everything is inside a try, and it loads
 * nothing but two modules that import nothing (builtins come through process.getBuiltinModule).
 */
import { parkEarlyConnection } from '../atlas/http/early-connection-open.ts'
import { urlToConnectEarly } from './early-connect-target.ts'

try {
  const url = urlToConnectEarly(process.env)
  if (url) parkEarlyConnection(url)
} catch {
  // The head start connects as it would have without the preload.
}
