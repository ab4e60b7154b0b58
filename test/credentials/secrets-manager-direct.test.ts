/**
 * GetSecretValue without the AWS SDK (lib/credentials/secrets-manager-direct.ts): its SigV4 is
 * checked against AWS's published Signature Version 4 test suite and against the SDK's own
 * signer on the very request it sends; it is used only in a Lambda environment it fully
 * understands; and it fails, retries and times out as the SDK client it replaces.
 */
import { createHash, createHmac } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { Socket } from 'node:net'
import { SignatureV4 } from '@smithy/signature-v4'
import { afterEach, describe, expect, it } from 'vitest'
import {
  amzDate,
  type DirectSettings,
  directSettings,
  getSecretValueDirect,
  SecretsManagerError,
  signatureV4,
} from '../../lib/credentials/secrets-manager-direct.ts'

// The suite's credentials, date, region and service (aws-sig-v4-test-suite, also shipped as
// awslabs/aws-c-auth tests/aws-signing-test-suite/v4).
const SUITE = {
  credentials: {
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  },
  region: 'us-east-1',
  service: 'service',
  date: '20150830T123600Z',
}
const SUITE_TOKEN =
  'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=='
const SCOPE = 'Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request'

describe('signatureV4, against the published test suite', () => {
  it('post-vanilla', () => {
    const authorization = signatureV4(
      {
        method: 'POST',
        path: '/',
        headers: { Host: 'example.amazonaws.com', 'X-Amz-Date': SUITE.date },
        body: '',
      },
      SUITE.credentials,
      SUITE.region,
      SUITE.service,
    )
    expect(authorization).toBe(
      `AWS4-HMAC-SHA256 ${SCOPE}, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b`,
    )
  })

  it('post-x-www-form-urlencoded: a signed content type and body', () => {
    const authorization = signatureV4(
      {
        method: 'POST',
        path: '/',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Host: 'example.amazonaws.com',
          'X-Amz-Date': SUITE.date,
        },
        body: 'Param1=value1',
      },
      SUITE.credentials,
      SUITE.region,
      SUITE.service,
    )
    expect(authorization).toBe(
      `AWS4-HMAC-SHA256 ${SCOPE}, SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a`,
    )
  })

  it('post-sts-header-before: a session token, signed', () => {
    const authorization = signatureV4(
      {
        method: 'POST',
        path: '/',
        headers: {
          Host: 'example.amazonaws.com',
          'X-Amz-Date': SUITE.date,
          'X-Amz-Security-Token': SUITE_TOKEN,
        },
        body: '',
      },
      { ...SUITE.credentials, sessionToken: SUITE_TOKEN },
      SUITE.region,
      SUITE.service,
    )
    expect(authorization).toBe(
      `AWS4-HMAC-SHA256 ${SCOPE}, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead`,
    )
  })

  it("writes the suite's date", () => {
    expect(amzDate(new Date('2015-08-30T12:36:00.000Z'))).toBe(SUITE.date)
  })
})

const LAMBDA = {
  AWS_LAMBDA_FUNCTION_NAME: 'atlas-invite-revoker-prod-queue',
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'example-secret',
  AWS_SESSION_TOKEN: 'example-token',
}

describe('directSettings', () => {
  it("reads Lambda's credentials, region and Secrets Manager's regional endpoint", () => {
    expect(directSettings(LAMBDA)).toEqual({
      region: 'eu-west-1',
      endpoint: new URL('https://secretsmanager.eu-west-1.amazonaws.com/'),
      credentials: {
        accessKeyId: 'ASIAEXAMPLE',
        secretAccessKey: 'example-secret',
        sessionToken: 'example-token',
      },
    })
    expect(directSettings({ ...LAMBDA, AWS_REGION: 'cn-north-1' })?.endpoint.host).toBe(
      'secretsmanager.cn-north-1.amazonaws.com.cn',
    )
    expect(directSettings({ ...LAMBDA, AWS_REGION: 'us-gov-west-1' })?.endpoint.host).toBe(
      'secretsmanager.us-gov-west-1.amazonaws.com',
    )
  })

  it('honours the endpoint settings the SDK honours, in its order', () => {
    const local = 'http://127.0.0.1:4566'
    expect(
      directSettings({ ...LAMBDA, AWS_ENDPOINT_URL_SECRETS_MANAGER: local })?.endpoint.href,
    ).toBe(`${local}/`)
    expect(directSettings({ ...LAMBDA, AWS_ENDPOINT_URL: local })?.endpoint.href).toBe(`${local}/`)
    expect(
      directSettings({
        ...LAMBDA,
        AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
        AWS_ENDPOINT_URL_SECRETS_MANAGER: local,
      })?.endpoint.href,
    ).toBe(`${local}/`)
    expect(
      directSettings({
        ...LAMBDA,
        AWS_ENDPOINT_URL: local,
        AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true',
      })?.endpoint.host,
    ).toBe('secretsmanager.eu-west-1.amazonaws.com')
  })

  it('leaves to the SDK what it does not fully understand', () => {
    const { AWS_LAMBDA_FUNCTION_NAME: _, ...outsideLambda } = LAMBDA
    const { AWS_ACCESS_KEY_ID: __, ...noKey } = LAMBDA
    const { AWS_REGION: ___, ...noRegion } = LAMBDA
    for (const env of [
      outsideLambda,
      noKey,
      noRegion,
      { ...LAMBDA, AWS_USE_FIPS_ENDPOINT: 'true' },
      { ...LAMBDA, AWS_USE_DUALSTACK_ENDPOINT: 'true' },
      { ...LAMBDA, AWS_REGION: 'us-iso-east-1' },
      { ...LAMBDA, AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:4566/prefix' },
      { ...LAMBDA, AWS_ENDPOINT_URL_SECRETS_MANAGER: 'not a url' },
    ])
      expect(directSettings(env)).toBeUndefined()
    expect(
      directSettings({ ...LAMBDA, AWS_REGION: '', AWS_DEFAULT_REGION: 'eu-central-1' })?.region,
    ).toBe('eu-central-1')
  })
})

type Scripted =
  | { status: number; body: string; headers?: Record<string, string> }
  | 'hang'
  | 'reset'

interface Received {
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

const servers: { server: Server; sockets: Set<Socket> }[] = []
afterEach(async () => {
  for (const { server, sockets } of servers.splice(0)) {
    for (const socket of sockets) socket.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
})

/** A Secrets Manager stand-in answering from a script, then with `{"SecretString":"s3cr3t"}`. */
async function scriptedSecretsManager(...script: Scripted[]) {
  const received: Received[] = []
  const sockets = new Set<Socket>()
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') })
      const next = script.shift() ?? { status: 200, body: '{"SecretString":"s3cr3t"}' }
      if (next === 'hang') return
      if (next === 'reset') {
        request.socket.destroy()
        return
      }
      response.writeHead(next.status, {
        'content-type': 'application/x-amz-json-1.1',
        ...next.headers,
      })
      response.end(next.body)
    })
  })
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  servers.push({ server, sockets })
  const { port } = server.address() as { port: number }
  const settings = directSettings({
    ...LAMBDA,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${port}`,
  }) as DirectSettings
  return { settings, received }
}

const quick = { backoffMs: () => 1 }
const error = (name: string, status: number, message = 'no') => ({
  status,
  body: JSON.stringify({ __type: name, message }),
})

describe('getSecretValueDirect', () => {
  it('sends GetSecretValue as the AWS SDK would sign it, and returns the SecretString', async () => {
    const { settings, received } = await scriptedSecretsManager()
    expect(await getSecretValueDirect(settings, 'atlas/key')).toBe('s3cr3t')
    const [request] = received
    expect(request?.body).toBe('{"SecretId":"atlas/key"}')
    expect(request?.headers).toMatchObject({
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'secretsmanager.GetSecretValue',
      'x-amz-security-token': 'example-token',
    })
    // The SDK's own signer, given the same request at the same moment, signs it the same way.
    const headers = request?.headers as Record<string, string>
    const date = headers['x-amz-date'] as string
    const signer = new SignatureV4({
      credentials: {
        accessKeyId: settings.credentials.accessKeyId,
        secretAccessKey: settings.credentials.secretAccessKey,
        sessionToken: 'example-token',
      },
      region: 'eu-west-1',
      service: 'secretsmanager',
      sha256: NodeSha256,
      // As the SDK's Secrets Manager client: no x-amz-content-sha256 header.
      applyChecksum: false,
    })
    const signed = await signer.sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: '127.0.0.1',
        path: '/',
        headers: {
          host: headers.host as string,
          'content-type': headers['content-type'] as string,
          'x-amz-target': headers['x-amz-target'] as string,
          'x-amz-security-token': headers['x-amz-security-token'] as string,
        },
        query: {},
        body: request?.body,
      },
      {
        signingDate: new Date(
          `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
        ),
      },
    )
    expect(headers.authorization).toBe(signed.headers.authorization)
  })

  it('returns undefined for a binary secret', async () => {
    const { settings } = await scriptedSecretsManager({
      status: 200,
      body: '{"SecretBinary":"AAEC"}',
    })
    expect(await getSecretValueDirect(settings, 'binary')).toBeUndefined()
  })

  it('names a refusal by its error code, as the SDK does, and does not retry it', async () => {
    const { settings, received } = await scriptedSecretsManager(
      error('com.amazonaws.secretsmanager#ResourceNotFoundException', 400),
    )
    const read = getSecretValueDirect(settings, 'missing', quick)
    await expect(read).rejects.toBeInstanceOf(SecretsManagerError)
    await expect(read).rejects.toMatchObject({ name: 'ResourceNotFoundException', statusCode: 400 })
    expect(received).toHaveLength(1)
    const { settings: other } = await scriptedSecretsManager({
      status: 400,
      body: '{}',
      headers: { 'x-amzn-errortype': 'AccessDeniedException:http://internal.amazon.com/' },
    })
    await expect(getSecretValueDirect(other, 'denied', quick)).rejects.toMatchObject({
      name: 'AccessDeniedException',
    })
  })

  it('retries throttling, 5xx and dropped connections, three attempts in all', async () => {
    const { settings, received } = await scriptedSecretsManager(
      error('ThrottlingException', 400),
      'reset',
    )
    expect(await getSecretValueDirect(settings, 'atlas/key', quick)).toBe('s3cr3t')
    expect(received).toHaveLength(3)

    const { settings: down, received: tried } = await scriptedSecretsManager(
      error('ServiceUnavailableException', 503),
      error('InternalServiceError', 500),
      error('ServiceUnavailableException', 503),
    )
    await expect(getSecretValueDirect(down, 'atlas/key', quick)).rejects.toMatchObject({
      name: 'ServiceUnavailableException',
      statusCode: 503,
    })
    expect(tried).toHaveLength(3)
  })

  it('gives up on an attempt that is not answered in time, and retries it', async () => {
    const { settings, received } = await scriptedSecretsManager('hang')
    const started = Date.now()
    expect(
      await getSecretValueDirect(settings, 'atlas/key', { ...quick, requestTimeoutMs: 200 }),
    ).toBe('s3cr3t')
    expect(received).toHaveLength(2)
    expect(Date.now() - started).toBeLessThan(2_000)

    const { settings: silent } = await scriptedSecretsManager('hang', 'hang', 'hang')
    await expect(
      getSecretValueDirect(silent, 'atlas/key', { ...quick, requestTimeoutMs: 100 }),
    ).rejects.toMatchObject({ name: 'TimeoutError' })
  })

  it('reports a Secrets Manager nobody listens for as a network error, after its attempts', async () => {
    const { settings } = await scriptedSecretsManager()
    const closed = servers.pop()
    await new Promise<void>((resolve) => closed?.server.close(() => resolve()))
    await expect(getSecretValueDirect(settings, 'atlas/key', quick)).rejects.toMatchObject({
      name: 'ECONNREFUSED',
    })
  })

  it("corrects its clock from a skew refusal's Date, and signs the retry with it", async () => {
    const ahead = new Date(Date.now() + 60 * 60_000)
    const { settings, received } = await scriptedSecretsManager({
      status: 400,
      body: JSON.stringify({ __type: 'InvalidSignatureException', message: 'Signature expired' }),
      headers: { date: ahead.toUTCString() },
    })
    expect(await getSecretValueDirect(settings, 'atlas/key', quick)).toBe('s3cr3t')
    const retried = received[1]?.headers['x-amz-date'] as string
    expect(retried.slice(0, 11)).toBe(amzDate(ahead).slice(0, 11))
  })
})

/** The Checksum the SDK's signer takes, over node:crypto (what @smithy/hash-node does). */
class NodeSha256 {
  readonly #hash

  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#hash = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256')
  }

  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(bytes(data))
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest())
  }

  reset(): void {}
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === 'string') return data
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}
