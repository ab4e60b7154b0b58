/**
 * `ops/deployer-policy.json`, the least-privilege policy for whoever runs `osls deploy` and
 * `osls remove`: its grammar, and a small evaluator of it (Allow statements, `*`/`?` wildcards,
 * the condition operators it uses) checked against what deploying the packaged template needs.
 * For each resource of the template (packaged here with and without the optional parameters)
 * CloudFormation calls, with the deployer's credentials, the permissions its resource provider
 * schema lists (handlers create/update/delete/read), less those for properties the template
 * never sets; osls itself calls CloudFormation, S3 and Lambda. Every such call must be
 * allowed on the resource's own ARN, and calls on anything else must not be. The HTTP API itself
 * is told apart by its tag (`atlas-invite-revoker:stack`), the one scope API Gateway offers for
 * an API whose id is random; its routes, integrations and stages by nothing.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { onePackagingAtATime } from '../support/one-packaging-at-a-time.ts'
import { runCommand } from '../support/run-command.ts'

const POLICY_TEXT = readFileSync(new URL('../../ops/deployer-policy.json', import.meta.url), 'utf8')

// The sample deployment the template is packaged for.
const STAGE = 'prod'
const REGION = 'eu-west-1'
const ACCOUNT = '210987654321'
const STACK = `atlas-invite-revoker-${STAGE}`
const API_ID = 'k2l9x4d1qa'
/** The tag serverless.yml puts on the HTTP API (provider.tags), and its value for this stack. */
const STACK_TAG = 'atlas-invite-revoker:stack'
const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:prod/atlas-api-key-Ab12Cd`

type Strings = string | readonly string[]
type Condition = Readonly<Record<string, Readonly<Record<string, Strings>>>>
interface Statement {
  readonly Sid: string
  readonly Effect: string
  readonly Action: Strings
  readonly Resource: Strings
  readonly Condition?: Condition
}
interface Policy {
  readonly Version: string
  readonly Statement: readonly Statement[]
}
interface Resource {
  readonly Type: string
  readonly Properties: Record<string, unknown>
}
interface Template {
  readonly Resources: Record<string, Resource>
}
/** Condition keys of a request, e.g. `iam:PassedToService`. */
type RequestContext = Readonly<Record<string, string>>
/** Actions a deployment calls on one resource ARN (`*` for actions without one). */
interface Need {
  readonly actions: readonly string[]
  readonly resource: string
  readonly context?: RequestContext
}

const policy = JSON.parse(POLICY_TEXT) as Policy
const list = (value: Strings): readonly string[] => (typeof value === 'string' ? [value] : value)

// ---- the evaluator ----

/** IAM's wildcards: `*` any run of characters (`/` and `:` included), `?` one character. */
function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .split('')
    .map((char) =>
      char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&'),
    )
    .join('')
  return new RegExp(`^${source}$`, ignoreCase ? 'si' : 's').test(value)
}

function conditionHolds(condition: Condition | undefined, context: RequestContext): boolean {
  return Object.entries(condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) => {
      const actual = context[key]
      if (actual === undefined) return false
      if (operator === 'StringEquals') return list(expected).includes(actual)
      if (['StringLike', 'ArnLike', 'ArnEquals'].includes(operator))
        return list(expected).some((pattern) => wildcardMatch(pattern, actual))
      throw new Error(`the evaluator does not know ${operator}`)
    }),
  )
}

/** The Sid of the statement that allows `action` on `resource`, if one does. */
function allowingStatement(action: string, resource: string, context: RequestContext = {}) {
  return policy.Statement.find(
    (statement) =>
      statement.Effect === 'Allow' &&
      list(statement.Action).some((pattern) => wildcardMatch(pattern, action, true)) &&
      list(statement.Resource).some((pattern) => wildcardMatch(pattern, resource)) &&
      conditionHolds(statement.Condition, context),
  )?.Sid
}

function refusedCalls(needs: readonly Need[]): string[] {
  return needs.flatMap((need) =>
    need.actions
      .filter((action) => allowingStatement(action, need.resource, need.context) === undefined)
      .map(
        (action) =>
          `${action} on ${need.resource}${need.context ? ` ${JSON.stringify(need.context)}` : ''}`,
      ),
  )
}

// ---- the packaged templates ----

const folders: string[] = []
let templates: Record<'default' | 'optional', Template>

async function packageTemplate(workFolder: string, params: readonly string[]): Promise<Template> {
  const dir = mkdtempSync(join(tmpdir(), 'deployer-policy-'))
  folders.push(dir)
  await onePackagingAtATime(() =>
    runCommand('npm', ['run', '-s', 'package', '--', '--package', dir, ...params], {
      env: {
        ...process.env,
        STAGE,
        REGION,
        ATLAS_SECRET_ARN: SECRET_ARN,
        WEBHOOK_SECRET_ARN: SECRET_ARN,
        ESBUILD_WORK_FOLDER: workFolder,
      },
      timeout: 240_000,
    }),
  )
  return JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'))
}

/** Every optional deploy parameter of serverless.yml: the Okta secret and rule, and the VPC. */
const OPTIONAL_PARAMETERS = {
  oktaSecretArn: SECRET_ARN,
  oktaEventBusName: 'aws.partner/okta.com/acme/leavers',
  vpc: 'on',
  vpcSubnetIds: 'subnet-0a1,subnet-0b2',
  vpcSecurityGroupIds: 'sg-0c3',
}

beforeAll(async () => {
  const optional = Object.entries(OPTIONAL_PARAMETERS).map(
    ([name, value]) => `--param=${name}=${value}`,
  )
  templates = {
    default: await packageTemplate('.esbuild-policy-test', []),
    optional: await packageTemplate('.esbuild-policy-test', optional),
  }
}, 240_000)
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true })
})

/**
 * The name CloudFormation generates for a resource without one: stack name and logical id
 * (each cut to 24 characters when the whole would be too long) and a random suffix, as in
 * `atlas-invite-revoker-pro-serverlessdeploymentbuck-k3j5x8q2m4wz`.
 */
function generatedName(logicalId: string, maxLength: number): string {
  const suffix = 'k3j5x8q2m4wz'
  const full = `${STACK}-${logicalId}-${suffix}`
  return full.length <= maxLength
    ? full
    : `${STACK.slice(0, 24)}-${logicalId.slice(0, 24)}-${suffix}`
}

/** Physical ARNs and names of one template's resources, and enough intrinsics to read it. */
function deployed(template: Template) {
  const resource = (id: string): Resource => {
    const found = template.Resources[id]
    if (!found) throw new Error(`no resource ${id}`)
    return found
  }
  const property = (id: string, name: string) => resolve(resource(id).Properties[name])
  const arnOf = (id: string): string => {
    const { Type } = resource(id)
    const at = `${REGION}:${ACCOUNT}`
    switch (Type) {
      case 'AWS::Lambda::Function':
        return `arn:aws:lambda:${at}:function:${property(id, 'FunctionName')}`
      case 'AWS::SQS::Queue':
        return `arn:aws:sqs:${at}:${property(id, 'QueueName')}`
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${at}:${property(id, 'TopicName')}`
      case 'AWS::DynamoDB::Table':
        return `arn:aws:dynamodb:${at}:table/${property(id, 'TableName')}`
      case 'AWS::CloudWatch::Alarm':
        return `arn:aws:cloudwatch:${at}:alarm:${property(id, 'AlarmName')}`
      case 'AWS::Logs::LogGroup':
        return `arn:aws:logs:${at}:log-group:${property(id, 'LogGroupName')}:*`
      case 'AWS::IAM::Role':
        return `arn:aws:iam::${ACCOUNT}:role/${property(id, 'RoleName')}`
      case 'AWS::S3::Bucket':
        return `arn:aws:s3:::${generatedName(id, 63).toLowerCase()}`
      case 'AWS::Events::Rule': {
        const bus = property(id, 'EventBusName')
        return `arn:aws:events:${at}:rule/${bus && bus !== 'default' ? `${bus}/` : ''}${generatedName(id, 64)}`
      }
      case 'AWS::ApiGatewayV2::Api':
        return `arn:aws:apigateway:${REGION}::/apis/${API_ID}`
      case 'AWS::Lambda::EventSourceMapping':
        return `arn:aws:lambda:${at}:event-source-mapping:3f1c2a80-cb2e-41f0-9a7e-0a1b2c3d4e5f`
      default:
        throw new Error(`no ARN known for ${Type} ${id}`)
    }
  }
  const refOf = (id: string): string => {
    const { Type } = resource(id)
    if (Type === 'AWS::SQS::Queue')
      return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${property(id, 'QueueName')}`
    if (Type === 'AWS::S3::Bucket') return arnOf(id).replace('arn:aws:s3:::', '')
    if (Type === 'AWS::ApiGatewayV2::Api') return API_ID
    if (Type === 'AWS::SNS::Topic') return arnOf(id)
    if (Type === 'AWS::DynamoDB::Table') return property(id, 'TableName')
    return property(id, Type === 'AWS::Lambda::Function' ? 'FunctionName' : 'Name')
  }
  const pseudo: Record<string, string> = {
    'AWS::Region': REGION,
    'AWS::AccountId': ACCOUNT,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
  }
  function resolve(value: unknown): string {
    if (typeof value === 'string') return value
    if (value === undefined || value === null) return ''
    const intrinsic = value as Record<string, unknown>
    if (typeof intrinsic.Ref === 'string') return pseudo[intrinsic.Ref] ?? refOf(intrinsic.Ref)
    const join = intrinsic['Fn::Join'] as [string, unknown[]] | undefined
    if (join) return join[1].map(resolve).join(join[0])
    const getAtt = intrinsic['Fn::GetAtt'] as [string, string] | undefined
    if (getAtt?.[1] === 'Arn') return arnOf(getAtt[0])
    const sub = intrinsic['Fn::Sub']
    if (typeof sub === 'string')
      return sub.replace(/\$\{([^}]+)\}/g, (_, name: string) => pseudo[name] ?? refOf(name))
    throw new Error(`the test cannot resolve ${JSON.stringify(value)}`)
  }
  return { resource, property, arnOf, resolve }
}

/** What CloudFormation calls to create, update, read and delete one resource of the template. */
function needsOf(id: string, template: Template): Need[] {
  const { resource, property, arnOf, resolve } = deployed(template)
  const { Type, Properties } = resource(id)
  const apis = `arn:aws:apigateway:${REGION}::/apis`
  const verbs = [
    'apigateway:POST',
    'apigateway:GET',
    'apigateway:PUT',
    'apigateway:PATCH',
    'apigateway:DELETE',
  ]
  /** The API's tags as the template sets them: in CreateApi's request, then on the API. */
  const apiTags = (tags: unknown, kind: 'RequestTag' | 'ResourceTag'): RequestContext =>
    Object.fromEntries(
      Object.entries((tags ?? {}) as Record<string, unknown>).map(([key, value]) => [
        `aws:${kind}/${key}`,
        resolve(value),
      ]),
    )
  switch (Type) {
    case 'AWS::Lambda::Function': {
      const code = Properties.Code as { S3Bucket: unknown; S3Key: string }
      const needs: Need[] = [
        {
          resource: arnOf(id),
          actions: [
            'lambda:CreateFunction',
            'lambda:GetFunction',
            'lambda:UpdateFunctionCode',
            'lambda:UpdateFunctionConfiguration',
            'lambda:DeleteFunction',
            'lambda:PutFunctionConcurrency',
            'lambda:DeleteFunctionConcurrency',
            'lambda:GetRuntimeManagementConfig',
            'lambda:PutRuntimeManagementConfig',
            'lambda:GetFunctionCodeSigningConfig',
            'lambda:GetPolicy',
            'lambda:AddPermission',
            'lambda:RemovePermission',
            'lambda:ListTags',
            'lambda:TagResource',
            'lambda:UntagResource',
          ],
        },
        {
          resource: resolve(Properties.Role),
          actions: ['iam:PassRole'],
          context: { 'iam:PassedToService': 'lambda.amazonaws.com' },
        },
        {
          resource: `arn:aws:s3:::${resolve(code.S3Bucket)}/${code.S3Key}`,
          actions: ['s3:GetObject', 's3:GetObjectVersion'],
        },
      ]
      if (Properties.VpcConfig)
        needs.push({
          resource: '*',
          actions: [
            'ec2:DescribeSecurityGroups',
            'ec2:DescribeSubnets',
            'ec2:DescribeVpcs',
            'ec2:DescribeNetworkInterfaces',
          ],
        })
      return needs
    }
    case 'AWS::Lambda::EventInvokeConfig':
      return [
        {
          resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${resolve(Properties.FunctionName)}`,
          actions: [
            'lambda:PutFunctionEventInvokeConfig',
            'lambda:UpdateFunctionEventInvokeConfig',
            'lambda:GetFunctionEventInvokeConfig',
            'lambda:DeleteFunctionEventInvokeConfig',
          ],
        },
      ]
    case 'AWS::Lambda::Permission':
      return [
        {
          resource: resolve(Properties.FunctionName),
          actions: ['lambda:AddPermission', 'lambda:RemovePermission', 'lambda:GetPolicy'],
        },
      ]
    case 'AWS::Lambda::EventSourceMapping':
      return [
        {
          resource: '*',
          actions: [
            'lambda:CreateEventSourceMapping',
            'lambda:UpdateEventSourceMapping',
            'lambda:DeleteEventSourceMapping',
          ],
          context: { 'lambda:FunctionArn': resolve(Properties.FunctionName) },
        },
        { resource: arnOf(id), actions: ['lambda:GetEventSourceMapping'] },
      ]
    case 'AWS::IAM::Role': {
      const role = arnOf(id)
      return [
        {
          resource: role,
          actions: [
            'iam:CreateRole',
            'iam:GetRole',
            'iam:UpdateAssumeRolePolicy',
            'iam:PutRolePolicy',
            'iam:GetRolePolicy',
            'iam:DeleteRolePolicy',
            'iam:ListRolePolicies',
            'iam:ListAttachedRolePolicies',
            'iam:DetachRolePolicy',
            'iam:TagRole',
            'iam:UntagRole',
            'iam:DeleteRole',
          ],
        },
        ...((Properties.ManagedPolicyArns ?? []) as unknown[]).map((arn) => ({
          resource: role,
          actions: ['iam:AttachRolePolicy'],
          context: { 'iam:PolicyARN': resolve(arn) },
        })),
      ]
    }
    case 'AWS::Logs::LogGroup':
      return [
        {
          resource: arnOf(id),
          actions: [
            'logs:CreateLogGroup',
            'logs:PutRetentionPolicy',
            'logs:DeleteRetentionPolicy',
            'logs:ListTagsForResource',
            'logs:TagResource',
            'logs:UntagResource',
            'logs:DeleteLogGroup',
          ],
        },
        { resource: '*', actions: ['logs:DescribeLogGroups'] },
      ]
    case 'AWS::SQS::Queue':
      return [
        {
          resource: arnOf(id),
          actions: [
            'sqs:CreateQueue',
            'sqs:GetQueueUrl',
            'sqs:GetQueueAttributes',
            'sqs:SetQueueAttributes',
            'sqs:ListQueueTags',
            'sqs:TagQueue',
            'sqs:UntagQueue',
            'sqs:DeleteQueue',
          ],
        },
      ]
    case 'AWS::SQS::QueuePolicy':
      return (Properties.Queues as { Ref: string }[]).map((queue) => ({
        resource: arnOf(queue.Ref),
        actions: ['sqs:SetQueueAttributes'],
      }))
    case 'AWS::SNS::Topic':
      return [
        {
          resource: arnOf(id),
          actions: [
            'sns:CreateTopic',
            'sns:GetTopicAttributes',
            'sns:SetTopicAttributes',
            'sns:ListSubscriptionsByTopic',
            'sns:ListTagsForResource',
            'sns:TagResource',
            'sns:UntagResource',
            'sns:DeleteTopic',
          ],
        },
        // Deleting the topic ends the subscriptions operators added (their ARNs extend the topic's).
        {
          resource: `${arnOf(id)}:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`,
          actions: ['sns:Unsubscribe'],
        },
      ]
    case 'AWS::DynamoDB::Table': {
      // The table's provider schema, less streams, imports, contributor insights, Kinesis and
      // resource policies, which the template never sets. Its AWS managed KMS key needs no grant
      // from the deployer: the key's own policy lets DynamoDB use it for the account.
      const table = arnOf(id)
      return [
        {
          resource: table,
          actions: [
            'dynamodb:CreateTable',
            'dynamodb:DescribeTable',
            'dynamodb:UpdateTable',
            'dynamodb:DeleteTable',
            'dynamodb:DescribeTimeToLive',
            'dynamodb:UpdateTimeToLive',
            'dynamodb:DescribeContinuousBackups',
            'dynamodb:UpdateContinuousBackups',
            'dynamodb:ListTagsOfResource',
            'dynamodb:TagResource',
            'dynamodb:UntagResource',
          ],
        },
      ]
    }
    case 'AWS::CloudWatch::Alarm':
      return [
        {
          resource: arnOf(id),
          actions: [
            'cloudwatch:PutMetricAlarm',
            'cloudwatch:DescribeAlarms',
            'cloudwatch:TagResource',
            'cloudwatch:DeleteAlarms',
          ],
        },
      ]
    case 'AWS::Events::Rule':
      return [
        {
          resource: arnOf(id),
          actions: [
            'events:PutRule',
            'events:DescribeRule',
            'events:PutTargets',
            'events:RemoveTargets',
            'events:ListTargetsByRule',
            'events:DeleteRule',
          ],
        },
      ]
    case 'AWS::S3::Bucket':
      return [
        {
          resource: arnOf(id),
          actions: [
            's3:CreateBucket',
            's3:PutEncryptionConfiguration',
            's3:PutBucketTagging',
            's3:ListBucket',
            's3:GetBucketAcl',
            's3:GetEncryptionConfiguration',
            's3:GetBucketTagging',
            's3:GetBucketPublicAccessBlock',
            's3:GetBucketOwnershipControls',
            's3:GetBucketVersioning',
            's3:GetBucketLogging',
            's3:GetBucketNotification',
            's3:GetBucketCORS',
            's3:GetBucketWebsite',
            's3:GetBucketObjectLockConfiguration',
            's3:GetLifecycleConfiguration',
            's3:GetReplicationConfiguration',
            's3:GetAccelerateConfiguration',
            's3:GetAnalyticsConfiguration',
            's3:GetInventoryConfiguration',
            's3:GetMetricsConfiguration',
            's3:GetIntelligentTieringConfiguration',
            's3:DeleteBucket',
          ],
        },
      ]
    case 'AWS::S3::BucketPolicy':
      return [
        {
          resource: `arn:aws:s3:::${resolve(Properties.Bucket)}`,
          actions: ['s3:PutBucketPolicy', 's3:GetBucketPolicy', 's3:DeleteBucketPolicy'],
        },
      ]
    case 'AWS::ApiGatewayV2::Api':
      return [
        {
          resource: apis,
          actions: ['apigateway:POST'],
          context: apiTags(Properties.Tags, 'RequestTag'),
        },
        {
          resource: arnOf(id),
          actions: ['apigateway:GET', 'apigateway:PATCH', 'apigateway:DELETE'],
          context: apiTags(Properties.Tags, 'ResourceTag'),
        },
        {
          resource: `arn:aws:apigateway:${REGION}::/tags/${encodeURIComponent(arnOf(id))}`,
          actions: ['apigateway:GET', 'apigateway:POST', 'apigateway:DELETE'],
        },
      ]
    case 'AWS::ApiGatewayV2::Integration':
    case 'AWS::ApiGatewayV2::Route':
    case 'AWS::ApiGatewayV2::Stage': {
      const kind = Type.replace('AWS::ApiGatewayV2::', '').toLowerCase()
      const parts = `${apis}/${property(id, 'ApiId')}/${kind}s`
      const needs: Need[] = [
        { resource: parts, actions: ['apigateway:POST', 'apigateway:PUT'] },
        { resource: `${parts}/${kind}1`, actions: verbs },
      ]
      // Access logs: API Gateway sets up CloudWatch Logs' delivery with the caller's rights.
      if (Properties.AccessLogSettings)
        needs.push({
          resource: '*',
          actions: [
            'logs:CreateLogDelivery',
            'logs:GetLogDelivery',
            'logs:UpdateLogDelivery',
            'logs:DeleteLogDelivery',
            'logs:ListLogDeliveries',
            'logs:PutResourcePolicy',
            'logs:DescribeResourcePolicies',
          ],
        })
      return needs
    }
    default:
      throw new Error(
        `${id} is a ${Type}, which the deployer policy was not written for: add what CloudFormation needs for it to ops/deployer-policy.json and to needsOf()`,
      )
  }
}

/** What osls itself calls for `deploy` (S3 upload, change sets, checks) and `remove`. */
function oslsNeeds(template: Template): Need[] {
  const { arnOf } = deployed(template)
  const bucket = arnOf('ServerlessDeploymentBucket')
  return [
    {
      resource: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${STACK}/4f1c2a80-cb2e-11f0-9a7e-0a1b2c3d4e5f`,
      actions: [
        'cloudformation:DescribeStacks',
        'cloudformation:DescribeStackEvents',
        'cloudformation:DescribeStackResource',
        'cloudformation:ListStackResources',
        'cloudformation:GetTemplate',
        'cloudformation:CreateStack',
        'cloudformation:UpdateStack',
        'cloudformation:CreateChangeSet',
        'cloudformation:ExecuteChangeSet',
        'cloudformation:DeleteChangeSet',
        'cloudformation:DescribeChangeSet',
        'cloudformation:TagResource',
        'cloudformation:DeleteStack',
      ],
    },
    {
      resource: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:changeSet/${STACK}-change-set/9a8b7c6d-5e4f-3a2b-1c0d-e9f8a7b6c5d4`,
      actions: [
        'cloudformation:CreateChangeSet',
        'cloudformation:DescribeChangeSet',
        'cloudformation:ExecuteChangeSet',
        'cloudformation:DeleteChangeSet',
      ],
    },
    { resource: '*', actions: ['cloudformation:ValidateTemplate', 'cloudformation:ListExports'] },
    {
      resource: bucket,
      actions: ['s3:ListBucket', 's3:ListBucketVersions', 's3:GetBucketLocation'],
    },
    {
      resource: `${bucket}/serverless/atlas-invite-revoker/${STAGE}/1795708342999-2026-11-26T15:52:22.999Z/http.zip`,
      actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject', 's3:DeleteObjectVersion'],
    },
    ...['HttpLambdaFunction', 'QueueLambdaFunction', 'SweepLambdaFunction'].map((id) => ({
      resource: arnOf(id),
      actions: ['lambda:GetFunction'],
    })),
  ]
}

// ---- the tests ----

/** Actions IAM cannot narrow to this service's resources: no resource type, or a list call. */
const WITHOUT_RESOURCE_SCOPE = [
  'cloudformation:ValidateTemplate',
  'cloudformation:ListExports',
  'logs:DescribeLogGroups',
  'ec2:DescribeVpcs',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeNetworkInterfaces',
  // The HTTP API's access logs: log deliveries, and the account's CloudWatch Logs resource
  // policy that lets API Gateway write to the log group.
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
]

describe('ops/deployer-policy.json', () => {
  it('is an IAM policy document: version 2012-10-17, Allow statements with unique Sids', () => {
    expect(policy.Version).toBe('2012-10-17')
    expect(policy.Statement.length).toBeGreaterThan(0)
    const sids = policy.Statement.map((statement) => statement.Sid)
    expect(new Set(sids).size).toBe(sids.length)
    for (const statement of policy.Statement) {
      expect(statement.Sid).toMatch(/^[A-Za-z0-9]+$/)
      expect(
        Object.keys(statement).filter(
          (key) => !['Sid', 'Effect', 'Action', 'Resource', 'Condition'].includes(key),
        ),
      ).toEqual([])
      expect(statement.Effect, statement.Sid).toBe('Allow')
      const actions = list(statement.Action)
      expect(actions.length, statement.Sid).toBeGreaterThan(0)
      expect(new Set(actions).size, `${statement.Sid} repeats an action`).toBe(actions.length)
      for (const action of actions) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z0-9*]+$/)
      for (const resource of list(statement.Resource))
        expect(resource).toMatch(/^(\*|arn:aws:[a-z0-9-]+:)/)
    }
  })

  it('fits a managed policy (6,144 characters without white space) and needs no substitution', () => {
    expect(POLICY_TEXT.replace(/\s/g, '').length).toBeLessThanOrEqual(6144)
    expect(POLICY_TEXT).not.toContain('${')
    expect(POLICY_TEXT).not.toMatch(/\d{12}/)
  })

  it('uses action wildcards only for reading, never a whole service', () => {
    const wildcards = policy.Statement.flatMap((statement) => list(statement.Action)).filter(
      (action) => action.includes('*'),
    )
    for (const action of wildcards)
      expect(action).toMatch(/^[a-z0-9]+:(Get|List|Describe)[A-Za-z]*\*/)
  })

  it('grants Resource "*" only to actions without resource scope, and to event source mappings of the service functions', () => {
    const unscoped = policy.Statement.filter((statement) => list(statement.Resource).includes('*'))
    expect(unscoped.map((statement) => statement.Sid).sort()).toEqual([
      'ActionsWithoutResourceScope',
      'EventSourceMappingsOfServiceFunctions',
    ])
    const byName = Object.fromEntries(unscoped.map((statement) => [statement.Sid, statement]))
    expect([...list(byName.ActionsWithoutResourceScope?.Action ?? [])].sort()).toEqual(
      [...WITHOUT_RESOURCE_SCOPE].sort(),
    )
    expect(byName.ActionsWithoutResourceScope?.Condition).toBeUndefined()
    expect(byName.EventSourceMappingsOfServiceFunctions?.Condition).toEqual({
      ArnLike: { 'lambda:FunctionArn': 'arn:aws:lambda:*:*:function:atlas-invite-revoker-*' },
    })
  })

  it('scopes every other resource to the service’s names (API ids and mapping ids are random: the API itself by its tag, its parts by nothing)', () => {
    const resources = policy.Statement.flatMap((statement) => list(statement.Resource)).filter(
      (resource) => resource !== '*',
    )
    expect(
      resources.filter((resource) => !resource.includes('atlas-invite-revoker-')).sort(),
    ).toEqual([
      'arn:aws:apigateway:*::/apis',
      'arn:aws:apigateway:*::/apis/*',
      'arn:aws:apigateway:*::/apis/*/integrations*',
      'arn:aws:apigateway:*::/apis/*/routes*',
      'arn:aws:apigateway:*::/apis/*/stages*',
      'arn:aws:apigateway:*::/tags/*',
      'arn:aws:lambda:*:*:event-source-mapping:*',
    ])
    // The API itself: created, read, changed and deleted only with the service's tag.
    const tagged = policy.Statement.filter((statement) =>
      list(statement.Resource).some((resource) =>
        ['arn:aws:apigateway:*::/apis', 'arn:aws:apigateway:*::/apis/*'].includes(resource),
      ),
    )
    expect(tagged.map((statement) => statement.Condition)).toEqual([
      { StringLike: { [`aws:RequestTag/${STACK_TAG}`]: 'atlas-invite-revoker-*' } },
      { StringLike: { [`aws:ResourceTag/${STACK_TAG}`]: 'atlas-invite-revoker-*' } },
    ])
  })

  describe.each(['default', 'optional'] as const)('against the %s packaged template', (variant) => {
    it('knows every resource type in it', () => {
      const template = templates[variant]
      const types = new Set(Object.values(template.Resources).map((resource) => resource.Type))
      expect(types.size).toBeGreaterThanOrEqual(16)
      for (const id of Object.keys(template.Resources))
        expect(() => needsOf(id, template), id).not.toThrow()
    })

    it('allows everything CloudFormation calls to create, update, read and delete each resource', () => {
      const template = templates[variant]
      const refused = Object.keys(template.Resources).flatMap((id) =>
        refusedCalls(needsOf(id, template)).map((call) => `${id}: ${call}`),
      )
      expect(refused).toEqual([])
    })

    it('allows what osls itself calls to deploy and remove the stack', () => {
      expect(refusedCalls(oslsNeeds(templates[variant]))).toEqual([])
    })
  })

  it('checks the optional resources too: the Okta rule on the partner bus, its queue policy, the VPC', () => {
    const optional = templates.optional
    const types = Object.values(optional.Resources).map((resource) => resource.Type)
    expect(types).toEqual(expect.arrayContaining(['AWS::Events::Rule', 'AWS::SQS::QueuePolicy']))
    expect(needsOf('OktaLeaversRule', optional)[0]?.resource).toBe(
      `arn:aws:events:${REGION}:${ACCOUNT}:rule/aws.partner/okta.com/acme/leavers/atlas-invite-revoker-prod-OktaLeaversRule-k3j5x8q2m4wz`,
    )
    expect(needsOf('HttpLambdaFunction', optional).map((need) => need.resource)).toContain('*')
    // One role per function, each passed to its function only, none with a managed policy (the
    // VPC's network interface actions are inline): nothing to attach.
    const roles = Object.entries(optional.Resources).filter(
      ([, resource]) => resource.Type === 'AWS::IAM::Role',
    )
    expect(roles.map(([id]) => needsOf(id, optional)[0]?.resource)).toEqual(
      ['http', 'queue', 'sweep'].map(
        (name) => `arn:aws:iam::${ACCOUNT}:role/atlas-invite-revoker-prod-eu-west-1-${name}`,
      ),
    )
    for (const [id, role] of roles) {
      expect(role.Properties.ManagedPolicyArns, id).toBeUndefined()
      expect(needsOf(id, optional).flatMap((need) => need.actions)).not.toContain(
        'iam:AttachRolePolicy',
      )
    }
    for (const name of ['Http', 'Queue', 'Sweep'])
      expect(needsOf(`${name}LambdaFunction`, optional)[1]?.resource).toBe(
        `arn:aws:iam::${ACCOUNT}:role/atlas-invite-revoker-prod-eu-west-1-${name.toLowerCase()}`,
      )
  })

  it.each([
    ['iam:CreateRole', `arn:aws:iam::${ACCOUNT}:role/admin`, {}],
    ['iam:PutRolePolicy', `arn:aws:iam::${ACCOUNT}:role/payroll-app`, {}],
    [
      'iam:PassRole',
      `arn:aws:iam::${ACCOUNT}:role/atlas-invite-revoker-prod-eu-west-1-http`,
      { 'iam:PassedToService': 'ec2.amazonaws.com' },
    ],
    [
      'iam:AttachRolePolicy',
      `arn:aws:iam::${ACCOUNT}:role/atlas-invite-revoker-prod-eu-west-1-queue`,
      { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' },
    ],
    [
      'iam:AttachRolePolicy',
      `arn:aws:iam::${ACCOUNT}:role/atlas-invite-revoker-prod-eu-west-1-http`,
      { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole' },
    ],
    ['apigateway:POST', `arn:aws:apigateway:${REGION}::/apis`, {}],
    [
      'apigateway:POST',
      `arn:aws:apigateway:${REGION}::/apis`,
      { [`aws:RequestTag/${STACK_TAG}`]: 'payroll-prod' },
    ],
    ['apigateway:DELETE', `arn:aws:apigateway:${REGION}::/apis/p4yr011api`, {}],
    [
      'apigateway:PATCH',
      `arn:aws:apigateway:${REGION}::/apis/p4yr011api`,
      { [`aws:ResourceTag/${STACK_TAG}`]: 'payroll-prod' },
    ],
    ['apigateway:DELETE', `arn:aws:apigateway:${REGION}::/domainnames/api.example.com`, {}],
    ['apigateway:DELETE', `arn:aws:apigateway:${REGION}::/restapis/p4yr011api`, {}],
    ['iam:CreatePolicy', '*', {}],
    ['lambda:UpdateFunctionCode', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:payroll`, {}],
    [
      'lambda:InvokeFunction',
      `arn:aws:lambda:${REGION}:${ACCOUNT}:function:atlas-invite-revoker-prod-http`,
      {},
    ],
    [
      'lambda:CreateEventSourceMapping',
      '*',
      { 'lambda:FunctionArn': `arn:aws:lambda:${REGION}:${ACCOUNT}:function:payroll` },
    ],
    ['sqs:DeleteQueue', `arn:aws:sqs:${REGION}:${ACCOUNT}:payroll-jobs`, {}],
    ['sqs:SendMessage', `arn:aws:sqs:${REGION}:${ACCOUNT}:atlas-invite-revoker-prod-revoke`, {}],
    [
      'sqs:ReceiveMessage',
      `arn:aws:sqs:${REGION}:${ACCOUNT}:atlas-invite-revoker-prod-revoke-dlq`,
      {},
    ],
    ['sns:Publish', `arn:aws:sns:${REGION}:${ACCOUNT}:atlas-invite-revoker-prod-alarms`, {}],
    ['s3:PutObject', 'arn:aws:s3:::company-data/report.csv', {}],
    ['s3:DeleteBucket', 'arn:aws:s3:::atlas-invite-revoker-prod-exports', {}],
    [
      'cloudformation:DeleteStack',
      `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/payroll-prod/1`,
      {},
    ],
    [
      'logs:DeleteLogGroup',
      `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/payroll:*`,
      {},
    ],
    [
      'logs:DeleteLogGroup',
      `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/http-api/payroll-prod:*`,
      {},
    ],
    [
      'logs:GetLogEvents',
      `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/atlas-invite-revoker-prod-http:*`,
      {},
    ],
    ['secretsmanager:GetSecretValue', SECRET_ARN, {}],
    ['ec2:CreateSecurityGroup', '*', {}],
  ])('refuses %s on %s', (action, resource, context: RequestContext) => {
    expect(allowingStatement(action, resource, context)).toBeUndefined()
  })
})
