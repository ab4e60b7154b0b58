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
import {
  idempotencyTableDefinition,
  ledgerTableDefinition,
} from '../../dev/local-stack/local-dynamodb.ts'

const run = promisify(execFile)
const ATLAS_ARN = 'arn:aws:secretsmanager:eu-west-1:210987654321:secret:prod/atlas-api-key-Ab12Cd'
const WEBHOOK_ARN =
  'arn:aws:secretsmanager:eu-west-1:210987654321:secret:prod/webhook-secret-Ef34Gh'

const OKTA_ARN = 'arn:aws:secretsmanager:eu-west-1:210987654321:secret:prod/okta-hook-Ij56Kl'

type Resource = {
  Type: string
  Properties: Record<string, unknown>
  Condition?: string
  [key: string]: unknown
}
interface Template {
  Resources: Record<string, Resource>
  Outputs: Record<string, unknown>
  Conditions: Record<string, unknown>
}
let resources: Record<string, Resource>
let outputs: Record<string, unknown>
let outDir: string
/** The same stack with every optional parameter set (Okta, EventBridge, VPC). */
let optional: Template
const folders: string[] = []

async function packageStack(params: readonly string[] = []): Promise<Template> {
  const dir = mkdtempSync(join(tmpdir(), 'sls-package-'))
  folders.push(dir)
  await run('npm', ['run', '-s', 'package', '--', '--package', dir, ...params], {
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
  outDir = outDir ?? dir
  return JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'))
}

beforeAll(async () => {
  const template = await packageStack()
  resources = template.Resources
  outputs = template.Outputs
  optional = await packageStack([
    `--param=oktaSecretArn=${OKTA_ARN}`,
    '--param=oktaEventBusName=aws.partner/okta.com/acme/leavers',
    '--param=vpc=on',
    '--param=vpcSubnetIds=subnet-0a1,subnet-0b2',
    '--param=vpcSecurityGroupIds=sg-0c3',
  ])
}, 240_000)
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true })
})

const ofType = (type: string) =>
  Object.values(resources).filter((resource) => resource.Type === type)
const one = (type: string) => {
  const found = ofType(type)
  expect(found, type).toHaveLength(1)
  return found[0] as Resource
}

describe('the packaged CloudFormation template', () => {
  it('ships three arm64 nodejs22.x functions, each its own minified ESM bundle in chunks', () => {
    const functions = ofType('AWS::Lambda::Function')
    expect(functions).toHaveLength(3)
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: 256,
      })
      expect(fn.Properties.Handler).toMatch(/^functions\/(http|queue|sweep)\/index\.handler$/)
      // Source maps would be parsed at every cold start (--enable-source-maps): not shipped.
      const environment = fn.Properties.Environment as { Variables: Record<string, string> }
      expect(environment.Variables.NODE_OPTIONS).toBeUndefined()
    }
    for (const name of ['http', 'queue', 'sweep']) {
      const files = zipEntries(readFileSync(join(outDir, `${name}.zip`)))
      expect(files).toContain(`functions/${name}/index.mjs`)
      // The entry loads its chunks by relative import: they are all in its own folder.
      expect(files.every((file) => file.startsWith(`functions/${name}/`))).toBe(true)
      expect(files.filter((file) => file.endsWith('.map'))).toEqual([])
    }
  })

  it('routes POST /revocations without an authorizer and DELETE /orgs/{orgId}/invites/{invitationId} through IAM', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map((route) => route.Properties)
    expect(routes.map((route) => route.RouteKey).sort()).toEqual([
      'DELETE /orgs/{orgId}/invites/{invitationId}',
      'GET /okta/events',
      'POST /okta/events',
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
    expect((resources.DeadLetterQueueAlarm as Resource).Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': ['RevokeDeadLetterQueue', 'QueueName'] } },
      ],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: 'AlarmTopic' }],
    })
  })

  it('alarms, all to the alarm topic, on HTTP function errors and 5xx answers, a refused key, a not-found id, a skipped or unqueued leaver, a reappeared leaver, a failed sweep and a deprecated API', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map((alarm) => alarm.Properties)
    expect(alarms).toHaveLength(10)
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }])
      expect(alarm).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' })
    }
    const byMetric = (namespace: string, metric: string) =>
      alarms.find((alarm) => alarm.Namespace === namespace && alarm.MetricName === metric)
    expect(
      alarms
        .filter((alarm) => alarm.Namespace === 'AWS/Lambda' && alarm.MetricName === 'Errors')
        .map((alarm) => alarm.Dimensions),
    ).toEqual([
      [{ Name: 'FunctionName', Value: { Ref: 'HttpLambdaFunction' } }],
      [{ Name: 'FunctionName', Value: { Ref: 'SweepLambdaFunction' } }],
    ])
    expect(byMetric('AWS/ApiGateway', '5xx')?.Dimensions).toEqual([
      { Name: 'ApiId', Value: { Ref: 'HttpApi' } },
    ])
    // The functions emit these (Powertools Metrics, EMF) under the service dimension.
    for (const metric of [
      'KeyRefused',
      'NotFound',
      'LeaverSkipped',
      'LeaverNotQueued',
      'Reappeared',
      'DeprecationNotice',
    ])
      expect(byMetric('AtlasInviteRevoker', metric)?.Dimensions, metric).toEqual([
        { Name: 'service', Value: 'atlas-invite-revoker' },
      ])
  })

  it('outputs everything the runbook needs', () => {
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining([
        'AlarmTopicArn',
        'LedgerTableName',
        'LedgerTableArn',
        'IdempotencyTableName',
        'SweepFunctionName',
        'DeadLetterQueueArn',
        'DeadLetterQueueUrl',
        'DeleteRouteUrl',
        'OktaEventsUrl',
        'RevokeQueueArn',
        'RevokeQueueUrl',
        'WebhookUrl',
      ]),
    )
    expect(outputs.WebhookUrl).toEqual({
      Value: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's own substitution
        'Fn::Sub': 'https://${HttpApi}.execute-api.${AWS::Region}.amazonaws.com/revocations',
      },
      Description: expect.any(String),
    })
  })

  it('grants GetSecretValue on exactly the secrets named (two, three with Okta) and SQS only on the revoke queue, never on *', () => {
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
        Resource: [
          ATLAS_ARN,
          WEBHOOK_ARN,
          { 'Fn::If': ['HasOktaSecret', '', { Ref: 'AWS::NoValue' }] },
        ],
      },
    ])
    const sqs = statements.filter((statement) =>
      statement.Action.some((action) => action.startsWith('sqs:')),
    )
    // Sending (the HTTP function's hand-over) and consuming (the event source mapping).
    expect(sqs.flatMap((statement) => statement.Action).sort()).toEqual([
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
      'sqs:SendMessage',
    ])
    for (const statement of sqs)
      expect(statement.Resource).toEqual([{ 'Fn::GetAtt': ['RevokeQueue', 'Arn'] }])
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
      OKTA_SECRET_ID: '',
      REVOKE_QUEUE_URL: { Ref: 'RevokeQueue' },
      INCLUDE_PROJECT_INVITATIONS: 'false',
      SEARCH_INVITATIONS_API: 'true',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      LOCAL_DEV_ALLOW_UNAUTHENTICATED_DELETE: 'false',
    })
    const queue = (resources.QueueLambdaFunction as Resource).Properties.Environment as {
      Variables: Record<string, unknown>
    }
    // The queue function believes a hand-over's requester only from the HTTP function itself:
    // its role's session named after it (the queue function shares the role).
    expect(queue.Variables.TRUSTED_HANDOVER_SENDER).toEqual({
      'Fn::Join': [
        ':',
        [{ 'Fn::GetAtt': ['IamRoleLambdaExecution', 'RoleId'] }, 'atlas-invite-revoker-prod-http'],
      ],
    })
    for (const name of ['HttpLambdaFunction', 'QueueLambdaFunction', 'SweepLambdaFunction']) {
      const { Variables } = (resources[name] as Resource).Properties.Environment as {
        Variables: Record<string, unknown>
      }
      expect(Variables, name).toMatchObject({
        LEDGER_TABLE: 'atlas-invite-revoker-prod-ledger',
        LEDGER_RETENTION_DAYS: '400',
        IDEMPOTENCY_TABLE: 'atlas-invite-revoker-prod-idempotency',
      })
    }
    const sweep = (resources.SweepLambdaFunction as Resource).Properties.Environment as {
      Variables: Record<string, unknown>
    }
    expect(sweep.Variables).toMatchObject({ RECHECK_DAYS: '30', SWEEP_BATCH: '200' })
    const logGroups = ofType('AWS::Logs::LogGroup').map((group) => group.Properties.RetentionInDays)
    expect(logGroups).toEqual([30, 30, 30])
  })

  it('keeps the ledger as the code and the local stack expect it: keys, indexes, TTL, recovery, encryption, kept on delete', () => {
    const ledger = resources.LedgerTable as Resource
    expect(ledger).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' })
    const local = ledgerTableDefinition('atlas-invite-revoker-prod-ledger')
    const sortedBy = <T extends Record<string, unknown>>(
      items: readonly T[] | undefined,
      key: string,
    ) => [...(items ?? [])].sort((a, b) => String(a[key]).localeCompare(String(b[key])))
    expect(sortedBy(ledger.Properties.AttributeDefinitions as [], 'AttributeName')).toEqual(
      sortedBy(local.AttributeDefinitions as [], 'AttributeName'),
    )
    expect(ledger.Properties).toMatchObject({
      TableName: local.TableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: local.KeySchema,
      GlobalSecondaryIndexes: local.GlobalSecondaryIndexes,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      // ledger-items.ts writes expiresAt.
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      DeletionProtectionEnabled: true,
    })
    const idempotency = resources.IdempotencyTable as Resource
    const localIdempotency = idempotencyTableDefinition('atlas-invite-revoker-prod-idempotency')
    expect(idempotency.Properties).toMatchObject({
      TableName: localIdempotency.TableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: localIdempotency.KeySchema,
      AttributeDefinitions: localIdempotency.AttributeDefinitions,
      // Powertools Idempotency's default expiry attribute.
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    })
  })

  it('grants the functions only the table actions they use, on the tables and the one index they query', () => {
    const statements = (
      one('AWS::IAM::Role').Properties.Policies as {
        PolicyDocument: { Statement: { Action: string[]; Resource: unknown[] }[] }
      }[]
    )
      .flatMap((policy) => policy.PolicyDocument.Statement)
      .filter((statement) => statement.Action.some((action) => action.startsWith('dynamodb:')))
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:BatchWriteItem',
        ],
        Resource: [{ 'Fn::GetAtt': ['LedgerTable', 'Arn'] }],
      },
      {
        Effect: 'Allow',
        Action: ['dynamodb:Query'],
        Resource: [
          { 'Fn::Join': ['/', [{ 'Fn::GetAtt': ['LedgerTable', 'Arn'] }, 'index', 'GSI2']] },
        ],
      },
      {
        Effect: 'Allow',
        Action: [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
        ],
        Resource: [{ 'Fn::GetAtt': ['IdempotencyTable', 'Arn'] }],
      },
    ])
  })

  it('runs the sweep hourly, one run at a time, never retried, with time to pace under the rate limit', () => {
    const sweep = (resources.SweepLambdaFunction as Resource).Properties
    expect(sweep).toMatchObject({ Timeout: 300, ReservedConcurrentExecutions: 1 })
    const rules = ofType('AWS::Events::Rule').filter((rule) => !rule.Condition)
    expect(rules.map((rule) => rule.Properties)).toEqual([
      expect.objectContaining({
        ScheduleExpression: 'rate(1 hour)',
        State: 'ENABLED',
        Targets: [
          expect.objectContaining({ Arn: { 'Fn::GetAtt': ['SweepLambdaFunction', 'Arn'] } }),
        ],
      }),
    ])
    expect(ofType('AWS::Lambda::EventInvokeConfig').map((config) => config.Properties)).toEqual([
      expect.objectContaining({ MaximumRetryAttempts: 0 }),
    ])
  })

  it('leaves out the optional parts unless asked: the Okta secret, the EventBridge rule, the VPC', () => {
    expect(Object.values(resources).filter((resource) => resource.Condition)).toEqual([
      expect.objectContaining({ Type: 'AWS::Events::Rule', Condition: 'HasOktaEventBus' }),
      expect.objectContaining({ Type: 'AWS::SQS::QueuePolicy', Condition: 'HasOktaEventBus' }),
    ])
    expect((resources.HttpLambdaFunction as Resource).Properties.VpcConfig).toBeUndefined()
  })
})

describe('the template with every optional parameter', () => {
  it('routes Okta leaver events from the partner event bus to the revoke queue, and lets EventBridge send there only', () => {
    expect(optional.Conditions.HasOktaEventBus).toEqual({
      'Fn::Not': [{ 'Fn::Equals': ['aws.partner/okta.com/acme/leavers', ''] }],
    })
    expect(optional.Resources.OktaLeaversRule?.Properties).toMatchObject({
      EventBusName: 'aws.partner/okta.com/acme/leavers',
      EventPattern: {
        source: [{ prefix: 'aws.partner/okta.com' }],
        'detail-type': ['SystemLog'],
        detail: {
          eventType: [
            'user.lifecycle.deactivate',
            'user.lifecycle.suspend',
            'user.lifecycle.delete.initiated',
          ],
        },
      },
      Targets: [{ Id: 'revoke-queue', Arn: { 'Fn::GetAtt': ['RevokeQueue', 'Arn'] } }],
    })
    expect(optional.Resources.OktaLeaversQueuePolicy?.Properties.PolicyDocument).toMatchObject({
      Statement: [
        {
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Condition: {
            ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': ['OktaLeaversRule', 'Arn'] } },
          },
        },
      ],
    })
  })

  it('reads the Okta secret, and runs every function in the given subnets and security groups', () => {
    expect(optional.Conditions.HasOktaSecret).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [OKTA_ARN, ''] }],
    })
    for (const name of ['HttpLambdaFunction', 'QueueLambdaFunction', 'SweepLambdaFunction']) {
      expect(optional.Resources[name]?.Properties.VpcConfig).toEqual({
        SubnetIds: { 'Fn::Split': [',', 'subnet-0a1,subnet-0b2'] },
        SecurityGroupIds: { 'Fn::Split': [',', 'sg-0c3'] },
      })
    }
    const http = optional.Resources.HttpLambdaFunction?.Properties.Environment as {
      Variables: Record<string, unknown>
    }
    expect(http.Variables.OKTA_SECRET_ID).toBe(OKTA_ARN)
  })
})

/** The names in a zip file, from its central directory. */
function zipEntries(zip: Buffer): string[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  const count = zip.readUInt16LE(end + 10)
  const names: string[] = []
  let at = zip.readUInt32LE(end + 16)
  for (let entry = 0; entry < count; entry++) {
    const nameLength = zip.readUInt16LE(at + 28)
    const extraLength = zip.readUInt16LE(at + 30)
    const commentLength = zip.readUInt16LE(at + 32)
    names.push(zip.subarray(at + 46, at + 46 + nameLength).toString('utf8'))
    at += 46 + nameLength + extraLength + commentLength
  }
  return names
}
