/**
 * Sends one request through a dispatcher and collects the (small, JSON) response in memory,
 * counting the attempts the interceptors made and honouring an abort signal throughout,
 * including while the retry interceptor waits between attempts.
 */
import type { Dispatcher } from 'undici'
import { afterConnectionRelease } from './after-connection-release.ts'
import type { AttemptLog } from './attempt-log.ts'

export interface BufferedResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  readonly body: Buffer
  /** Requests sent on the wire for this call: challenges and retries included. */
  readonly attempts: number
}

/** A request that did not produce a response: network failure, timeout or abort. */
export class RequestFailedError extends Error {
  override readonly name = 'RequestFailedError'
  readonly code: string | undefined
  readonly attempts: number
  /** What the interceptors learned before the call failed, when its sender kept a log. */
  attemptLog?: AttemptLog

  constructor(cause: unknown, attempts: number) {
    const error = cause as { message?: unknown; code?: unknown; name?: unknown }
    const code =
      typeof error?.code === 'string'
        ? error.code
        : typeof error?.name === 'string' && error.name !== 'Error'
          ? error.name
          : undefined
    super(typeof error?.message === 'string' ? error.message : 'request failed', { cause })
    this.code = code
    this.attempts = attempts
  }
}

const MAX_BODY_BYTES = 1024 * 1024

export function dispatchBuffered(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  signal?: AbortSignal,
): Promise<BufferedResponse> {
  return new Promise((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined
    let attempts = 0
    let settled = false
    let status = 0
    let headers: BufferedResponse['headers'] = {}
    const chunks: Buffer[] = []
    let size = 0

    const finish = (outcome: () => void) => {
      if (settled) return
      settled = true
      signal?.removeEventListener('abort', onAbort)
      outcome()
    }
    const fail = (error: unknown) => finish(() => reject(new RequestFailedError(error, attempts)))
    function onAbort() {
      const reason = signal?.reason ?? new Error('aborted')
      controller?.abort(reason)
      fail(reason)
    }

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(started) {
        controller = started
        attempts += 1
        if (settled || signal?.aborted) started.abort(signal?.reason ?? new Error('aborted'))
      },
      onResponseStart(_controller, statusCode, responseHeaders) {
        status = statusCode
        headers = responseHeaders
      },
      onResponseData(current, chunk) {
        size += chunk.length
        if (size > MAX_BODY_BYTES) {
          current.abort(new Error(`response body over ${MAX_BODY_BYTES} bytes`))
          return
        }
        chunks.push(chunk)
      },
      onResponseEnd() {
        const response = { status, headers, body: Buffer.concat(chunks), attempts }
        // The caller's next request can then reuse this connection.
        afterConnectionRelease(() => finish(() => resolve(response)))
      },
      onResponseError(_controller, error) {
        fail(error)
      },
    }

    if (signal?.aborted) {
      fail(signal.reason)
      return
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    try {
      dispatcher.dispatch(options, handler)
    } catch (error) {
      fail(error)
    }
  })
}
