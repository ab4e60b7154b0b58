/** Buffered dispatch and connection release: the face the other rooms import. */
export { abandoned } from './abandoned-controller.ts'
export { afterConnectionRelease } from './after-connection-release.ts'
export type { AttemptLog } from './attempt-log.ts'
export { type BufferedResponse, dispatchBuffered, RequestFailedError } from './buffered-dispatch.ts'
export { ForwardingHandler } from './forwarding-handler.ts'
