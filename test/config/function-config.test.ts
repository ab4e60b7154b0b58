import { describe, expect, it } from 'vitest'
import {
  allowlistOf,
  loadAllowedOrgIds,
  loadFunctionConfig,
  loadOrgScope,
  OrgScopeUnsetError,
} from '../../lib/config/function-config.ts'
import { ConfigurationError } from '../../lib/errors.ts'

const ORG = 'a0123456789abcdef012345a'
const base = { ATLAS_SECRET_ID: 'atlas', WEBHOOK_SECRET_ID: 'webhook' }

describe('loadFunctionConfig', () => {
  it('applies the defaults', () => {
    expect(loadFunctionConfig(base, 'http')).toEqual({
      atlasSecretId: 'atlas',
      webhookSecretId: 'webhook',
      atlasOrigin: 'https://cloud.mongodb.com',
      atlasApi: 'v1',
      orgScope: { kind: 'unset' },
      secretTtlSeconds: 300,
      allowUnauthenticatedDelete: false,
      queueConcurrency: 5,
      includeProjects: false,
      searchInvitationsApi: true,
      removeActiveMembers: false,
      protectedUsernames: new Set(),
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

  it('removes no member unless REMOVE_ACTIVE_MEMBERS is exactly true, and reads PROTECTED_USERNAMES strictly', () => {
    expect(loadFunctionConfig(base, 'queue')).toMatchObject({ removeActiveMembers: false })
    for (const value of ['true', ' TRUE '])
      expect(
        loadFunctionConfig({ ...base, REMOVE_ACTIVE_MEMBERS: value }, 'queue').removeActiveMembers,
      ).toBe(true)
    for (const value of ['false', ''])
      expect(
        loadFunctionConfig({ ...base, REMOVE_ACTIVE_MEMBERS: value }, 'queue').removeActiveMembers,
      ).toBe(false)
    for (const value of ['yes', '1', 'on'])
      expect(() => loadFunctionConfig({ ...base, REMOVE_ACTIVE_MEMBERS: value }, 'queue')).toThrow(
        'REMOVE_ACTIVE_MEMBERS must be true or false',
      )
    expect(
      loadFunctionConfig(
        { ...base, PROTECTED_USERNAMES: ' Owner@Example.com, ,breakglass@example.com ' },
        'http',
      ).protectedUsernames,
    ).toEqual(new Set(['owner@example.com', 'breakglass@example.com']))
    // A typo must not leave someone unprotected: the whole configuration is refused.
    expect(() =>
      loadFunctionConfig(
        { ...base, PROTECTED_USERNAMES: 'owner@example.com admin@example.com' },
        'http',
      ),
    ).toThrow(
      'PROTECTED_USERNAMES entries must each be an email address (bad: "owner@example.com admin@example.com")',
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
    expect(config.orgScope).toEqual({
      kind: 'listed',
      orgIds: new Set([ORG, 'b0123456789abcdef012345b']),
    })
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

describe('ALLOWED_ORG_IDS: the organization scope', () => {
  const OTHER = 'b0123456789abcdef012345b'

  it('is unset when unset or empty: the functions act nowhere, and say what to set', () => {
    for (const value of [undefined, '', '  '])
      expect(loadOrgScope(value), String(value)).toEqual({ kind: 'unset' })
    expect(loadFunctionConfig(base, 'queue').orgScope).toEqual({ kind: 'unset' })
    expect(() => allowlistOf({ kind: 'unset' })).toThrow(OrgScopeUnsetError)
    const error = new OrgScopeUnsetError()
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error.setting).toBe('ALLOWED_ORG_IDS')
    expect(error.message).toBe(
      'ALLOWED_ORG_IDS is not set, so this deployment acts in no organization: set it to a comma list of organization ids, or to * for every organization the Atlas key can see',
    )
  })

  it('is every organization the key can see for *, said explicitly', () => {
    for (const value of ['*', ' * ', '*,'])
      expect(loadOrgScope(value), value).toEqual({ kind: 'every' })
    expect(allowlistOf({ kind: 'every' })).toBeUndefined()
    expect(loadFunctionConfig({ ...base, ALLOWED_ORG_IDS: '*' }, 'http').orgScope).toEqual({
      kind: 'every',
    })
  })

  it('is the organizations listed, as before', () => {
    const scope = loadOrgScope(`${ORG}, ${OTHER}`)
    expect(scope).toEqual({ kind: 'listed', orgIds: new Set([ORG, OTHER]) })
    expect(allowlistOf(scope)).toEqual(new Set([ORG, OTHER]))
  })

  it('refuses * next to ids, and a value listing no id, at load', () => {
    for (const value of [`*,${ORG}`, `${ORG},*`, '*,*'])
      expect(() => loadOrgScope(value), value).toThrow(
        `ALLOWED_ORG_IDS mixes * with organization ids (got ${JSON.stringify(value)})`,
      )
    expect(() => loadFunctionConfig({ ...base, ALLOWED_ORG_IDS: `*,${ORG}` }, 'http')).toThrow(
      'configuration is invalid: ALLOWED_ORG_IDS mixes * with organization ids',
    )
    for (const value of [',', ' , ', ',,,'])
      expect(() => loadOrgScope(value), value).toThrow('ALLOWED_ORG_IDS lists no organization id')
  })

  it('keeps the CLI’s reading: unset (or *) is every organization the key sees', () => {
    expect(loadAllowedOrgIds(undefined)).toBeUndefined()
    expect(loadAllowedOrgIds('')).toBeUndefined()
    expect(loadAllowedOrgIds('*')).toBeUndefined()
    expect(loadAllowedOrgIds(ORG)).toEqual(new Set([ORG]))
    expect(() => loadAllowedOrgIds(`*,${ORG}`)).toThrow('ALLOWED_ORG_IDS mixes *')
  })
})
