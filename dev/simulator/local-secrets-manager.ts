/**
 * Enough of AWS Secrets Manager for local runs and tests: `GetSecretValue` over the JSON 1.1
 * protocol the AWS SDK speaks, reached through `AWS_ENDPOINT_URL_SECRETS_MANAGER`. No npm
 * package emulates it, so we serve it. Counts calls and can fail on purpose.
 */
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { NetworkLatency, type NetworkLatencySettings } from './network-latency.ts'
import { readJsonBody } from './read-body.ts'

export type SecretsFault = 'throttle' | 'unavailable'

interface StoredSecret {
  value: string
  versionId: string
  createdDate: number
}

const TARGET_PREFIX = 'secretsmanager.'

export class LocalSecretsManager {
  readonly #secrets = new Map<string, StoredSecret>()
  readonly #faults: SecretsFault[] = []
  #calls = 0
  #server: Server | undefined
  readonly #network: NetworkLatency

  /** `latency` models the network to Secrets Manager (the benchmark's cold start uses it). */
  constructor(
    secrets: Readonly<Record<string, string>> = {},
    options: { readonly latency?: NetworkLatencySettings } = {},
  ) {
    for (const [name, value] of Object.entries(secrets)) this.putSecret(name, value)
    this.#network = new NetworkLatency(options.latency)
  }

  /** Creates or rotates a secret: a new version becomes current. */
  putSecret(name: string, value: string): void {
    this.#secrets.set(name, { value, versionId: randomUUID(), createdDate: Date.now() / 1000 })
  }

  deleteSecret(name: string): void {
    this.#secrets.delete(name)
  }

  /** Fails the next calls, in order: `throttle` (400 ThrottlingException) or `unavailable` (503). */
  failNext(...faults: SecretsFault[]): void {
    this.#faults.push(...faults)
  }

  /** `GetSecretValue` calls received (failed ones included). */
  calls(): number {
    return this.#calls
  }

  resetCalls(): void {
    this.#calls = 0
  }

  async start(port = 0): Promise<string> {
    const server = createServer((request, response) => {
      void this.handle(request, response)
    })
    this.#server = server
    this.#network.watch(server)
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'EADDRINUSE'
            ? new Error(`port ${port} on 127.0.0.1 is already in use; choose another one`)
            : error,
        ),
      )
      server.listen(port, '127.0.0.1', resolve)
    })
    const address = server.address()
    if (address === null || typeof address === 'string') throw new Error('not listening')
    return `http://127.0.0.1:${address.port}`
  }

  async stop(): Promise<void> {
    const server = this.#server
    if (!server?.listening) return
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeAllConnections()
    await closed
  }

  /** Answers Secrets Manager requests; returns false for anything else (so it can share a port). */
  async handle(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
    const target = String(request.headers['x-amz-target'] ?? '')
    if (request.method !== 'POST' || !target.startsWith(TARGET_PREFIX)) return false
    const body = await readJsonBody(request)
    await this.#network.wait(request.socket)
    const reply = (status: number, payload: unknown) => {
      response.writeHead(status, {
        'Content-Type': 'application/x-amz-json-1.1',
        'x-amzn-RequestId': randomUUID(),
      })
      response.end(JSON.stringify(payload))
    }
    const error = (status: number, type: string, message: string) =>
      reply(status, { __type: type, message })
    if (!String(request.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) {
      error(400, 'MissingAuthenticationTokenException', 'Request is missing Authentication Token')
      return true
    }
    if (target !== `${TARGET_PREFIX}GetSecretValue`) {
      error(400, 'UnknownOperationException', `${target} is not served locally`)
      return true
    }
    this.#calls += 1
    const fault = this.#faults.shift()
    if (fault === 'throttle') {
      error(400, 'ThrottlingException', 'Rate exceeded')
      return true
    }
    if (fault === 'unavailable') {
      error(503, 'ServiceUnavailableException', 'Service unavailable')
      return true
    }
    const { SecretId: secretId } = (body ?? {}) as { SecretId?: unknown }
    const secret = typeof secretId === 'string' ? this.#secrets.get(secretId) : undefined
    if (typeof secretId !== 'string' || !secret) {
      error(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.")
      return true
    }
    reply(200, {
      ARN: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${secretId}-AbCdEf`,
      Name: secretId,
      SecretString: secret.value,
      VersionId: secret.versionId,
      VersionStages: ['AWSCURRENT'],
      CreatedDate: secret.createdDate,
    })
    return true
  }
}
