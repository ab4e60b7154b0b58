/**
 * Atlas answers as recorded on the wire (see ../shared/atlas-recordings): the header set of
 * the `mdbws` front end, versioned content types, `Ratelimit-*`, `X-Error-Code`, the compact
 * error body and the pretty-printed 401 with its Digest challenge.
 */
import type { RateDecision } from './rate-limiter.ts'
import { ATLAS_REALM } from './simulated-digest-verifier.ts'

export interface SimulatedResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

export interface ResponseContext {
  /** The v2 version date the answer is in (`2023-01-01`); `undefined` for v1.0 (plain JSON). */
  readonly versionDate: string | undefined
  /** The resource is deprecated: `Deprecation` and `Sunset` headers, as on the v2 invitations. */
  readonly deprecated: boolean
  /** `X-Java-Method`, e.g. `ApiOrganizationInvitationResource::deleteInvitations`. */
  readonly javaMethod: string
  readonly rate?: RateDecision
  readonly pretty: boolean
  readonly envelope: boolean
}

export const versionedContentType = (date: string) =>
  `application/vnd.atlas.${date}+json;charset=utf-8`
const SERVICE_VERSION = 'gitHash=203ac0360368239eed8f27b82e06b1be8429648c; versionString=master'
const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}

const FRONT_END = {
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  Server: 'mdbws',
  'Strict-Transport-Security': 'max-age=31536000; includeSubdomains;',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'X-Java-Version': '17.0.19+10-LTS',
  'X-Permitted-Cross-Domain-Policies': 'none',
}

/** A successful answer; `body` undefined means 204 No Content. */
export function apiResponse(
  context: ResponseContext,
  status: number,
  body?: unknown,
): SimulatedResponse {
  const headers: Record<string, string> = {
    'Content-Type': context.versionDate
      ? versionedContentType(context.versionDate)
      : 'application/json',
    ...(context.deprecated
      ? { Deprecation: 'Wed, 19 Feb 2025 00:00:00 GMT', Sunset: 'Thu, 1 Jul 2027 00:00:00 GMT' }
      : {}),
    ...rateHeaders(context.rate),
    ...FRONT_END,
    'X-Java-Method': context.javaMethod,
    'X-Mongodb-Service-Version': SERVICE_VERSION,
  }
  if (context.envelope)
    return { status: 200, headers, body: render({ content: body ?? {}, status }, context.pretty) }
  return { status, headers, body: body === undefined ? '' : render(body, context.pretty) }
}

/** An error in Atlas's shape: `{detail, error, errorCode, parameters, reason}` plus `X-Error-Code`. */
export function apiError(
  context: Omit<ResponseContext, 'versionDate' | 'deprecated'>,
  status: number,
  errorCode: string,
  detail: string,
  parameters: readonly string[] = [],
  extraHeaders: Readonly<Record<string, string>> = {},
): SimulatedResponse {
  const error = { detail, error: status, errorCode, parameters, reason: REASONS[status] ?? 'Error' }
  const headers = {
    'Content-Type': 'application/json',
    ...rateHeaders(context.rate),
    ...FRONT_END,
    ...extraHeaders,
    Vary: 'Accept-Encoding',
    'X-Error-Code': errorCode,
    'X-Java-Method': context.javaMethod,
    'X-Mongodb-Service-Version': SERVICE_VERSION,
  }
  if (context.envelope)
    return { status: 200, headers, body: render({ content: error, status }, context.pretty) }
  return { status, headers, body: render(error, context.pretty) }
}

/** The 401 Atlas sends without valid credentials: always pretty-printed, with a fresh challenge. */
export function digestChallenge(nonce: string, stale: boolean): SimulatedResponse {
  return {
    status: 401,
    headers: {
      'Content-Type': 'application/json',
      Server: 'mdbws',
      Vary: 'Accept-Encoding',
      'Www-Authenticate': `Digest realm="${ATLAS_REALM}", domain="", nonce="${nonce}", algorithm=MD5, qop="auth", stale=${stale}`,
    },
    body: render(
      {
        error: 401,
        reason: 'Unauthorized',
        detail: 'You are not authorized for this resource.',
        errorCode: 'UNEXPECTED_ERROR',
      },
      true,
    ),
  }
}

/** What the Envoy front end answers when the service behind it fails: plain text, no JSON. */
export function gatewayError(status: number): SimulatedResponse {
  return {
    status,
    headers: { 'Content-Type': 'text/plain', Server: 'envoy' },
    body: 'upstream connect error or disconnect/reset before headers. reset reason: connection failure',
  }
}

function rateHeaders(rate: RateDecision | undefined): Record<string, string> {
  if (!rate) return {}
  return { 'Ratelimit-Limit': String(rate.limit), 'Ratelimit-Remaining': String(rate.remaining) }
}

/** Compact JSON, or Jackson's default pretty printer (`"name" : value`) for `pretty=true`. */
function render(value: unknown, pretty: boolean): string {
  if (!pretty) return JSON.stringify(value)
  return JSON.stringify(value, null, 2).replace(/^(\s*"(?:[^"\\]|\\.)*"): /gm, '$1 : ')
}
