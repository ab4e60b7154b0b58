// undici's index loads fetch, WebSocket, caches and more; the functions need only the pool and
// the retry interceptor, so they import those modules directly (undici has no `exports` map).
// What it saves: bundled, undici's share of a function is 302 KB instead of 721 KB (issue #5's
// bench); unbundled, requiring the index takes about twice as long as these two modules alone
// (Node 22, 2026-12-07, five runs each on a loaded 2-core machine: 181-468 ms against 77-263 ms).
declare module 'undici/lib/dispatcher/pool.js' {
  import { Pool } from 'undici'
  export = Pool
}

declare module 'undici/lib/interceptor/retry.js' {
  import type { Dispatcher, RetryHandler } from 'undici'

  const retry: (options?: RetryHandler.RetryOptions) => Dispatcher.DispatcherComposeInterceptor
  export = retry
}

declare module 'undici/lib/core/connect.js' {
  import type { buildConnector } from 'undici'

  const connectorFor: (options?: buildConnector.BuildOptions) => buildConnector.connector
  export = connectorFor
}
