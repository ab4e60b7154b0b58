/**
 * `npm run package` builds the CloudFormation template offline, with dummy credentials; these
 * assertions read the template AWS would get.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deployedNodeOptions } from '../../bench/cold/bundles.ts'
import { unzip } from '../../bench/cold/unzip.ts'
import {
  idempotencyTableDefinition,
  ledgerTableDefinition,
} from '../../dev/local-stack/local-dynamodb.ts'
import { onePackagingAtATime } from '../support/one-packaging-at-a-time.ts'
import { runCommand } from '../support/run-command.ts'

const run = promisify(execFile)
const ATLAS_ARN = 'arn:aws:secretsmanager:eu-west-1:210987654321:secret:prod/atlas-api-key-Ab12Cd'
const WEBHOOK_ARN =
  'arn:aws:secretsmanager:eu-west-1:210987654321:secret:prod/webhook-secret-Ef34Gh'

const OKTA_ARN = 'arn:aws:secretsmanager:eu-west-1:210987654321:secret:prod/okta-hook-Ij56Kl'
const ALLOWED_ORG_IDS = 'a0123456789abcdef012345a,d0123456789abcdef012345d'

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
let template: Template
let resources: Record<string, Resource>
let outputs: Record<string, unknown>
let outDir: string
/** The same stack with every optional parameter set (Okta, EventBridge, VPC, member removal). */
let optional: Template
const folders: string[] = []

async function packageStack(
  params: readonly string[] = [],
  allowedOrgIds = ALLOWED_ORG_IDS,
): Promise<Template> {
  const dir = mkdtempSync(join(tmpdir(), 'sls-package-'))
  folders.push(dir)
  await onePackagingAtATime(() =>
    runCommand('npm', ['run', '-s', 'package', '--', '--package', dir, ...params], {
      env: {
        ...process.env,
        STAGE: 'prod',
        REGION: 'eu-west-1',
        ATLAS_SECRET_ARN: ATLAS_ARN,
        WEBHOOK_SECRET_ARN: WEBHOOK_ARN,
        ALLOWED_ORG_IDS: allowedOrgIds,
        ESBUILD_WORK_FOLDER: '.esbuild-package-test',
      },
      timeout: 240_000,
    }),
  )
  outDir = outDir ?? dir
  return JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'))
}

beforeAll(async () => {
  template = await packageStack()
  resources = template.Resources
  outputs = template.Outputs
  optional = await packageStack(
    [
      `--param=oktaSecretArn=${OKTA_ARN}`,
      '--param=oktaEventBusName=aws.partner/okta.com/acme/leavers',
      '--param=vpc=on',
      '--param=vpcSubnetIds=subnet-0a1,subnet-0b2',
      '--param=vpcSecurityGroupIds=sg-0c3',
      '--param=removeActiveMembers=true',
      '--param=protectedUsernames=owner@example.com,breakglass@example.com',
    ],
    // Every organization the key sees, said explicitly; a shell must not expand it.
    '*',
  )
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

describe('npm run package', () => {
  // serverless-esbuild stages each zip in a folder of os.tmpdir() that it never removes.
  it("stages its zips in the work folder's tmp, which the next build clears, not in /tmp", () => {
    const staged = readdirSync('.esbuild-package-test/tmp')
    expect(staged.map((name) => name.split('-')[0]).sort()).toEqual(['http', 'queue', 'sweep'])
    for (const name of staged) expect(existsSync(join(tmpdir(), name))).toBe(false)
  })
})

describe("the preload the functions' NODE_OPTIONS name, unpacked from the zip", () => {
  const parkedKey = "Symbol.for('atlas-invite-revoker.parked-early-connection')"
  /** Runs `node -e` as Lambda would start the runtime: what the preload left, and the server's view. */
  async function startWithPreload(fn: 'http' | 'queue', env: Record<string, string>) {
    const root = mkdtempSync(join(tmpdir(), 'preload-task-'))
    folders.push(root)
    unzip(join(outDir, `${fn}.zip`), root)
    const nodeOptions = deployedNodeOptions(
      join(outDir, 'cloudformation-template-update-stack.json'),
      fn,
      root,
    )
    const received = { connections: 0, bytes: 0 }
    const sockets: Socket[] = []
    const server = createServer((socket) => {
      received.connections += 1
      sockets.push(socket)
      socket.on('data', (chunk) => {
        received.bytes += chunk.length
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as { port: number }
    try {
      const { stdout } = await run(
        process.execPath,
        ['-e', `process.stdout.write(JSON.stringify(globalThis[${parkedKey}]?.url ?? null))`],
        {
          env: {
            ...process.env,
            NODE_OPTIONS: nodeOptions,
            ATLAS_SECRET_ID: 'atlas-key',
            ALLOWED_ORG_IDS: ALLOWED_ORG_IDS,
            ATLAS_BASE_URL: `http://127.0.0.1:${port}`,
            ...env,
          },
          timeout: 20_000,
        },
      )
      await new Promise((resolve) => setTimeout(resolve, 50))
      return { parked: JSON.parse(stdout) as string | null, port, received }
    } finally {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }

  it('has the connect to Atlas under way before the first statement, sends nothing, and holds no process open', async () => {
    for (const fn of ['http', 'queue'] as const) {
      // The process ends on its own: a parked connection nobody takes keeps nothing alive.
      const { parked, port, received } = await startWithPreload(fn, {})
      expect(parked, fn).toBe(`http://127.0.0.1:${port}`)
      expect(received, fn).toEqual({ connections: 1, bytes: 0 })
    }
  })

  it('connects nowhere without a key, an organization scope or a URL it may connect to early, and never stops Node', async () => {
    for (const env of [
      { ATLAS_SECRET_ID: '' },
      { ALLOWED_ORG_IDS: ' ' },
      { ATLAS_BASE_URL: 'http://atlas.example.com' },
    ]) {
      const { parked, received } = await startWithPreload('queue', env)
      expect(parked).toBeNull()
      expect(received.connections).toBe(0)
    }
    // A URL that does not parse, or a port nothing listens on: Node starts all the same.
    expect((await startWithPreload('queue', { ATLAS_BASE_URL: 'https://[' })).parked).toBeNull()
    const refused = await startWithPreload('queue', { ATLAS_BASE_URL: 'http://127.0.0.1:1' })
    expect(refused.parked).toBe('http://127.0.0.1:1')
  })
})

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
      // The HTTP and queue functions preload the connect to Atlas, the sweep nothing.
      const environment = fn.Properties.Environment as { Variables: Record<string, string> }
      const name = String(fn.Properties.Handler).split('/')[1]
      expect(environment.Variables.NODE_OPTIONS).toBe(
        name === 'sweep' ? undefined : `--require /var/task/functions/${name}/preconnect.cjs`,
      )
    }
    for (const name of ['http', 'queue', 'sweep']) {
      const files = zipEntries(readFileSync(join(outDir, `${name}.zip`)))
      expect(files).toContain(`functions/${name}/index.mjs`)
      // The entry loads its chunks by relative import: they are all in its own folder.
      expect(files.every((file) => file.startsWith(`functions/${name}/`))).toBe(true)
      expect(files.filter((file) => file.endsWith('.map'))).toEqual([])
      // What NODE_OPTIONS requires is in the zip: without it, Node would not start at all.
      if (name === 'sweep') expect(files).not.toContain(`functions/${name}/preconnect.cjs`)
      else expect(files).toContain(`functions/${name}/preconnect.cjs`)
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

  it('alarms, all to the alarm topic, on HTTP function errors and 5xx answers, queue function errors and throttles, an offboarding waiting in the queue, a burst of refusals, a refused key, a not-found id, a skipped or unqueued leaver, a member removed or left in place, a reappeared leaver, a failed sweep and a deprecated API', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map((alarm) => alarm.Properties)
    expect(alarms).toHaveLength(16)
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }])
      expect(alarm).toMatchObject({ ComparisonOperator: 'GreaterThanThreshold' })
      expect(alarm.AlarmName).toMatch(/^atlas-invite-revoker-prod-/)
    }
    // Any one occurrence pages, but for the queue's age and a burst of refusals.
    expect(alarms.filter((alarm) => alarm.Threshold !== 0).map((alarm) => alarm.AlarmName)).toEqual(
      ['atlas-invite-revoker-prod-revoke-queue-age', 'atlas-invite-revoker-prod-refused-burst'],
    )
    const byMetric = (namespace: string, metric: string) =>
      alarms.find((alarm) => alarm.Namespace === namespace && alarm.MetricName === metric)
    const lambdaAlarms = (metric: string) =>
      alarms
        .filter((alarm) => alarm.Namespace === 'AWS/Lambda' && alarm.MetricName === metric)
        .map((alarm) => alarm.Dimensions)
    expect(lambdaAlarms('Errors')).toEqual([
      [{ Name: 'FunctionName', Value: { Ref: 'HttpLambdaFunction' } }],
      [{ Name: 'FunctionName', Value: { Ref: 'QueueLambdaFunction' } }],
      [{ Name: 'FunctionName', Value: { Ref: 'SweepLambdaFunction' } }],
    ])
    expect(lambdaAlarms('Throttles')).toEqual([
      [{ Name: 'FunctionName', Value: { Ref: 'QueueLambdaFunction' } }],
    ])
    expect(byMetric('AWS/ApiGateway', '5xx')?.Dimensions).toEqual([
      { Name: 'ApiId', Value: { Ref: 'HttpApi' } },
    ])
  })

  it('alarms on our own metrics for this stage only: the exact dimensions the functions emit, stage included', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map((alarm) => alarm.Properties)
    const ours = alarms.filter(
      (alarm) =>
        alarm.Namespace === 'AtlasInviteRevoker' ||
        JSON.stringify(alarm.Metrics ?? []).includes('AtlasInviteRevoker'),
    )
    expect(ours).toHaveLength(9)
    // Emitted without dimensions of their own (lib/audit/revocation-metrics.ts adds service and
    // stage to every metric): a staging deploy never pages for production.
    for (const metric of [
      'KeyRefused',
      'NotFound',
      'LeaverSkipped',
      'LeaverNotQueued',
      'MemberRemoved',
      'ActiveMember',
      'Reappeared',
      'DeprecationNotice',
    ]) {
      const alarm = ours.find((candidate) => candidate.MetricName === metric)
      expect(alarm?.Dimensions, metric).toEqual([
        { Name: 'service', Value: 'atlas-invite-revoker' },
        { Name: 'stage', Value: 'prod' },
      ])
      expect(alarm?.Statistic, metric).toBe('Sum')
    }
    const refused = ours.find((alarm) => alarm.Metrics)
    expect(JSON.stringify(refused?.Metrics)).toContain(`stage = 'prod'`)
  })

  it('alarms within a minute of any member removal, and within five of a member left in place, whether or not the opt-in is on', () => {
    for (const stack of [resources, optional.Resources]) {
      expect((stack.MemberRemovedAlarm as Resource).Properties).toMatchObject({
        AlarmName: 'atlas-invite-revoker-prod-member-removed',
        Namespace: 'AtlasInviteRevoker',
        MetricName: 'MemberRemoved',
        Statistic: 'Sum',
        Period: 60,
        Threshold: 0,
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: 'AlarmTopic' }],
      })
      expect((stack.ActiveMemberAlarm as Resource).Properties).toMatchObject({
        AlarmName: 'atlas-invite-revoker-prod-active-member',
        Namespace: 'AtlasInviteRevoker',
        MetricName: 'ActiveMember',
        Statistic: 'Sum',
        Period: 300,
        Threshold: 0,
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: 'AlarmTopic' }],
      })
    }
  })

  it('removes no member unless removeActiveMembers=true, and passes the setting and protectedUsernames to the HTTP and queue functions only', () => {
    const variables = (stack: Record<string, Resource>, name: string) =>
      ((stack[name] as Resource).Properties.Environment as { Variables: Record<string, unknown> })
        .Variables
    for (const name of ['HttpLambdaFunction', 'QueueLambdaFunction']) {
      expect(variables(resources, name), name).toMatchObject({
        REMOVE_ACTIVE_MEMBERS: 'false',
        PROTECTED_USERNAMES: '',
      })
      expect(variables(optional.Resources, name), name).toMatchObject({
        REMOVE_ACTIVE_MEMBERS: 'true',
        PROTECTED_USERNAMES: 'owner@example.com,breakglass@example.com',
      })
    }
    // The sweep never removes a member: it is not told to.
    for (const stack of [resources, optional.Resources]) {
      expect(variables(stack, 'SweepLambdaFunction').REMOVE_ACTIVE_MEMBERS).toBeUndefined()
      expect(variables(stack, 'SweepLambdaFunction').PROTECTED_USERNAMES).toBeUndefined()
    }
  })

  it('alarms when an offboarding has waited in the revoke queue longer than queueAgeAlarmSeconds (5 minutes)', () => {
    expect((resources.RevokeQueueAgeAlarm as Resource).Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['RevokeQueue', 'QueueName'] } }],
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 300,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    })
  })

  it('alarms on a burst of refused requests: Refused summed over every reason of this stage', () => {
    const alarm = (resources.RefusedBurstAlarm as Resource).Properties
    expect(alarm).toMatchObject({
      Threshold: 20,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      Metrics: [
        {
          Id: 'refused',
          ReturnData: true,
          Period: 300,
          // Metrics Insights: every series of Refused (one per reason) of this service and stage.
          Expression: `SELECT SUM(Refused) FROM "AtlasInviteRevoker" WHERE service = 'atlas-invite-revoker' AND stage = 'prod'`,
        },
      ],
    })
    expect(alarm.MetricName).toBeUndefined()
  })

  it('throttles every route of the HTTP API (50 rps, burst 100) and logs each request as JSON, kept as long as the function logs', () => {
    const stage = one('AWS::ApiGatewayV2::Stage').Properties
    expect(stage.DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: 50,
      ThrottlingBurstLimit: 100,
    })
    const accessLogs = stage.AccessLogSettings as { DestinationArn: unknown; Format: string }
    expect(accessLogs.DestinationArn).toEqual({ 'Fn::GetAtt': ['HttpApiLogGroup', 'Arn'] })
    const format = JSON.parse(accessLogs.Format) as Record<string, string>
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      routeKey: '$context.routeKey',
      status: '$context.status',
      responseLatency: '$context.responseLatency',
      integrationLatency: '$context.integrationLatency',
    })
    // Values API Gateway sets itself only: a caller's user agent or an error's text could break
    // the JSON of the line.
    for (const value of Object.values(format)) expect(value).toMatch(/^\$context\.[A-Za-z.]+$/)
    expect(JSON.stringify(format)).not.toMatch(/userAgent|ErrorMessage|error\.message/)
    expect((resources.HttpApiLogGroup as Resource).Properties).toEqual({
      LogGroupName: '/aws/http-api/atlas-invite-revoker-prod',
      RetentionInDays: 30,
    })
    // The tag the deployer policy manages the API by.
    expect(one('AWS::ApiGatewayV2::Api').Properties.Tags).toEqual({
      'atlas-invite-revoker:stack': 'atlas-invite-revoker-prod',
    })
  })

  it('reserves concurrency for the HTTP function (25), so a flood of webhooks starves neither the account nor the queue function', () => {
    expect((resources.HttpLambdaFunction as Resource).Properties.ReservedConcurrentExecutions).toBe(
      25,
    )
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

  it('gives each function a role of its own, which Lambda alone may assume, and no role to share', () => {
    const roles = Object.entries(resources).filter(
      ([, resource]) => resource.Type === 'AWS::IAM::Role',
    )
    expect(roles.map(([id]) => id)).toEqual([
      'HttpFunctionRole',
      'QueueFunctionRole',
      'SweepFunctionRole',
    ])
    expect(resources.IamRoleLambdaExecution).toBeUndefined()
    for (const name of ['Http', 'Queue', 'Sweep']) {
      const fn = resources[`${name}LambdaFunction`] as Resource
      expect(fn.Properties.Role, name).toEqual({ 'Fn::GetAtt': [`${name}FunctionRole`, 'Arn'] })
      const role = (resources[`${name}FunctionRole`] as Resource).Properties
      expect(role.RoleName).toBe(`atlas-invite-revoker-prod-eu-west-1-${name.toLowerCase()}`)
      expect(role.AssumeRolePolicyDocument).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: ['lambda.amazonaws.com'] },
            Action: ['sts:AssumeRole'],
          },
        ],
      })
      expect(role.ManagedPolicyArns).toBeUndefined()
      // Logs: its own function's log group only.
      expect(roleStatements(resources, `${name}FunctionRole`).always[0]).toEqual({
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: [{ 'Fn::GetAtt': [`${name}LogGroup`, 'Arn'] }],
      })
    }
  })

  it('grants GetSecretValue on exactly the secrets each function reads: the Atlas key to all, the webhook and Okta secrets to the HTTP function alone, never on *', () => {
    for (const template of [resources, optional.Resources]) {
      const secrets = (id: string) =>
        roleStatements(template, id).always.filter((statement) =>
          statement.Action.some((action) => action.startsWith('secretsmanager:')),
        )
      expect(secrets('HttpFunctionRole')).toEqual([
        {
          Effect: 'Allow',
          Action: ['secretsmanager:GetSecretValue'],
          Resource: [
            ATLAS_ARN,
            WEBHOOK_ARN,
            {
              'Fn::If': [
                'HasOktaSecret',
                template === resources ? '' : OKTA_ARN,
                { Ref: 'AWS::NoValue' },
              ],
            },
          ],
        },
      ])
      for (const id of ['QueueFunctionRole', 'SweepFunctionRole'])
        expect(secrets(id), id).toEqual([
          { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [ATLAS_ARN] },
        ])
    }
  })

  it('lets only the HTTP function send to the revoke queue and only the queue function consume it; the sweep touches no queue', () => {
    const sqs = (id: string) =>
      roleStatements(resources, id).always.filter((statement) =>
        statement.Action.some((action) => action.startsWith('sqs:')),
      )
    expect(sqs('HttpFunctionRole')).toEqual([
      {
        Effect: 'Allow',
        Action: ['sqs:SendMessage'],
        Resource: [{ 'Fn::GetAtt': ['RevokeQueue', 'Arn'] }],
      },
    ])
    // What the event source mapping needs, nothing to send with.
    expect(sqs('QueueFunctionRole')).toEqual([
      {
        Effect: 'Allow',
        Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        Resource: [{ 'Fn::GetAtt': ['RevokeQueue', 'Arn'] }],
      },
    ])
    expect(sqs('SweepFunctionRole')).toEqual([])
  })

  it('leaves the queue role unable to read the webhook or Okta secret, or to send to the revoke queue, even with Okta configured', () => {
    for (const template of [resources, optional.Resources]) {
      const { always, conditional } = roleStatements(template, 'QueueFunctionRole')
      const text = JSON.stringify([...always, ...conditional])
      for (const secret of [WEBHOOK_ARN, OKTA_ARN, 'HasOktaSecret'])
        expect(text).not.toContain(secret)
      const actions = [...always, ...conditional.map(({ statement }) => statement)].flatMap(
        (statement) => statement.Action,
      )
      expect(actions).not.toContain('sqs:SendMessage')
      expect(actions.filter((action) => action.startsWith('sqs:')).sort()).toEqual([
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:ReceiveMessage',
      ])
      expect(actions.filter((action) => action.startsWith('secretsmanager:'))).toEqual([
        'secretsmanager:GetSecretValue',
      ])
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
      IDEMPOTENCY_TABLE: 'atlas-invite-revoker-prod-idempotency',
    })
    const queue = (resources.QueueLambdaFunction as Resource).Properties.Environment as {
      Variables: Record<string, unknown>
    }
    // The queue function believes a hand-over's requester only from the HTTP function itself:
    // its own role, in the session named after it.
    expect(queue.Variables.TRUSTED_HANDOVER_SENDER).toEqual({
      'Fn::Join': [
        ':',
        [{ 'Fn::GetAtt': ['HttpFunctionRole', 'RoleId'] }, 'atlas-invite-revoker-prod-http'],
      ],
    })
    expect(queue.Variables.IDEMPOTENCY_TABLE).toBe('atlas-invite-revoker-prod-idempotency')
    for (const name of ['HttpLambdaFunction', 'QueueLambdaFunction', 'SweepLambdaFunction']) {
      const { Variables } = (resources[name] as Resource).Properties.Environment as {
        Variables: Record<string, unknown>
      }
      expect(Variables, name).toMatchObject({
        LEDGER_TABLE: 'atlas-invite-revoker-prod-ledger',
        LEDGER_RETENTION_DAYS: '400',
        // The organizations named at packaging, passed on as they are; the metrics' stage.
        ALLOWED_ORG_IDS,
        STAGE: 'prod',
      })
      const everywhere = (optional.Resources[name] as Resource).Properties.Environment as {
        Variables: Record<string, unknown>
      }
      expect(everywhere.Variables.ALLOWED_ORG_IDS, name).toBe('*')
    }
    const sweep = (resources.SweepLambdaFunction as Resource).Properties.Environment as {
      Variables: Record<string, unknown>
    }
    expect(sweep.Variables).toMatchObject({ RECHECK_DAYS: '30', SWEEP_BATCH: '200' })
    // The sweep has no use for the idempotency table, nor a grant on it.
    expect(sweep.Variables.IDEMPOTENCY_TABLE).toBeUndefined()
    const logGroups = ofType('AWS::Logs::LogGroup').map((group) => [
      group.Properties.LogGroupName,
      group.Properties.RetentionInDays,
    ])
    expect(logGroups).toEqual([
      ['/aws/lambda/atlas-invite-revoker-prod-http', 30],
      ['/aws/lambda/atlas-invite-revoker-prod-queue', 30],
      ['/aws/lambda/atlas-invite-revoker-prod-sweep', 30],
      ['/aws/http-api/atlas-invite-revoker-prod', 30],
    ])
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

  it('grants each function only the table actions it uses, on the tables and the one index the sweep queries', () => {
    const tables = (id: string) =>
      roleStatements(resources, id).always.filter((statement) =>
        statement.Action.some((action) => action.startsWith('dynamodb:')),
      )
    const ledger = [{ 'Fn::GetAtt': ['LedgerTable', 'Arn'] }]
    const idempotency = {
      Effect: 'Allow',
      Action: [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
      ],
      Resource: [{ 'Fn::GetAtt': ['IdempotencyTable', 'Arn'] }],
    }
    // A request and its markers in a batch, the leaver updated, markers read; Powertools
    // Idempotency's one item per delivery.
    for (const id of ['HttpFunctionRole', 'QueueFunctionRole'])
      expect(tables(id), id).toEqual([
        {
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'],
          Resource: ledger,
        },
        idempotency,
      ])
    // The sweep: its cursor put and read, its worklist queried, what it revokes recorded; no
    // idempotency table.
    expect(tables('SweepFunctionRole')).toEqual([
      {
        Effect: 'Allow',
        Action: [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:BatchWriteItem',
        ],
        Resource: ledger,
      },
      {
        Effect: 'Allow',
        Action: ['dynamodb:Query'],
        Resource: [
          { 'Fn::Join': ['/', [{ 'Fn::GetAtt': ['LedgerTable', 'Arn'] }, 'index', 'GSI2']] },
        ],
      },
    ])
    for (const id of ['HttpFunctionRole', 'QueueFunctionRole', 'SweepFunctionRole']) {
      const actions = tables(id).flatMap((statement) => statement.Action)
      expect(actions, id).not.toContain('dynamodb:Scan')
      expect(JSON.stringify(roleStatements(resources, id).always)).not.toMatch(/"\*"|:\*"/)
    }
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
    // Each role's network interface statement is there only with vpc=on.
    expect(template.Conditions.InVpc).toEqual({ 'Fn::Equals': ['off', 'on'] })
    for (const id of ['HttpFunctionRole', 'QueueFunctionRole', 'SweepFunctionRole'])
      expect(roleStatements(resources, id).conditional, id).toEqual([
        {
          condition: 'InVpc',
          statement: VPC_STATEMENT,
          otherwise: { Ref: 'AWS::NoValue' },
        },
      ])
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
    // The network interfaces Lambda makes for each function, in its own role: no managed
    // policy (AWSLambdaVPCAccessExecutionRole would allow writing to every log group).
    expect(optional.Conditions.InVpc).toEqual({ 'Fn::Equals': ['on', 'on'] })
    for (const id of ['HttpFunctionRole', 'QueueFunctionRole', 'SweepFunctionRole']) {
      expect(roleStatements(optional.Resources, id).conditional[0]?.statement, id).toEqual(
        VPC_STATEMENT,
      )
      expect(optional.Resources[id]?.Properties.ManagedPolicyArns, id).toBeUndefined()
    }
  })
})

describe('packaging without allowedOrgIds', () => {
  it('is refused, with an error that names allowedOrgIds: no organization scope is assumed', async () => {
    const osls = createRequire(import.meta.url).resolve('osls/bin/serverless.js')
    for (const missing of [[], ['--param=allowedOrgIds=']]) {
      const dir = mkdtempSync(join(tmpdir(), 'sls-package-refused-'))
      folders.push(dir)
      // osls itself, without `npm run package` and its demo organization: it stops while it
      // resolves serverless.yml, before anything is built.
      const failure = await run(
        process.execPath,
        [
          osls,
          'package',
          '--stage',
          'prod',
          '--region',
          'eu-west-1',
          '--package',
          dir,
          `--param=atlasSecretArn=${ATLAS_ARN}`,
          `--param=webhookSecretArn=${WEBHOOK_ARN}`,
          ...missing,
        ],
        {
          env: {
            ...process.env,
            AWS_ACCESS_KEY_ID: 'AKIDPACKAGE',
            AWS_SECRET_ACCESS_KEY: 'package-only',
            SLS_TELEMETRY_DISABLED: '1',
            ESBUILD_WORK_FOLDER: '.esbuild-package-test',
          },
          timeout: 60_000,
        },
      ).then(
        () => undefined,
        (error: { code?: number; stdout?: string; stderr?: string }) => error,
      )
      expect(failure?.code, missing.join(' ')).toBe(1)
      expect(`${failure?.stdout}${failure?.stderr}`).toContain(
        'Cannot resolve variable at "custom.allowedOrgIds"',
      )
      expect(existsSync(join(dir, 'cloudformation-template-update-stack.json'))).toBe(false)
    }
    // Two osls starts: 5–10 s on a quiet machine, several times that on a loaded one.
  }, 120_000)
})

interface Statement {
  Effect: string
  Action: string[]
  Resource: unknown
}

/** A role's statements: those it always has, and those under a condition (`Fn::If`). */
function roleStatements(template: Record<string, Resource>, id: string) {
  const policies = (template[id] as Resource).Properties.Policies as {
    PolicyDocument: { Statement: unknown[] }
  }[]
  const all = policies.flatMap((policy) => policy.PolicyDocument.Statement)
  const always = all.filter(
    (statement): statement is Statement => !('Fn::If' in (statement as object)),
  )
  const conditional = all.flatMap((statement) => {
    const branches = (statement as { 'Fn::If'?: [string, Statement, unknown] })['Fn::If']
    return branches
      ? [{ condition: branches[0], statement: branches[1], otherwise: branches[2] }]
      : []
  })
  return { always, conditional }
}

/** What Lambda needs in a function's role to reach a VPC (EC2 scopes these to no resource). */
const VPC_STATEMENT = {
  Effect: 'Allow',
  Action: [
    'ec2:CreateNetworkInterface',
    'ec2:DescribeNetworkInterfaces',
    'ec2:DescribeSubnets',
    'ec2:DeleteNetworkInterface',
    'ec2:AssignPrivateIpAddresses',
    'ec2:UnassignPrivateIpAddresses',
  ],
  Resource: '*',
}

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
