/**
 * Secrets Manager's GetSecretValue without the AWS SDK, for Lambda: one SigV4-signed POST over
 * node:https, the credentials, region and endpoint read from the environment as the SDK reads
 * them there. A cold start then loads a few kilobytes instead of the SDK's client, credential
 * chain and protocol stack (about 200 KB, most of a cold start's CPU when Atlas is near).
 *
 * Used only where the environment is the whole configuration: a Lambda container
 * (AWS_LAMBDA_FUNCTION_NAME set) with credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
 * (/ AWS_SESSION_TOKEN), a region of the aws, aws-cn or aws-us-gov partition, no FIPS or
 * dual-stack endpoint asked for. Anywhere else (the CLI with a profile, SSO, a config file)
 * `directSettings` says no and the SDK reads the secret. Behaves like the SDK client it
 * replaces (secret-cache.ts): 2 s to connect, 3 s per attempt, 3 attempts for throttling,
 * 5xx and network errors with the SDK's backoff, a clock-skew correction; failures are
 * errors named by Secrets Manager's error code, as the SDK names them.
 */
import { createHash, createHmac } from 'node:crypto'
import type { Agent, request as httpRequest, IncomingMessage } from 'node:http'

type Environment = Readonly<Record<string, string | undefined>>

export interface AwsCredentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string | undefined
}

export interface DirectSettings {
  readonly region: string
  readonly endpoint: URL
  readonly credentials: AwsCredentials
}

const TRUE = /^true$/i
const ENDPOINT_SETTINGS = ['AWS_ENDPOINT_URL_SECRETS_MANAGER', 'AWS_ENDPOINT_URL'] as const

/** The partitions whose endpoint this knows: `secretsmanager.<region>.<suffix>`. */
function dnsSuffix(region: string): string | undefined {
  if (/^cn-[a-z]+-\d+$/.test(region)) return 'amazonaws.com.cn'
  if (/^[a-z]{2}(-gov)?-[a-z]+-\d+$/.test(region)) return 'amazonaws.com'
  return undefined
}

/**
 * What a direct read needs, from a Lambda container's environment; `undefined` where the SDK
 * must read the secret (see the file's comment).
 */
export function directSettings(env: Environment): DirectSettings | undefined {
  if (!env.AWS_LAMBDA_FUNCTION_NAME) return undefined
  const accessKeyId = env.AWS_ACCESS_KEY_ID?.trim()
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY?.trim()
  const region = (env.AWS_REGION || env.AWS_DEFAULT_REGION)?.trim()
  if (!accessKeyId || !secretAccessKey || !region) return undefined
  if (TRUE.test(env.AWS_USE_FIPS_ENDPOINT ?? '') || TRUE.test(env.AWS_USE_DUALSTACK_ENDPOINT ?? ''))
    return undefined
  const configured = TRUE.test(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '')
    ? undefined
    : ENDPOINT_SETTINGS.map((name) => env[name]?.trim()).find(Boolean)
  let endpoint: URL
  if (configured) {
    try {
      endpoint = new URL(configured)
    } catch {
      return undefined
    }
    const plain = endpoint.protocol === 'http:' || endpoint.protocol === 'https:'
    if (!plain || endpoint.pathname !== '/' || endpoint.search || endpoint.username)
      return undefined
  } else {
    const suffix = dnsSuffix(region)
    if (!suffix) return undefined
    endpoint = new URL(`https://secretsmanager.${region}.${suffix}/`)
  }
  const sessionToken = env.AWS_SESSION_TOKEN?.trim()
  return {
    region,
    endpoint,
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
  }
}

export interface SignedRequest {
  readonly method: string
  /** Canonical path, already URI-encoded (`/` here). */
  readonly path: string
  /** Header names as sent; all of them are signed. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex')
const hmac = (key: string | Buffer, data: string) =>
  createHmac('sha256', key).update(data, 'utf8').digest()

/** `20150830T123600Z` */
export function amzDate(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
}

/**
 * AWS Signature Version 4 of a request without a query string: the Authorization header for
 * `request`, whose headers must already hold `host` and `x-amz-date` (and
 * `x-amz-security-token` when the credentials have one).
 */
export function signatureV4(
  request: SignedRequest,
  credentials: AwsCredentials,
  region: string,
  service: string,
): string {
  const entries = Object.entries(request.headers)
    .map(([name, value]) => [name.toLowerCase(), value.trim().replace(/\s+/g, ' ')] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const date = entries.find(([name]) => name === 'x-amz-date')?.[1]
  if (!date) throw new Error('a SigV4 request needs an x-amz-date header')
  const signedHeaders = entries.map(([name]) => name).join(';')
  const canonicalRequest = [
    request.method,
    request.path,
    '',
    ...entries.map(([name, value]) => `${name}:${value}`),
    '',
    signedHeaders,
    sha256(request.body),
  ].join('\n')
  const scope = `${date.slice(0, 8)}/${region}/${service}/aws4_request`
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, sha256(canonicalRequest)].join('\n')
  let key = hmac(`AWS4${credentials.secretAccessKey}`, date.slice(0, 8))
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part)
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex')
  return `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`
}

/** A failure, named like the SDK's: Secrets Manager's error code, or what broke on the way. */
export class SecretsManagerError extends Error {
  readonly statusCode: number | undefined

  constructor(name: string, message: string, statusCode?: number, options?: ErrorOptions) {
    super(message, options)
    this.name = name
    this.statusCode = statusCode
  }
}

export interface DirectReadOptions {
  readonly maxAttempts?: number
  readonly connectionTimeoutMs?: number
  readonly requestTimeoutMs?: number
  /** Milliseconds to wait before retry `retry` (1, 2, …); default the SDK's jittered backoff. */
  readonly backoffMs?: (retry: number, throttled: boolean) => number
}

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
  'PriorRequestNotComplete',
])
const TRANSIENT = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException'])
const CLOCK_SKEW = new Set([
  'AuthFailure',
  'InvalidSignatureException',
  'RequestExpired',
  'RequestInTheFuture',
  'RequestTimeTooSkewed',
  'SignatureDoesNotMatch',
])
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN'])

/** The SDK's standard backoff: up to 2^retry × 100 ms (500 ms when throttled), jittered. */
function sdkBackoff(retry: number, throttled: boolean): number {
  return Math.floor(Math.min(20_000, Math.random() * 2 ** retry * (throttled ? 500 : 100)))
}

/**
 * node:https (or node:http) and its agent, loaded on first use (node:https costs a fresh
 * process about 5 ms): one keep-alive agent per scheme, so later reads reuse the connection.
 */
const transports = new Map<string, { request: typeof httpRequest; agent: Agent }>()
function transportFor(secure: boolean): { request: typeof httpRequest; agent: Agent } {
  const scheme = secure ? 'https' : 'http'
  let transport = transports.get(scheme)
  if (!transport) {
    const module = process.getBuiltinModule(`node:${scheme}`) as typeof import('node:http')
    transport = { request: module.request, agent: new module.Agent({ keepAlive: true }) }
    transports.set(scheme, transport)
  }
  return transport
}
/** Server time minus ours, learned from a clock-skew refusal. */
let clockOffsetMs = 0

/**
 * The SecretString of `secretId`, `undefined` for a binary secret; throws a
 * `SecretsManagerError` once the attempts are spent or at once for a permanent refusal.
 */
export async function getSecretValueDirect(
  settings: DirectSettings,
  secretId: string,
  options: DirectReadOptions = {},
): Promise<string | undefined> {
  const maxAttempts = options.maxAttempts ?? 3
  const backoff = options.backoffMs ?? sdkBackoff
  for (let attempt = 1; ; attempt++) {
    let failure: SecretsManagerError
    let skewed = false
    try {
      const answer = await attemptOnce(settings, secretId, options)
      if (answer.status === 200) return parseSecret(answer.body)
      failure = serviceError(answer.status, answer.headers, answer.body)
      if (CLOCK_SKEW.has(failure.name)) skewed = correctClock(answer.headers.date)
    } catch (error) {
      failure =
        error instanceof SecretsManagerError
          ? error
          : new SecretsManagerError(
              networkName(error),
              `Secrets Manager could not be reached (${networkName(error)})`,
              undefined,
              { cause: error },
            )
    }
    const status = failure.statusCode
    const throttled = THROTTLING.has(failure.name) || status === 429
    const retryable =
      throttled ||
      skewed ||
      TRANSIENT.has(failure.name) ||
      NETWORK.has(failure.name) ||
      (status !== undefined && status >= 500)
    if (!retryable || attempt >= maxAttempts) throw failure
    const delay = skewed ? 0 : backoff(attempt, throttled)
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay))
  }
}

interface Answer {
  readonly status: number
  readonly headers: IncomingMessage['headers']
  readonly body: string
}

function attemptOnce(
  settings: DirectSettings,
  secretId: string,
  options: DirectReadOptions,
): Promise<Answer> {
  const { endpoint, credentials, region } = settings
  const body = JSON.stringify({ SecretId: secretId })
  const headers: Record<string, string> = {
    host: endpoint.host,
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': 'secretsmanager.GetSecretValue',
    'x-amz-date': amzDate(new Date(Date.now() + clockOffsetMs)),
    ...(credentials.sessionToken ? { 'x-amz-security-token': credentials.sessionToken } : {}),
  }
  const authorization = signatureV4(
    { method: 'POST', path: '/', headers, body },
    credentials,
    region,
    'secretsmanager',
  )
  const secure = endpoint.protocol === 'https:'
  const transport = transportFor(secure)
  return new Promise<Answer>((resolve, reject) => {
    let settled = false
    const fail = (name: string, message: string) => {
      if (settled) return
      settled = true
      clearTimeout(overall)
      clearTimeout(connecting)
      outgoing.destroy()
      reject(new SecretsManagerError(name, message))
    }
    const outgoing = transport.request(
      {
        protocol: endpoint.protocol,
        hostname: endpoint.hostname.replace(/^\[|\]$/g, ''),
        port: endpoint.port || (secure ? 443 : 80),
        method: 'POST',
        path: '/',
        agent: transport.agent,
        headers: {
          ...headers,
          authorization,
          'content-length': String(Buffer.byteLength(body)),
        },
      },
      (incoming) => {
        const chunks: Buffer[] = []
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
        incoming.on('error', (error) => fail(networkName(error), error.message))
        incoming.on('end', () => {
          if (settled) return
          settled = true
          clearTimeout(overall)
          clearTimeout(connecting)
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          })
        })
      },
    )
    const overall = setTimeout(
      () => fail('TimeoutError', 'Secrets Manager did not answer in time'),
      options.requestTimeoutMs ?? 3_000,
    )
    const connecting = setTimeout(
      () => fail('TimeoutError', 'Secrets Manager could not be connected to in time'),
      options.connectionTimeoutMs ?? 2_000,
    )
    outgoing.on('socket', (socket) => {
      // A kept-alive socket is connected already.
      if (!socket.connecting) clearTimeout(connecting)
      else socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(connecting))
    })
    outgoing.on('error', (error) => fail(networkName(error), error.message))
    outgoing.end(body)
  })
}

function parseSecret(body: string): string | undefined {
  let value: { SecretString?: unknown }
  try {
    value = JSON.parse(body) as { SecretString?: unknown }
  } catch {
    throw new SecretsManagerError('DeserializationError', 'Secrets Manager answered no JSON', 200)
  }
  return typeof value?.SecretString === 'string' ? value.SecretString : undefined
}

/** The error an answer other than 200 means, named by its code as the SDK names it. */
function serviceError(
  status: number,
  headers: IncomingMessage['headers'],
  body: string,
): SecretsManagerError {
  let parsed: { __type?: unknown; code?: unknown; message?: unknown; Message?: unknown } = {}
  try {
    parsed = JSON.parse(body) ?? {}
  } catch {}
  const header = headers['x-amzn-errortype']
  const raw = [typeof header === 'string' ? header : undefined, parsed.code, parsed.__type].find(
    (code): code is string => typeof code === 'string' && code !== '',
  )
  // As the SDK: `prefix#Code:suffix` names Code.
  const code = raw?.split(':')[0]?.split('#').pop() || `HTTP${status}`
  const message = [parsed.message, parsed.Message].find((text) => typeof text === 'string')
  return new SecretsManagerError(
    code,
    String(message ?? `Secrets Manager answered ${status}`),
    status,
  )
}

function correctClock(date: string | undefined): boolean {
  const server = date ? Date.parse(date) : Number.NaN
  if (Number.isNaN(server)) return false
  const offset = server - Date.now()
  // Within 5 minutes a refusal is not the clock's fault.
  if (Math.abs(offset - clockOffsetMs) < 5 * 60_000) return false
  clockOffsetMs = offset
  return true
}

function networkName(error: unknown): string {
  const code = (error as { code?: unknown })?.code
  if (typeof code === 'string' && code !== '') return code
  const name = (error as { name?: unknown })?.name
  return typeof name === 'string' ? name : 'Error'
}
