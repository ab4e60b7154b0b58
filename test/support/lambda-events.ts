/** Realistic Lambda events and contexts, shaped as AWS documents and delivers them. */
import { randomUUID } from 'node:crypto'
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  Context,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda'

export interface HttpCall {
  readonly method: string
  readonly path: string
  readonly headers?: Record<string, string>
  readonly body?: string
  /** Send the body base64-encoded with isBase64Encoded: true. */
  readonly base64?: boolean
  /** IAM caller ARN, as an IAM authorizer would set it. */
  readonly iamCaller?: string
}

const ACCOUNT = '123456789012'

/** API Gateway REST API, payload format 1.0. */
export function restEvent(call: HttpCall): APIGatewayProxyEvent {
  const headers = call.headers ?? {}
  return {
    resource: call.path,
    path: call.path,
    httpMethod: call.method,
    headers,
    multiValueHeaders: Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name, [value]]),
    ),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: encode(call),
    isBase64Encoded: call.base64 === true,
    requestContext: {
      accountId: ACCOUNT,
      apiId: 'restapi01',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: call.method,
      path: `/prod${call.path}`,
      stage: 'prod',
      requestId: `rest-${randomUUID()}`,
      requestTimeEpoch: Date.now(),
      resourceId: 'abc123',
      resourcePath: call.path,
      identity: {
        accessKey: call.iamCaller ? 'ASIAEXAMPLE' : null,
        accountId: call.iamCaller ? ACCOUNT : null,
        apiKey: null,
        apiKeyId: null,
        caller: call.iamCaller ? 'AROAEXAMPLE:automation' : null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '198.51.100.10',
        user: null,
        userAgent: 'hr-system/1.0',
        userArn: call.iamCaller ?? null,
      },
    },
  }
}

/** API Gateway HTTP API, payload format 2.0 (header names arrive lowercased). */
export function httpApiEvent(
  call: HttpCall,
  kind: 'httpApi' | 'functionUrl' = 'httpApi',
): APIGatewayProxyEventV2 {
  const headers = Object.fromEntries(
    Object.entries(call.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  )
  const iam = call.iamCaller
    ? {
        iam: {
          accessKey: 'ASIAEXAMPLE',
          accountId: ACCOUNT,
          callerId: 'AROAEXAMPLE:automation',
          cognitoIdentity: null,
          principalOrgId: null,
          userArn: call.iamCaller,
          userId: 'AROAEXAMPLE:automation',
        },
      }
    : undefined
  const event = {
    version: '2.0',
    routeKey: kind === 'functionUrl' ? '$default' : `${call.method} ${call.path}`,
    rawPath: call.path,
    rawQueryString: '',
    headers,
    body: encode(call),
    isBase64Encoded: call.base64 === true,
    requestContext: {
      accountId: kind === 'functionUrl' ? 'anonymous' : ACCOUNT,
      apiId: kind === 'functionUrl' ? 'abcdefghijklmnopqrstuvwxyz' : 'httpapi01',
      domainName:
        kind === 'functionUrl'
          ? 'abcdefghijklmnopqrstuvwxyz.lambda-url.us-east-1.on.aws'
          : 'httpapi01.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'x',
      http: {
        method: call.method,
        path: call.path,
        protocol: 'HTTP/1.1',
        sourceIp: '198.51.100.10',
        userAgent: 'hr-system/1.0',
      },
      requestId: `${kind}-${randomUUID()}`,
      routeKey: kind === 'functionUrl' ? '$default' : `${call.method} ${call.path}`,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
      ...(iam ? { authorizer: iam } : {}),
    },
  }
  return event as APIGatewayProxyEventV2
}

function encode(call: HttpCall): string | null {
  if (call.body === undefined) return null
  return call.base64 ? Buffer.from(call.body).toString('base64') : call.body
}

export interface QueueMessage {
  readonly body: string
  readonly messageId?: string
  readonly groupId?: string
}

export function sqsEvent(
  messages: readonly (QueueMessage | string)[],
  options: { fifo?: boolean } = {},
): SQSEvent {
  const queue = options.fifo ? 'revoke-invites.fifo' : 'revoke-invites'
  return {
    Records: messages.map((message, index): SQSRecord => {
      const { body, messageId, groupId } = typeof message === 'string' ? { body: message } : message
      return {
        messageId: messageId ?? randomUUID(),
        receiptHandle: `AQEB${index}`,
        body,
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(Date.now()),
          SenderId: 'AIDAEXAMPLE',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
          ...(options.fifo
            ? {
                MessageGroupId: groupId ?? 'offboarding',
                MessageDeduplicationId: randomUUID(),
                SequenceNumber: String(index + 1),
              }
            : {}),
        },
        messageAttributes: {},
        md5OfBody: 'ignored',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:us-east-1:${ACCOUNT}:${queue}`,
        awsRegion: 'us-east-1',
      }
    }),
  }
}

/** The body SQS gets from an SNS topic subscription without raw message delivery. */
export function snsNotification(message: unknown): string {
  return JSON.stringify({
    Type: 'Notification',
    MessageId: randomUUID(),
    TopicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:offboarding`,
    Message: JSON.stringify(message),
    Timestamp: new Date().toISOString(),
    SignatureVersion: '1',
    Signature: 'EXAMPLE',
    SigningCertURL: 'https://sns.us-east-1.amazonaws.com/cert.pem',
    UnsubscribeURL: 'https://sns.us-east-1.amazonaws.com/unsubscribe',
  })
}

export function lambdaContext(
  remainingMs = 30_000,
  functionName = 'atlas-invite-revoker-dev-http',
): Context {
  const deadline = Date.now() + remainingMs
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/26/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  }
}
