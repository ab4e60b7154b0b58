import type { Dispatcher } from 'undici'

/** Stand-in controller for an error raised before any connection took the request. */
export const abandoned: Dispatcher.DispatchController = {
  aborted: true,
  paused: false,
  reason: null,
  abort() {},
  pause() {},
  resume() {},
}
