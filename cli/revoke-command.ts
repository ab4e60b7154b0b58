/**
 * The operator command: parse, resolve the key, run each request in turn through one warm client
 * and the same revoke use case the Lambda functions run, print one JSON line per invitation (and
 * per search that failed), then a summary on stderr. Returns the exit code.
 */
import { userInfo } from 'node:os'
import type { Dispatcher } from 'undici'
import { AtlasClient, atlasOrigin, firstNoticeOnly } from '../lib/atlas/http/index.ts'
import {
  ledgerRetentionDays,
  loadAllowedOrgIds,
  projectsWithoutInvitationsApi,
  searchInvitationsApi,
} from '../lib/config/function-config.ts'
import {
  type CredentialsSource,
  environmentCredentials,
  fixedCredentials,
  secretCredentials,
} from '../lib/credentials/credential-sources.ts'
import { CachedSecrets, SecretUnavailableError } from '../lib/credentials/secret-cache.ts'
import { ConfigurationError, ValidationError } from '../lib/errors.ts'
import { Ledger, LedgerUnavailableError } from '../lib/ledger/ledger.ts'
import { type OutcomeKind, rulesOf } from '../lib/outcome.ts'
import { OrgNotAllowedError, type RevokeSettings, revoke } from '../lib/revoke/revoke.ts'
import type { RevokeReport } from '../lib/revoke/revoke-report.ts'
import {
  parseRevokeArguments,
  parseStdinRequests,
  type RevokePlan,
  USAGE,
  UsageError,
} from './revoke-arguments.ts'

export interface CommandIO {
  readonly argv: readonly string[]
  readonly env: Readonly<Record<string, string | undefined>>
  readonly readStdin: () => Promise<string>
  readonly stdout: (line: string) => void
  readonly stderr: (line: string) => void
  /** Default: the process-wide dispatcher for the Atlas origin (tests bring their own). */
  readonly dispatcher?: Dispatcher
}

export const EXIT = { done: 0, failed: 1, usage: 2, notFound: 3 } as const

export async function runRevokeCommand(io: CommandIO): Promise<number> {
  let plan: RevokePlan
  let settings: RevokeSettings
  let ledger: { readonly book: Ledger; readonly retentionDays: number } | undefined
  try {
    const command = parseRevokeArguments(io.argv, io.env)
    if (command.kind === 'help') {
      io.stdout(USAGE)
      return EXIT.done
    }
    plan = command.readsStdin
      ? { ...command.plan, requests: parseStdinRequests(await io.readStdin(), command.plan.dryRun) }
      : command.plan
    const atlas = new AtlasClient({
      origin: atlasOrigin(io.env.ATLAS_BASE_URL),
      ...(io.dispatcher ? { dispatcher: io.dispatcher } : {}),
      format: { pretty: plan.pretty, envelope: plan.envelope },
      onDeprecation: firstNoticeOnly((notice) =>
        io.stderr(
          `revoke: warning: Atlas marks ${notice.path} deprecated (Deprecation: ${notice.deprecation ?? '-'}, Sunset: ${notice.sunset ?? '-'}); see --api`,
        ),
      ),
    })
    const searchesInvitationsApi = searchInvitationsApi(io.env)
    const projectsProblem = projectsWithoutInvitationsApi({
      atlasApi: plan.api,
      includeProjects: plan.includeProjects,
      searchInvitationsApi: searchesInvitationsApi,
    })
    if (projectsProblem) throw new ConfigurationError('--include-projects', projectsProblem)
    const credentials = credentialsFrom(io.env)
    await credentials.current()
    ledger = ledgerFrom(io.env)
    const book = ledger?.book
    settings = {
      dependencies: { atlas, credentials },
      api: plan.api,
      allowedOrgIds: loadAllowedOrgIds(io.env.ALLOWED_ORG_IDS),
      includeProjects: plan.includeProjects,
      searchInvitationsApi: searchesInvitationsApi,
      ...(book ? { revokedBefore: (orgId, id) => book.revokedBefore(orgId, id) } : {}),
    }
  } catch (error) {
    return report(io, error)
  }

  const requestedBy = { trigger: 'cli' as const, cliUser: cliUser(io.env) }
  const tally = new Map<string, number>()
  let worst: OutcomeKind | undefined
  for (const request of plan.requests) {
    const receivedAt = new Date()
    let result: RevokeReport
    try {
      result = await revoke(request, settings, Date.now() + plan.timeoutMs)
    } catch (error) {
      return report(io, error)
    }
    let unrecorded: unknown
    let ledgerRequestId: string | undefined
    try {
      ledgerRequestId = (
        await ledger?.book.record(result, {
          receivedAt,
          settledAt: new Date(),
          requestedBy,
          includeProjects: plan.includeProjects,
          retentionDays: ledger.retentionDays,
        })
      )?.requestId
    } catch (error) {
      unrecorded = error
    }
    if (worst === undefined || rulesOf(result.outcome).precedence < rulesOf(worst).precedence)
      worst = result.outcome
    for (const line of linesOf(result)) {
      // The request's id in the ledger, as receipts list it.
      io.stdout(
        JSON.stringify({ ...line, requestedBy, ...(ledgerRequestId ? { ledgerRequestId } : {}) }),
      )
      const key = summaryKey(line.outcome)
      tally.set(key, (tally.get(key) ?? 0) + 1)
    }
    // What Atlas did is printed; what the ledger could not keep stops the run, loudly.
    if (unrecorded !== undefined) return report(io, unrecorded)
  }
  io.stderr(`revoke: ${summary(tally, plan.dryRun)}`)
  // The most telling outcome decides: a failure before a not-found, that before success.
  return worst === undefined ? EXIT.done : rulesOf(worst).cliExit
}

type Line = Record<string, unknown> & { readonly outcome: OutcomeKind }

/** One line per invitation, per failed search, or (nothing found) one for the request. */
function linesOf(result: RevokeReport): Line[] {
  const { request } = result
  const lines: Line[] = [
    ...result.revocations.map((revocation) => detailed(revocation, { ...revocation })),
    ...result.searched.flatMap((search) =>
      search.failure
        ? [detailed(search.failure, { orgId: search.orgId, groupId: search.groupId })]
        : [],
    ),
  ]
  if (lines.length > 0)
    return lines.map((line) =>
      request.kind === 'username' ? { username: request.username, ...line } : line,
    )
  const about =
    request.kind === 'invitation'
      ? { orgId: request.orgId, invitationId: request.invitationId }
      : { username: request.username, searched: result.searched.length }
  return [detailed(result, about)]
}

function detailed(
  outcome: Pick<
    RevokeReport,
    'outcome' | 'status' | 'errorCode' | 'detail' | 'atlasDetail' | 'evidence'
  >,
  about: Record<string, unknown>,
): Line {
  const where = Object.fromEntries(
    ['orgId', 'groupId', 'invitationId', 'userId', 'username', 'searched']
      .filter((name) => about[name] !== undefined)
      .map((name) => [name, about[name]]),
  )
  return {
    ...where,
    outcome: outcome.outcome,
    status: outcome.status ?? null,
    ...(outcome.errorCode === undefined ? {} : { errorCode: outcome.errorCode }),
    ...(outcome.detail === undefined ? {} : { detail: outcome.detail }),
    ...(outcome.atlasDetail === undefined ? {} : { atlasDetail: outcome.atlasDetail }),
    ...(outcome.evidence === undefined ? {} : { evidence: outcome.evidence }),
  }
}

function summaryKey(outcome: OutcomeKind): string {
  if (rulesOf(outcome).done) return outcome
  return 'failed'
}

/**
 * `3 revoked, 1 already gone, 0 failed` (a dry run: `would revoke` in place of `revoked`), and
 * `, 1 not found` when any id was not found.
 */
function summary(tally: ReadonlyMap<string, number>, dryRun: boolean): string {
  const count = (key: string) => tally.get(key) ?? 0
  const first = dryRun ? `${count('would_revoke')} would revoke` : `${count('revoked')} revoked`
  const notFound = count('not_found') > 0 ? `, ${count('not_found')} not found` : ''
  return `${first}, ${count('already_gone')} already gone, ${count('failed')} failed${notFound}`
}

function credentialsFrom(env: CommandIO['env']): CredentialsSource {
  const key = environmentCredentials(env)
  if (key) return fixedCredentials(key)
  const secretId = env.ATLAS_SECRET_ID?.trim()
  if (!secretId) {
    throw new ConfigurationError(
      'Atlas credentials',
      'are not set: no Atlas key to sign with. Set ATLAS_PUBLIC_KEY + ATLAS_PRIVATE_KEY (or MONGODB_ATLAS_PUBLIC_API_KEY + MONGODB_ATLAS_PRIVATE_API_KEY), a service account in ATLAS_CLIENT_ID + ATLAS_CLIENT_SECRET (or MONGODB_ATLAS_CLIENT_ID + MONGODB_ATLAS_CLIENT_SECRET), or ATLAS_SECRET_ID',
    )
  }
  return secretCredentials(new CachedSecrets({ ttlSeconds: 300 }), secretId)
}

/** The ledger (LEDGER_TABLE), as the functions write it; unset, the run is not recorded. */
function ledgerFrom(
  env: CommandIO['env'],
): { readonly book: Ledger; readonly retentionDays: number } | undefined {
  const table = env.LEDGER_TABLE?.trim()
  return table ? { book: new Ledger(table), retentionDays: ledgerRetentionDays(env) } : undefined
}

function cliUser(env: CommandIO['env']): string {
  try {
    return userInfo().username
  } catch {
    return env.USER ?? 'unknown'
  }
}

/** One line on stderr, no stack trace; usage and configuration errors exit 2. */
const NO_REGION =
  'no AWS region is set: ATLAS_SECRET_ID is read from Secrets Manager, which lives in a region. Set AWS_REGION (export AWS_REGION=eu-west-1) or a region in your AWS profile (aws configure set region eu-west-1)'

/** The AWS SDK's refusal to call a service before it knows the region. */
export function isMissingRegion(error: unknown): boolean {
  const message = (error as { message?: unknown } | undefined)?.message
  return typeof message === 'string' && /region is missing/i.test(message)
}

function report(io: CommandIO, error: unknown): number {
  if (
    error instanceof UsageError ||
    error instanceof ConfigurationError ||
    error instanceof ValidationError ||
    error instanceof OrgNotAllowedError
  ) {
    for (const line of error.message.split('\n')) io.stderr(`revoke: ${line}`)
    return EXIT.usage
  }
  if (error instanceof LedgerUnavailableError) {
    io.stderr(`revoke: ${error.message}: the request above ran but is not recorded; stopped`)
    return EXIT.failed
  }
  if (error instanceof SecretUnavailableError) {
    if (isMissingRegion(error.cause)) {
      // The AWS CLI reads AWS_DEFAULT_REGION; the AWS SDK for JavaScript does not.
      const hint = io.env.AWS_DEFAULT_REGION
        ? ` (AWS_DEFAULT_REGION=${io.env.AWS_DEFAULT_REGION} is set, but the AWS SDK reads AWS_REGION)`
        : ''
      io.stderr(`revoke: ${NO_REGION}${hint}`)
      return EXIT.usage
    }
    io.stderr(`revoke: ${error.message}`)
    return EXIT.failed
  }
  io.stderr(
    `revoke: unexpected ${(error as Error)?.name ?? 'error'}: ${(error as Error)?.message ?? String(error)}`,
  )
  return EXIT.failed
}
