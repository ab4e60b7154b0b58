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
  /**
   * Whether a 404 for a missing invitation or user names its id in `parameters`. Atlas does so
   * for the errors MongoDB publishes (`GROUP_NOT_FOUND`, `CLUSTER_NOT_FOUND`), but its answer for
   * a missing invitation is not published: tests run both ways.
   */
  readonly namesMissing?: boolean
}

type ErrorContext = Omit<ResponseContext, 'versionDate' | 'deprecated'>

export const versionedContentType = (date: string) =>
  `application/vnd.atlas.${date}+json;charset=utf-8`
const SERVICE_VERSION = 'gitHash=203ac0360368239eed8f27b82e06b1be8429648c; versionString=master'
const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  410: 'Gone',
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
  if (context.envelope) {
    // A paginated list is its own envelope (the spec: "use the results object as an envelope").
    const isPage = typeof body === 'object' && body !== null && 'results' in body
    const wrapped = isPage ? { ...(body as object), status } : { content: body ?? {}, status }
    return { status: 200, headers, body: render(wrapped, context.pretty) }
  }
  return { status, headers, body: body === undefined ? '' : render(body, context.pretty) }
}

/** An error in Atlas's shape: `{detail, error, errorCode, parameters, reason}` plus `X-Error-Code`. */
export function apiError(
  context: ErrorContext,
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

/**
 * A 404 for a missing invitation or user. Its error code is not published (ours is a guess the
 * client never reads); whether `parameters` names the id follows `namesMissing`.
 */
export function missingResource(
  context: ErrorContext,
  errorCode: string,
  detail: string,
  id: string,
): SimulatedResponse {
  return context.namesMissing === false
    ? apiError(context, 404, 'RESOURCE_NOT_FOUND', 'Cannot find resource.', [])
    : apiError(context, 404, errorCode, detail, [id])
}

/** A path Atlas does not serve (at this version): `RESOURCE_NOT_FOUND` naming the path. */
export function resourceNotFound(context: ErrorContext, path: string): SimulatedResponse {
  return apiError(context, 404, 'RESOURCE_NOT_FOUND', `Cannot find resource ${path}.`, [path])
}

/** An organization that does not exist (deleted), in the shape of the recorded GROUP_NOT_FOUND. */
export function orgNotFound(context: ErrorContext, orgId: string): SimulatedResponse {
  return apiError(context, 404, 'ORG_NOT_FOUND', `No organization with ID ${orgId} exists.`, [
    orgId,
  ])
}

/** How a removed API answers: 410 `VERSION_GONE` (the spec's sunset answer), a JSON 404, or a web page. */
export type RemovedRouteStyle = 'gone' | 'json' | 'html'

export function removedRoute(
  context: ErrorContext,
  style: RemovedRouteStyle,
  path: string,
): SimulatedResponse {
  if (style === 'json') return resourceNotFound(context, path)
  if (style === 'gone')
    return apiError(
      context,
      410,
      'VERSION_GONE',
      'This happens when a resource is marked for sunset and the sunset date is in the past.',
    )
  return {
    status: 404,
    headers: { 'Content-Type': 'text/html;charset=utf-8', Server: 'mdbws' },
    body: '<!DOCTYPE html><html><head><title>Page Not Found | MongoDB</title></head><body><h1>404</h1><p>We could not find the page you were looking for.</p></body></html>',
  }
}

/** An empty token bucket, as MongoDB documents it: `RATE_LIMITED_TOKEN_BUCKET` with `Retry-After`. */
export function rateLimited(context: ErrorContext, path: string): SimulatedResponse {
  const rate = context.rate
  const retryAfter = rate?.retryAfterSeconds ?? 1
  return apiError(
    context,
    429,
    'RATE_LIMITED_TOKEN_BUCKET',
    `Rate limit exceeded for ${path.slice(1)}. Please retry after ${retryAfter} seconds.`,
    [path.slice(1), String(retryAfter)],
    { 'Retry-After': String(retryAfter) },
  )
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
  if (!rate?.headers) return {}
  return { 'Ratelimit-Limit': String(rate.limit), 'Ratelimit-Remaining': String(rate.remaining) }
}

/** Compact JSON, or Jackson's default pretty printer (`"name" : value`) for `pretty=true`. */
function render(value: unknown, pretty: boolean): string {
  if (!pretty) return JSON.stringify(value)
  return JSON.stringify(value, null, 2).replace(/^(\s*"(?:[^"\\]|\\.)*"): /gm, '$1 : ')
}
