/**
 * One request shape for the three HTTP events Lambda gets: API Gateway REST (payload 1.0),
 * HTTP API (payload 2.0) and Function URLs (2.0 shape). Header names are lowercased, base64
 * bodies decoded. Never throws: an unrecognisable event reads as an empty request.
 * serverless-offline's placeholder request ids (`offlineContext_…`, the same for every request)
 * read as none, so the handler gives each request its own.
 */

export interface ApiRequest {
  readonly method: string
  readonly path: string
  /** Lowercased names; repeated headers joined with `,` as API Gateway does. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: Buffer
  /** API Gateway's request id; empty when the event has none (or a placeholder). */
  readonly requestId: string
  /** The caller's address as API Gateway saw it, when the event says. */
  readonly sourceIp: string | undefined
  /** ARN of the IAM caller when an IAM authorizer signed the request off. */
  readonly iamCaller: string | undefined
  /** When API Gateway received the request (epoch ms), when the event says. */
  readonly receivedAt: number | undefined
}

type Loose = Record<string, unknown> | undefined

export function readApiRequest(event: unknown): ApiRequest {
  const e = (isObject(event) ? event : {}) as Record<string, unknown>
  const context = object(e.requestContext)
  const http = object(context?.http)
  const isV2 = e.version === '2.0' || http !== undefined
  const method = text(isV2 ? http?.method : e.httpMethod).toUpperCase()
  const path = text(isV2 ? (e.rawPath ?? http?.path) : e.path)
  return {
    method,
    path,
    headers: headers(e.headers, e.multiValueHeaders),
    body: body(e.body, e.isBase64Encoded === true),
    requestId: requestId(context?.requestId),
    sourceIp: nonEmpty(isV2 ? http?.sourceIp : object(context?.identity)?.sourceIp),
    iamCaller: isV2 ? iamCallerV2(context) : iamCallerV1(context),
    receivedAt: epochMs(isV2 ? context?.timeEpoch : context?.requestTimeEpoch),
  }
}

function epochMs(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined
}

/** serverless-offline's stand-in ids, such as `offlineContext_resourceId` (HTTP API events). */
const OFFLINE_PLACEHOLDER = /^offlineContext_/

function requestId(value: unknown): string {
  const id = text(value)
  return OFFLINE_PLACEHOLDER.test(id) ? '' : id
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

function headers(single: unknown, multi: unknown): Record<string, string> {
  const result: Record<string, string> = {}
  for (const [name, value] of Object.entries(object(multi) ?? {})) {
    if (Array.isArray(value)) result[name.toLowerCase()] = value.map(String).join(',')
  }
  for (const [name, value] of Object.entries(object(single) ?? {})) {
    if (typeof value === 'string') result[name.toLowerCase()] = value
  }
  return result
}

function body(value: unknown, base64: boolean): Buffer {
  if (typeof value !== 'string') return Buffer.alloc(0)
  return Buffer.from(value, base64 ? 'base64' : 'utf8')
}

/** HTTP API and Function URLs put an IAM caller under `authorizer.iam`. */
function iamCallerV2(context: Loose): string | undefined {
  const iam = object(object(context?.authorizer)?.iam)
  const arn = iam?.userArn ?? iam?.callerId
  return typeof arn === 'string' && arn !== '' ? arn : undefined
}

/** REST APIs with `AWS_IAM` authorization fill `identity.userArn` / `identity.caller`. */
function iamCallerV1(context: Loose): string | undefined {
  const identity = object(context?.identity)
  const arn = identity?.userArn ?? identity?.caller
  return typeof arn === 'string' && arn !== '' ? arn : undefined
}

function object(value: unknown): Record<string, unknown> | undefined {
  return isObject(value) ? (value as Record<string, unknown>) : undefined
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : ''
}
