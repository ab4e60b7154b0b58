/**
 * `npm run package` builds the CloudFormation template offline, with dummy credentials; these
 * assertions read the template AWS would get.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const ATLAS_ARN = 'arn:aws:secretsmanager:eu-west-1:210987654321:secret:prod/atlas-api-key-Ab12Cd'
const WEBHOOK_ARN =
  'arn:aws:secretsmanager:eu-west-1:210987654321:secret:prod/webhook-secret-Ef34Gh'

type Resource = { Type: string; Properties: Record<string, unknown>; [key: string]: unknown }
let resources: Record<string, Resource>
let outputs: Record<string, unknown>
let outDir: string

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'sls-package-'))
  await run('npm', ['run', '-s', 'package', '--', '--package', outDir], {
    env: {
      ...process.env,
      STAGE: 'prod',
      REGION: 'eu-west-1',
      ATLAS_SECRET_ARN: ATLAS_ARN,
      WEBHOOK_SECRET_ARN: WEBHOOK_ARN,
      ESBUILD_WORK_FOLDER: '.esbuild-package-test',
    },
    timeout: 240_000,
  })
  const template = JSON.parse(
    readFileSync(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8'),
  )
  resources = template.Resources
  outputs = template.Outputs
}, 240_000)
afterAll(() => rmSync(outDir, { recursive: true, force: true }))

const ofType = (type: string) =>
  Object.values(resources).filter((resource) => resource.Type === type)
const one = (type: string) => {
  const found = ofType(type)
  expect(found, type).toHaveLength(1)
  return found[0] as Resource
}

describe('the packaged CloudFormation template', () => {
  it('ships two arm64 nodejs22.x functions, each its own minified ESM bundle with source maps', () => {
    const functions = ofType('AWS::Lambda::Function')
    expect(functions).toHaveLength(2)
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: 256,
      })
      expect(fn.Properties.Handler).toMatch(/^functions\/(http|queue)\.handler$/)
    }
    expect(readFileSync(join(outDir, 'http.zip')).length).toBeGreaterThan(0)
    expect(readFileSync(join(outDir, 'queue.zip')).length).toBeGreaterThan(0)
  })

  it('routes POST /revocations without an authorizer and DELETE /orgs/{orgId}/invites/{invitationId} through IAM', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map((route) => route.Properties)
    expect(routes.map((route) => route.RouteKey).sort()).toEqual([
      'DELETE /orgs/{orgId}/invites/{invitationId}',
      'POST /revocations',
    ])
    const post = routes.find((route) => route.RouteKey === 'POST /revocations')
    const del = routes.find((route) => String(route.RouteKey).startsWith('DELETE'))
    expect(post?.AuthorizationType).toBeUndefined()
    expect(del?.AuthorizationType).toBe('AWS_IAM')
  })

  it('maps the revoke queue to the queue function with partial batch responses and capped concurrency', () => {
    expect(one('AWS::Lambda::EventSourceMapping').Properties).toMatchObject({
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
      EventSourceArn: { 'Fn::GetAtt': ['RevokeQueue', 'Arn'] },
    })
  })

  it('gives the queue a 14-day DLQ after 5 receives and a visibility timeout ≥ 6× the function timeout', () => {
    const queue = resources.RevokeQueue as Resource
    expect(queue.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': ['RevokeDeadLetterQueue', 'Arn'] },
      maxReceiveCount: 5,
    })
    expect((resources.RevokeDeadLetterQueue as Resource).Properties.MessageRetentionPeriod).toBe(
      1209600,
    )
    const timeout = (resources.QueueLambdaFunction as Resource).Properties.Timeout as number
    expect(queue.Properties.VisibilityTimeout as number).toBeGreaterThanOrEqual(6 * timeout)
  })

  it('alarms as soon as a message reaches the DLQ', () => {
    expect(one('AWS::CloudWatch::Alarm').Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': ['RevokeDeadLetterQueue', 'QueueName'] } },
      ],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: 'AlarmTopic' }],
    })
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(['RevokeQueueUrl', 'DeadLetterQueueUrl', 'AlarmTopicArn']),
    )
  })

  it('grants GetSecretValue on exactly the two secrets and SQS only on the revoke queue, never on *', () => {
    const statements = (
      one('AWS::IAM::Role').Properties.Policies as {
        PolicyDocument: { Statement: { Action: string[]; Resource: unknown[] }[] }
      }[]
    ).flatMap((policy) => policy.PolicyDocument.Statement)
    const secrets = statements.filter((statement) =>
      statement.Action.some((action) => action.startsWith('secretsmanager:')),
    )
    expect(secrets).toEqual([
      {
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: [ATLAS_ARN, WEBHOOK_ARN],
      },
    ])
    const sqs = statements.filter((statement) =>
      statement.Action.some((action) => action.startsWith('sqs:')),
    )
    expect(sqs).toHaveLength(1)
    expect(sqs[0]?.Resource).toEqual([{ 'Fn::GetAtt': ['RevokeQueue', 'Arn'] }])
    for (const statement of [...secrets, ...sqs]) {
      expect(statement.Resource).not.toContain('*')
      expect(JSON.stringify(statement.Resource)).not.toMatch(/"\*"|:\*"/)
    }
  })

  it('passes the settings to the functions, with the secret ARNs as ids', () => {
    const http = (resources.HttpLambdaFunction as Resource).Properties.Environment as {
      Variables: Record<string, string>
    }
    expect(http.Variables).toMatchObject({
      ATLAS_SECRET_ID: ATLAS_ARN,
      WEBHOOK_SECRET_ID: WEBHOOK_ARN,
      LOCAL_DEV_ALLOW_UNAUTHENTICATED_DELETE: 'false',
    })
    const logGroups = ofType('AWS::Logs::LogGroup').map((group) => group.Properties.RetentionInDays)
    expect(logGroups).toEqual([30, 30])
  })
})
