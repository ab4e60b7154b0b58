// undici's index loads fetch, WebSocket, caches and more; the functions need only the pool and
// the retry interceptor, so they import those modules directly (undici has no `exports` map).
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
