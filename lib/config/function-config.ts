/**
 * The Lambda functions' settings, read from the environment once per cold start. Every problem
 * is reported in one error that names each setting and what it must be.
 */
import {
  ATLAS_ID_PATTERN,
  ATLAS_ID_RULE,
  type AtlasApi,
  emailAddress,
  parseAtlasApi,
  type Username,
} from '../atlas/api/index.ts'
import { atlasOrigin } from '../atlas/http/index.ts'
import { ConfigurationError } from '../errors.ts'

export interface FunctionConfig {
  /** Secrets Manager id of `{"publicKey","privateKey"}`. */
  readonly atlasSecretId: string
  /** Secrets Manager id of the `whsec_…` webhook secret; required by the HTTP function. */
  readonly webhookSecretId: string | undefined
  readonly atlasOrigin: string
  /** Which Atlas API revokes: `v1` (default), `v2` or `users`. */
  readonly atlasApi: AtlasApi
  /**
   * Where the functions may act (ALLOWED_ORG_IDS): nowhere while it is unset, every
   * organization the key can see for `*`, or the organizations listed.
   */
  readonly orgScope: OrgScope
  readonly secretTtlSeconds: number
  /** Local development only: serve the DELETE route without an IAM authorizer context. */
  readonly allowUnauthenticatedDelete: boolean
  /** Queue records revoked at the same time. */
  readonly queueConcurrency: number
  /** Search a person's project invitations too (INCLUDE_PROJECT_INVITATIONS). */
  readonly includeProjects: boolean
  /**
   * Users mode: look at the invitations API too (SEARCH_INVITATIONS_API, default true), for
   * invitations made through it and project invitations; false after its sunset.
   */
  readonly searchInvitationsApi: boolean
  /**
   * REMOVE_ACTIVE_MEMBERS (default false): a person's request also removes their active
   * membership of each organization searched, within the guardrails. The HTTP and queue
   * functions only: the sweep never removes a member.
   */
  readonly removeActiveMembers: boolean
  /** PROTECTED_USERNAMES: members never removed, whatever REMOVE_ACTIVE_MEMBERS says. */
  readonly protectedUsernames: ReadonlySet<Username>
  /** HTTP function: the revoke queue, for Okta's leavers and webhooks that could not finish now. */
  readonly revokeQueueUrl: string | undefined
  /** HTTP function: Secrets Manager id of the Okta event hook's Authorization value; unset turns /okta/events off. */
  readonly oktaSecretId: string | undefined
  /**
   * Queue function: the role id (`AROA…`) of the HTTP function, whose hand-overs' `requestedBy`
   * attribute is believed (TRUSTED_HANDOVER_SENDER); unset, no message's claim is.
   */
  readonly trustedHandoverSender: string | undefined
  /** The ledger's DynamoDB table (LEDGER_TABLE); unset: nothing is recorded (said at INIT). */
  readonly ledgerTable: string | undefined
  /** Days the ledger keeps an item (LEDGER_RETENTION_DAYS, default 400), by DynamoDB's TTL. */
  readonly ledgerRetentionDays: number
  /** Powertools Idempotency's table (IDEMPOTENCY_TABLE): repeats are recognized by every container. */
  readonly idempotencyTable: string | undefined
  /** The sweep: people offboarded in the last RECHECK_DAYS (default 30) are looked for again. */
  readonly recheckDays: number
  /** The sweep: leavers re-checked per run at most (SWEEP_BATCH, default 200). */
  readonly sweepBatch: number
}

type Environment = Readonly<Record<string, string | undefined>>

export function loadFunctionConfig(
  env: Environment,
  trigger: 'http' | 'queue' | 'sweep',
): FunctionConfig {
  const problems: string[] = []
  const attempt = <T>(read: () => T, fallback: T): T => {
    try {
      return read()
    } catch (error) {
      problems.push((error as Error).message)
      return fallback
    }
  }
  const required = (name: string) => {
    const value = env[name]?.trim()
    if (!value) throw new ConfigurationError(name, 'is required')
    return value
  }
  const config: FunctionConfig = {
    atlasSecretId: attempt(() => required('ATLAS_SECRET_ID'), ''),
    webhookSecretId:
      trigger === 'http' ? attempt(() => required('WEBHOOK_SECRET_ID'), '') : env.WEBHOOK_SECRET_ID,
    atlasOrigin: attempt(() => atlasOrigin(env.ATLAS_BASE_URL), ''),
    atlasApi: attempt(() => parseAtlasApi(env.ATLAS_API), 'v1'),
    orgScope: attempt(() => loadOrgScope(env.ALLOWED_ORG_IDS), NO_ORG_SCOPE),
    secretTtlSeconds: attempt(() => integer(env, 'SECRET_TTL_SECONDS', 300, 0, 86_400), 300),
    allowUnauthenticatedDelete: attempt(() => localOnlyFlag(env), false),
    queueConcurrency: attempt(() => integer(env, 'QUEUE_CONCURRENCY', 5, 1, 10), 5),
    includeProjects: attempt(() => flag(env, 'INCLUDE_PROJECT_INVITATIONS'), false),
    searchInvitationsApi: attempt(() => searchInvitationsApi(env), true),
    removeActiveMembers: attempt(() => flag(env, 'REMOVE_ACTIVE_MEMBERS'), false),
    protectedUsernames: attempt(() => loadProtectedUsernames(env.PROTECTED_USERNAMES), new Set()),
    revokeQueueUrl: attempt(() => queueUrl(env.REVOKE_QUEUE_URL), undefined),
    oktaSecretId: optional(env.OKTA_SECRET_ID),
    trustedHandoverSender: optional(env.TRUSTED_HANDOVER_SENDER),
    ledgerTable: optional(env.LEDGER_TABLE),
    ledgerRetentionDays: attempt(() => ledgerRetentionDays(env), DEFAULT_RETENTION_DAYS),
    idempotencyTable: optional(env.IDEMPOTENCY_TABLE),
    recheckDays: attempt(() => integer(env, 'RECHECK_DAYS', 30, 1, 365), 30),
    sweepBatch: attempt(() => integer(env, 'SWEEP_BATCH', 200, 1, 5_000), 200),
  }
  const projectsProblem = projectsWithoutInvitationsApi(config)
  if (projectsProblem) problems.push(projectsProblem)
  if (config.ledgerRetentionDays < config.recheckDays)
    problems.push(
      `LEDGER_RETENTION_DAYS (${config.ledgerRetentionDays}) is shorter than RECHECK_DAYS (${config.recheckDays}): leavers would expire before the sweep is done with them`,
    )
  if (trigger === 'sweep' && !config.ledgerTable)
    problems.push(
      'LEDGER_TABLE is required by the sweep: it re-checks the leavers the ledger holds',
    )
  if (config.oktaSecretId && !config.revokeQueueUrl)
    problems.push(
      'OKTA_SECRET_ID needs REVOKE_QUEUE_URL: Okta leavers are handed to the revoke queue',
    )
  if (problems.length > 0)
    throw new ConfigurationError('configuration', `is invalid: ${problems.join('; ')}`)
  return config
}

function optional(value: string | undefined): string | undefined {
  const trimmed = value?.trim()
  return trimmed ? trimmed : undefined
}

function queueUrl(value: string | undefined): string | undefined {
  const url = optional(value)
  if (url === undefined) return undefined
  if (!/^https?:\/\/[^\s/]+\/\d{12}\/[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(url))
    throw new ConfigurationError(
      'REVOKE_QUEUE_URL',
      'must be an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>)',
    )
  return url
}

/**
 * `SEARCH_INVITATIONS_API`: `true` (default) or `false`. The setting means something in users
 * mode only; the invitations modes use that API anyway.
 */
export function searchInvitationsApi(env: Environment): boolean {
  const value = env.SEARCH_INVITATIONS_API?.trim()
  return value === undefined || value === '' ? true : flag(env, 'SEARCH_INVITATIONS_API')
}

/**
 * `PROTECTED_USERNAMES`: a comma list of usernames (email addresses, trimmed and lower-cased)
 * that are never removed as members; unset or empty: none. Any entry that is no email address
 * is refused, naming it: a typo must not leave someone unprotected.
 *
 * @example
 * loadProtectedUsernames(' Owner@Example.com, breakglass@example.com ')
 * // → Set { 'owner@example.com', 'breakglass@example.com' }
 */
export function loadProtectedUsernames(value: string | undefined): ReadonlySet<Username> {
  const entries = (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
  const bad = entries.filter((entry) => emailAddress(entry) === undefined)
  if (bad.length > 0)
    throw new ConfigurationError(
      'PROTECTED_USERNAMES',
      `entries must each be an email address (bad: ${bad.map((entry) => JSON.stringify(entry)).join(', ')})`,
    )
  return new Set(entries.map((entry) => emailAddress(entry) as Username))
}

/** How long the ledger keeps an item unless LEDGER_RETENTION_DAYS says otherwise. */
export const DEFAULT_RETENTION_DAYS = 400

/** `LEDGER_RETENTION_DAYS`: how long the ledger keeps an item (1 to 3650 days, default 400). */
export function ledgerRetentionDays(env: Environment): number {
  return integer(env, 'LEDGER_RETENTION_DAYS', DEFAULT_RETENTION_DAYS, 1, 3650)
}

/** Users mode finds project invitations only through the invitations API. */
export function projectsWithoutInvitationsApi(settings: {
  readonly atlasApi: AtlasApi
  readonly includeProjects: boolean
  readonly searchInvitationsApi: boolean
}): string | undefined {
  return settings.atlasApi === 'users' && settings.includeProjects && !settings.searchInvitationsApi
    ? 'INCLUDE_PROJECT_INVITATIONS=true needs SEARCH_INVITATIONS_API=true in users mode: project invitations are found only through the invitations API'
    : undefined
}

/**
 * Where a deployed function may act, from `ALLOWED_ORG_IDS`:
 *
 * - `unset`: nowhere (unset or empty). The functions refuse to act until it is set;
 * - `every`: `*`, every organization the Atlas key can see, said explicitly;
 * - `listed`: the organizations of a comma list of ids, and no other.
 */
export type OrgScope =
  | { readonly kind: 'unset' }
  | { readonly kind: 'every' }
  | { readonly kind: 'listed'; readonly orgIds: ReadonlySet<string> }

/** `ALLOWED_ORG_IDS`'s value for every organization the key can see. */
export const EVERY_ORG = '*'

const NO_ORG_SCOPE: OrgScope = { kind: 'unset' }

/**
 * `ALLOWED_ORG_IDS`: unset or empty is `unset`, `*` is `every`, a comma list of organization
 * ids is `listed`. A value that lists no id (`,`) is refused, since it would make a person's
 * search cover nothing, and so is `*` next to ids, which could mean either.
 *
 * @example
 * loadOrgScope(undefined)                     // → { kind: 'unset' }
 * loadOrgScope('*')                           // → { kind: 'every' }
 * loadOrgScope('a0123456789abcdef012345a, ')  // → { kind: 'listed', orgIds: Set { 'a012…' } }
 * loadOrgScope('*,a0123456789abcdef012345a')  // throws ConfigurationError
 */
export function loadOrgScope(value: string | undefined): OrgScope {
  if (value === undefined || value.trim() === '') return NO_ORG_SCOPE
  const ids = value
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean)
  if (ids.length === 0)
    throw new ConfigurationError(
      'ALLOWED_ORG_IDS',
      `lists no organization id (got ${JSON.stringify(value)}); name at least one, or ${EVERY_ORG} for every organization the key can see`,
    )
  if (ids.includes(EVERY_ORG)) {
    if (ids.length === 1) return { kind: 'every' }
    throw new ConfigurationError(
      'ALLOWED_ORG_IDS',
      `mixes ${EVERY_ORG} with organization ids (got ${JSON.stringify(value)}); use ${EVERY_ORG} alone for every organization the key can see, or list the ids only`,
    )
  }
  const bad = ids.filter((id) => !ATLAS_ID_PATTERN.test(id))
  if (bad.length > 0) {
    throw new ConfigurationError(
      'ALLOWED_ORG_IDS',
      `entries ${ATLAS_ID_RULE.replace('must be', 'must each be')} (bad: ${bad.join(', ')})`,
    )
  }
  return { kind: 'listed', orgIds: new Set(ids) }
}

/**
 * `ALLOWED_ORG_IDS` as the operator CLI reads it: the organizations listed, or `undefined` for
 * every organization the key can see (unset, empty or `*`). Refuses what `loadOrgScope` does.
 */
export function loadAllowedOrgIds(value: string | undefined): ReadonlySet<string> | undefined {
  const scope = loadOrgScope(value)
  return scope.kind === 'listed' ? scope.orgIds : undefined
}

/**
 * A deployed function asked to act while `ALLOWED_ORG_IDS` is unset: it acts in no
 * organization, and says what to set.
 */
export class OrgScopeUnsetError extends ConfigurationError {
  constructor() {
    super(
      'ALLOWED_ORG_IDS',
      `is not set, so this deployment acts in no organization: set it to a comma list of organization ids, or to ${EVERY_ORG} for every organization the Atlas key can see`,
    )
  }
}

/**
 * The organizations a deployed function may act in: the ids listed, or `undefined` for every
 * one the key can see (the revoke use case's allowlist). Throws `OrgScopeUnsetError` while
 * `ALLOWED_ORG_IDS` is unset, so nothing acts without a scope.
 */
export function allowlistOf(scope: OrgScope): ReadonlySet<string> | undefined {
  if (scope.kind === 'unset') throw new OrgScopeUnsetError()
  return scope.kind === 'listed' ? scope.orgIds : undefined
}

function integer(
  env: Environment,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = env[name]?.trim()
  if (value === undefined || value === '') return fallback
  const number = Number(value)
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new ConfigurationError(
      name,
      `must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`,
    )
  }
  return number
}

/**
 * `LOCAL_DEV_ALLOW_UNAUTHENTICATED_DELETE` serves the IAM route without an IAM caller. Only
 * serverless-offline (which sets `IS_OFFLINE`) may turn it on; anywhere else, real Lambda
 * included (which sets `AWS_EXECUTION_ENV=AWS_Lambda_…`, whatever else is set), it is a
 * configuration error rather than an open door.
 */
function localOnlyFlag(env: Environment): boolean {
  const name = 'LOCAL_DEV_ALLOW_UNAUTHENTICATED_DELETE'
  const allowed = flag(env, name)
  const inLambda = env.AWS_EXECUTION_ENV?.startsWith('AWS_Lambda_') === true
  if (allowed && (env.IS_OFFLINE !== 'true' || inLambda))
    throw new ConfigurationError(name, 'may be true only under serverless-offline (IS_OFFLINE)')
  return allowed
}

function flag(env: Environment, name: string): boolean {
  const value = env[name]?.trim().toLowerCase()
  if (value === undefined || value === '' || value === 'false') return false
  if (value === 'true') return true
  throw new ConfigurationError(name, `must be true or false (got ${JSON.stringify(value)})`)
}
