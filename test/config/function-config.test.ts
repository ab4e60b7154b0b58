import { describe, expect, it } from 'vitest'
import { loadFunctionConfig } from '../../lib/config/function-config.ts'

const ORG = 'a0123456789abcdef012345a'
const base = { ATLAS_SECRET_ID: 'atlas', WEBHOOK_SECRET_ID: 'webhook' }

describe('loadFunctionConfig', () => {
  it('applies the defaults', () => {
    expect(loadFunctionConfig(base, 'http')).toEqual({
      atlasSecretId: 'atlas',
      webhookSecretId: 'webhook',
      atlasOrigin: 'https://cloud.mongodb.com',
      atlasApi: 'v1',
      allowedOrgIds: undefined,
      secretTtlSeconds: 300,
      allowUnauthenticatedDelete: false,
      queueConcurrency: 5,
      includeProjects: false,
      searchInvitationsApi: true,
      revokeQueueUrl: undefined,
      oktaSecretId: undefined,
      trustedHandoverSender: undefined,
      ledgerTable: undefined,
      ledgerRetentionDays: 400,
      idempotencyTable: undefined,
      recheckDays: 30,
      sweepBatch: 200,
    })
  })

  it('reads the person-wide and Okta settings, and checks they go together', () => {
    const queue =
      'https://sqs.eu-west-1.amazonaws.com/123456789012/atlas-invite-revoker-prod-revoke'
    expect(
      loadFunctionConfig(
        {
          ...base,
          INCLUDE_PROJECT_INVITATIONS: 'true',
          REVOKE_QUEUE_URL: queue,
          OKTA_SECRET_ID: 'okta',
        },
        'http',
      ),
    ).toMatchObject({ includeProjects: true, revokeQueueUrl: queue, oktaSecretId: 'okta' })
    expect(() => loadFunctionConfig({ ...base, REVOKE_QUEUE_URL: 'revoke-queue' }, 'http')).toThrow(
      'REVOKE_QUEUE_URL must be an SQS queue URL',
    )
    expect(() => loadFunctionConfig({ ...base, OKTA_SECRET_ID: 'okta' }, 'http')).toThrow(
      'OKTA_SECRET_ID needs REVOKE_QUEUE_URL',
    )
  })

  it('allows the unauthenticated DELETE only under serverless-offline', () => {
    const inLambda = {
      ...base,
      AWS_LAMBDA_FUNCTION_NAME: 'atlas-invite-revoker-prod-http',
      LOCAL_DEV_ALLOW_UNAUTHENTICATED_DELETE: 'true',
    }
    expect(() => loadFunctionConfig(inLambda, 'http')).toThrow(
      'LOCAL_DEV_ALLOW_UNAUTHENTICATED_DELETE may be true only under serverless-offline (IS_OFFLINE)',
    )
    // Real Lambda says so itself, whatever IS_OFFLINE claims.
    expect(() =>
      loadFunctionConfig(
        { ...inLambda, IS_OFFLINE: 'true', AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' },
        'http',
      ),
    ).toThrow('may be true only under serverless-offline')
    expect(loadFunctionConfig({ ...inLambda, IS_OFFLINE: 'true' }, 'http')).toMatchObject({
      allowUnauthenticatedDelete: true,
    })
  })

  it('reads every setting', () => {
    const config = loadFunctionConfig(
      {
        ...base,
        ATLAS_BASE_URL: 'http://127.0.0.1:8090',
        ALLOWED_ORG_IDS: ` ${ORG} ,b0123456789abcdef012345b,`,
        SECRET_TTL_SECONDS: '60',
        LOCAL_DEV_ALLOW_UNAUTHENTICATED_DELETE: 'true',
        IS_OFFLINE: 'true',
        QUEUE_CONCURRENCY: '2',
      },
      'http',
    )
    expect(config).toMatchObject({
      atlasOrigin: 'http://127.0.0.1:8090',
      secretTtlSeconds: 60,
      allowUnauthenticatedDelete: true,
      queueConcurrency: 2,
    })
    expect([...(config.allowedOrgIds ?? [])]).toEqual([ORG, 'b0123456789abcdef012345b'])
  })

  it('needs the webhook secret only for the HTTP function', () => {
    expect(
      loadFunctionConfig({ ATLAS_SECRET_ID: 'atlas' }, 'queue').webhookSecretId,
    ).toBeUndefined()
    expect(() => loadFunctionConfig({ ATLAS_SECRET_ID: 'atlas' }, 'http')).toThrow(
      'WEBHOOK_SECRET_ID is required',
    )
  })

  it('needs a ledger for the sweep, kept at least as long as the sweep looks back', () => {
    expect(() => loadFunctionConfig({ ATLAS_SECRET_ID: 'atlas' }, 'sweep')).toThrow(
      'LEDGER_TABLE is required by the sweep',
    )
    expect(
      loadFunctionConfig({ ATLAS_SECRET_ID: 'atlas', LEDGER_TABLE: 'ledger' }, 'sweep'),
    ).toMatchObject({
      ledgerTable: 'ledger',
      recheckDays: 30,
      ledgerRetentionDays: 400,
      sweepBatch: 200,
    })
    expect(() =>
      loadFunctionConfig(
        { ATLAS_SECRET_ID: 'atlas', LEDGER_TABLE: 'ledger', LEDGER_RETENTION_DAYS: '20' },
        'queue',
      ),
    ).toThrow('LEDGER_RETENTION_DAYS (20) is shorter than RECHECK_DAYS (30)')
  })

  it('reports every problem in one error', () => {
    expect(() =>
      loadFunctionConfig(
        {
          ATLAS_BASE_URL: 'http://atlas.example.com',
          ALLOWED_ORG_IDS: 'acme',
          SECRET_TTL_SECONDS: '-1',
          QUEUE_CONCURRENCY: '50',
          LOCAL_DEV_ALLOW_UNAUTHENTICATED_DELETE: 'yes',
        },
        'http',
      ),
    ).toThrow(
      'configuration is invalid: ATLAS_SECRET_ID is required; WEBHOOK_SECRET_ID is required; ATLAS_BASE_URL may use plain http only for a loopback host; ALLOWED_ORG_IDS entries must each be 24 lowercase hex digits (bad: acme); SECRET_TTL_SECONDS must be a whole number from 0 to 86400 (got "-1"); LOCAL_DEV_ALLOW_UNAUTHENTICATED_DELETE must be true or false (got "yes"); QUEUE_CONCURRENCY must be a whole number from 1 to 10 (got "50")',
    )
  })
})
