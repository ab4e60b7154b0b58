/**
 * What a warm Lambda container keeps between invocations, for either trigger: validated
 * settings, the revoke settings (the Atlas client with one keep-alive pool and nonce cache per
 * origin, the credentials behind the secrets cache, the API in use, the allowlist). Without an
 * organization scope (ALLOWED_ORG_IDS unset) there are no revoke settings to have: the
 * container acts in no organization, and says so once, at INIT (`madeAtInit`).
 */
import type { Logger } from '@aws-lambda-powertools/logger'
import type { Dispatcher } from 'undici'
import { AtlasClient, type DeprecationNotice, firstNoticeOnly } from '../atlas/http/index.ts'
import { describeError } from '../audit/describe-error.ts'
import {
  allowlistOf,
  EVERY_ORG,
  type FunctionConfig,
  type OrgScope,
} from '../config/function-config.ts'
import { secretCredentials } from '../credentials/credential-sources.ts'
import { CachedSecrets, type SecretReader } from '../credentials/secret-cache.ts'
import { ConfigurationError } from '../errors.ts'
import { DynamoDb } from '../ledger/dynamodb-client.ts'
import { Ledger } from '../ledger/ledger.ts'
import type { RevokeSettings } from '../revoke/revoke.ts'
import { dynamoDbRepeats, type Repeats } from './repeats.ts'

/** How long a delivery is remembered across containers: a day of SQS and Okta redeliveries. */
export const REPEAT_WINDOW_SECONDS = 24 * 60 * 60

export interface Container {
  readonly config: FunctionConfig
  /**
   * The revoke settings for the organizations of ALLOWED_ORG_IDS; throws `OrgScopeUnsetError`
   * while it is unset, so no request reaches Atlas without a scope.
   */
  revokeSettings(): RevokeSettings
  /** Secrets Manager values, cached for SECRET_TTL_SECONDS. */
  readonly secrets: SecretReader
  /** Every revoke request, recorded before its answer (LEDGER_TABLE); absent: none is. */
  readonly ledger: Ledger | undefined
  /** Repeats recognized by every container (IDEMPOTENCY_TABLE); absent: by this one only. */
  readonly repeats: Repeats | undefined
}

export interface ContainerOverrides {
  /** Default: Secrets Manager through the AWS SDK, cached for SECRET_TTL_SECONDS. */
  readonly secrets?: SecretReader
  /** Default: the process-wide dispatcher for the Atlas origin. */
  readonly dispatcher?: Dispatcher
  /** Told (once) when Atlas marks the API in use deprecated. */
  readonly onDeprecation?: (notice: DeprecationNotice) => void
  /** The ledger and repeat check the INIT head start warmed (default: made here). */
  readonly tables?: Tables
}

/** What a container keeps in DynamoDB, if its settings name the tables. */
export interface Tables {
  readonly ledger: Ledger | undefined
  readonly repeats: Repeats | undefined
}

/** The ledger (LEDGER_TABLE) and the repeat check (IDEMPOTENCY_TABLE), on one DynamoDB client. */
export function tablesFor(
  config: Pick<FunctionConfig, 'ledgerTable' | 'idempotencyTable'>,
): Tables {
  const dynamo = new DynamoDb()
  return {
    ledger: config.ledgerTable ? new Ledger(config.ledgerTable, dynamo) : undefined,
    repeats: config.idempotencyTable
      ? dynamoDbRepeats(config.idempotencyTable, REPEAT_WINDOW_SECONDS, dynamo)
      : undefined,
  }
}

export function createContainer(
  config: FunctionConfig,
  overrides: ContainerOverrides = {},
): Container {
  const secrets = overrides.secrets ?? new CachedSecrets({ ttlSeconds: config.secretTtlSeconds })
  const atlas = new AtlasClient({
    origin: config.atlasOrigin,
    ...(overrides.dispatcher ? { dispatcher: overrides.dispatcher } : {}),
    ...(overrides.onDeprecation ? { onDeprecation: firstNoticeOnly(overrides.onDeprecation) } : {}),
  })
  const { ledger, repeats } = overrides.tables ?? tablesFor(config)
  const settings: Omit<RevokeSettings, 'allowedOrgIds'> = {
    dependencies: { atlas, credentials: secretCredentials(secrets, config.atlasSecretId) },
    api: config.atlasApi,
    includeProjects: config.includeProjects,
    searchInvitationsApi: config.searchInvitationsApi,
    removeActiveMembers: config.removeActiveMembers,
    protectedUsernames: config.protectedUsernames,
    ...(ledger ? { revokedBefore: (orgId, id) => ledger.revokedBefore(orgId, id) } : {}),
  }
  return {
    config,
    secrets,
    ledger,
    repeats,
    revokeSettings: () => ({ ...settings, allowedOrgIds: allowlistOf(config.orgScope) }),
  }
}

/**
 * Throws `OrgScopeUnsetError` while ALLOWED_ORG_IDS is unset: for work that must not start
 * (read a queue record, page the ledger) in a container that acts in no organization.
 */
export function requireOrgScope(config: Pick<FunctionConfig, 'orgScope'>): void {
  allowlistOf(config.orgScope)
}

/** What each function does instead of acting, while ALLOWED_ORG_IDS is unset. */
const WITHOUT_SCOPE: Readonly<Record<'http' | 'queue' | 'sweep', string>> = {
  http: 'webhook and DELETE requests are answered 503 and nothing reaches Atlas',
  queue: 'queue records are not acked (they stay on the queue) and nothing reaches Atlas',
  sweep: 'the sweep re-checks no one and fails',
}

/**
 * Says once, when a container starts, where it acts: an ERROR line while ALLOWED_ORG_IDS is
 * unset (it acts in no organization, and why), an INFO line otherwise.
 */
export function announceOrgScope(
  logger: Logger,
  scope: OrgScope,
  trigger: 'http' | 'queue' | 'sweep',
): void {
  if (scope.kind === 'unset')
    logger.error('ALLOWED_ORG_IDS is not set: this function acts in no organization', {
      setting: 'ALLOWED_ORG_IDS',
      consequence: WITHOUT_SCOPE[trigger],
      fix: `set ALLOWED_ORG_IDS to a comma list of organization ids, or to ${EVERY_ORG} for every organization the key can see`,
    })
  else if (scope.kind === 'every')
    logger.info(
      `organization scope: every organization the key can see (ALLOWED_ORG_IDS=${EVERY_ORG})`,
    )
  else
    logger.info('organization scope: the organizations of ALLOWED_ORG_IDS', {
      orgIds: [...scope.orgIds],
    })
}

/**
 * `build`'s result, made on first use and kept: a bad setting fails every invocation the same
 * way with the same message, and a good one is read once per container.
 */
export function onFirstUse<T>(build: () => T): () => T {
  let built: { value: T } | { error: unknown } | undefined
  return () => {
    if (!built) {
      try {
        built = { value: build() }
      } catch (error) {
        built = { error }
      }
    }
    if ('error' in built) throw built.error
    return built.value
  }
}

/**
 * `onFirstUse`, first used at once: made while the function is created (Lambda's INIT), so a
 * container says where it acts before its first event. A bad setting is kept, every invocation
 * throws it, and `onFailure` hears of it now (to say so at INIT); INIT itself never fails.
 */
export function madeAtInit<T>(build: () => T, onFailure: (error: unknown) => void): () => T {
  const made = onFirstUse(build)
  try {
    made()
  } catch (error) {
    onFailure(error)
  }
  return made
}

/**
 * Says at INIT, as an ERROR, why the function cannot serve a single event: the setting and its
 * problem for a bad setting (messages of ours, which never carry a secret).
 */
export function announceStartFailure(logger: Logger, error: unknown): void {
  if (error instanceof ConfigurationError)
    logger.error(`${error.setting} is not valid: every event fails until it is fixed`, {
      setting: error.setting,
      problem: error.problem,
    })
  else
    logger.error('the function could not start: every event fails', { error: describeError(error) })
}

/**
 * What the writes after a revocation (the ledger, a hand-over) leave of Lambda's time: the
 * revocation stops a second early for them, and they stop this much before the end.
 */
export const ANSWER_MS = 200

/** The deadline for one invocation: what Lambda leaves us, less a margin to answer in. */
export function invocationDeadline(
  remainingMs: number,
  now = Date.now(),
  marginMs = 1_000,
): number {
  return now + Math.max(0, remainingMs - marginMs)
}
