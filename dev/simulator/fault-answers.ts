/**
 * What an injected fault (see fault-injector.ts) does to the answer: resets the connection,
 * never answers, or answers in Atlas's place (a status with Atlas's or Envoy's body, a Digest
 * challenge, a scripted body). A latency fault leaves the answer alone.
 */
import type { Fault } from './fault-injector.ts'
import {
  apiError,
  digestChallenge,
  gatewayError,
  type SimulatedResponse,
} from './simulated-responses.ts'

export type FaultEffect =
  | { readonly kind: 'reset' }
  | { readonly kind: 'hang' }
  /** This answer in place of Atlas's; `challenge` when it is a 401 carrying a Digest challenge. */
  | { readonly kind: 'answer'; readonly answer: SimulatedResponse; readonly challenge: boolean }

const FAULT_CODES: Readonly<Record<number, string>> = {
  400: 'INVALID_REQUEST',
  409: 'CONFLICT',
  429: 'RATE_LIMITED_TOKEN_BUCKET',
}
const FAULT_CONTEXT = { javaMethod: 'ApiRequestFilter::filter', pretty: false, envelope: false }

/** The effect of `fault` on a request sent with `authorization`; `undefined` for none. */
export function faultEffect(
  fault: Fault,
  authorization: string | undefined,
): FaultEffect | undefined {
  switch (fault.kind) {
    case 'reset':
    case 'hang':
      return { kind: fault.kind }
    case 'status': {
      const answer =
        fault.status >= 502 && fault.status <= 504
          ? gatewayError(fault.status)
          : apiError(
              FAULT_CONTEXT,
              fault.status,
              FAULT_CODES[fault.status] ?? 'UNEXPECTED_ERROR',
              'Injected fault.',
            )
      const retryAfter =
        fault.retryAfterSeconds === undefined
          ? {}
          : { 'Retry-After': String(fault.retryAfterSeconds) }
      return {
        kind: 'answer',
        answer: { ...answer, headers: { ...answer.headers, ...retryAfter } },
        challenge: false,
      }
    }
    case 'challenge': {
      const answer = digestChallenge('unused', false)
      return {
        kind: 'answer',
        answer: { ...answer, headers: { ...answer.headers, 'Www-Authenticate': fault.header } },
        challenge: true,
      }
    }
    case 'repeatNonce': {
      const used = /nonce="([^"]*)"/.exec(authorization ?? '')?.[1] ?? ''
      return { kind: 'answer', answer: digestChallenge(used, false), challenge: true }
    }
    case 'answer':
      return {
        kind: 'answer',
        answer: {
          status: fault.status,
          headers: { 'Content-Type': fault.contentType ?? 'application/json', Server: 'mdbws' },
          body: fault.body,
        },
        challenge: false,
      }
    case 'latency':
      return undefined
  }
}
