/**
 * undici frees an HTTP/1.1 connection one full event-loop turn after a response ends (a
 * `setImmediate` queued after the handler's `onResponseEnd`). Work scheduled with this runs
 * after that, so a follow-up request finds the same connection idle instead of opening another.
 */
export function afterConnectionRelease(work: () => void): void {
  setImmediate(() => setImmediate(work))
}
