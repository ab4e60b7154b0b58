/**
 * Runs one oracle case: loads its world into the simulator, lets its script of catalogue picks
 * answer Atlas's requests, sends its request through its entry point (the HTTP function, the
 * queue function or the CLI, in process, each with a fresh dispatcher and nonce cache), and
 * judges the answer against the truth before and after.
 */
import { randomUUID } from 'node:crypto'
import { Logger } from '@aws-lambda-powertools/logger'
import type { LogItemExtraInput, LogItemMessage } from '@aws-lambda-powertools/logger/types'
import type { APIGatewayProxyResult, SQSBatchResponse } from 'aws-lambda'
import type { Dispatcher } from 'undici'
import { runRevokeCommand } from '../../cli/revoke-command.ts'
import type { Interference } from '../../dev/simulator/adversary.ts'
import { type AtlasSimulator, DEFAULT_BEHAVIOUR } from '../../dev/simulator/atlas-simulator.ts'
import type { Fault } from '../../dev/simulator/fault-injector.ts'
import type { LoggedRequest } from '../../dev/simulator/request-recorder.ts'
import { matchRoute } from '../../dev/simulator/simulated-routes.ts'
import { createAtlasDispatcher } from '../../lib/atlas/http/dispatcher.ts'
import type { MetricSink } from '../../lib/audit/revocation-metrics.ts'
import type { SecretReader } from '../../lib/credentials/secret-cache.ts'
import { OUTCOME_TABLE, type OutcomeKind } from '../../lib/outcome.ts'
import { createHttpHandler } from '../../lib/triggers/http/http-handler.ts'
import { signWebhook } from '../../lib/triggers/http/webhook-signature.ts'
import { createQueueHandler } from '../../lib/triggers/queue/queue-handler.ts'
import { httpApiEvent, lambdaContext, sqsEvent } from '../support/lambda-events.ts'
import { CATALOGUE, rowAt, seen } from './catalogue.ts'
import { type Answer, type Observed, truthOf, violations } from './invariants.ts'
import {
  allowedOrgIds,
  type EarlierRequest,
  type OracleCase,
  protectedUsernames,
  type ResolvedRequest,
  resolveRequest,
} from './oracle-case.ts'
import type { OracleLedger } from './oracle-ledger.ts'
import { ACCOUNT, buildWorld, invitedAgain, KEY, type World } from './world.ts'

const WEBHOOK_SECRET = 'whsec_b3JhY2xlLXdlYmhvb2stc2VjcmV0LTMyYnl0ZXMtbG9uZw=='
const SECRETS = { atlas: 'oracle/atlas', webhook: 'oracle/webhook' }
/** Each invocation's time: enough for a few retries, short enough for thousands of cases. */
const INVOCATION_MS = 3_000

export interface CaseVerdict {
  readonly request: ResolvedRequest
  readonly answer: Answer
  readonly violations: readonly string[]
  /** The catalogue rows that answered, in order. */
  readonly rows: readonly string[]
  /** Removals the case sent to Atlas. */
  readonly deletes: number
  /** The case ran with the ledger (and its history). */
  readonly ledger: boolean
  /** By id, `already_gone` on the ledger's word: the id was not pending, the ledger recorded it. */
  readonly goneAsRecorded: boolean
}

/**
 * `ledger`: the run's local DynamoDB; a case with a history runs with it (its own table),
 * every other case without a ledger.
 */
export async function runCase(
  simulator: AtlasSimulator,
  oracle: OracleCase,
  ledger?: OracleLedger,
): Promise<CaseVerdict> {
  const table = oracle.ledger && ledger ? await ledger.table() : undefined
  try {
    return await runCaseWith(simulator, oracle, ledger && table ? { ledger, table } : undefined)
  } finally {
    if (ledger && table) await ledger.drop(table)
  }
}

async function runCaseWith(
  simulator: AtlasSimulator,
  oracle: OracleCase,
  book: { readonly ledger: OracleLedger; readonly table: string } | undefined,
): Promise<CaseVerdict> {
  const built = buildWorld(oracle.world)
  let request = resolveRequest(oracle.request, built)
  simulator.load(built.seed)
  simulator.faults.clear()
  simulator.behave({ ...DEFAULT_BEHAVIOUR, ...oracle.behaviour })
  simulator.resetCounters()
  const dispatchers: Dispatcher[] = []
  const base: Omit<EntryContext, 'request'> = {
    url: simulator.url,
    oracle,
    allowed: allowedOrgIds(oracle, built),
    ...(book ? { table: book.table } : {}),
    dispatcher: () => {
      // No pacing: after a 429 it would space the case's requests out for seconds, and all it
      // can do is end a call `throttled`, unsent (its own tests cover that).
      const dispatcher = createAtlasDispatcher(simulator.url, {
        random: () => 0,
        pacing: false,
        connection: { headersTimeoutMs: 50, bodyTimeoutMs: 50, connectTimeoutMs: 1_000 },
      })
      dispatchers.push(dispatcher)
      return dispatcher
    },
  }
  let history: LedgerSeen | undefined
  if (book && oracle.ledger) {
    try {
      const lived = await liveHistory(simulator, oracle, built, request, base)
      request = lived.request
      const record =
        request.invitationId === undefined || request.orgId === undefined
          ? undefined
          : await book.ledger.reader(book.table).revokedBefore(request.orgId, request.invitationId)
      history = { gone: lived.gone, recorded: record !== undefined }
    } finally {
      await Promise.all(dispatchers.splice(0).map((dispatcher) => dispatcher.destroy()))
    }
    simulator.faults.clear()
    simulator.resetCounters()
  }
  const rows: string[] = []
  // Paths whose answer a row replaced with a 2xx: a list there proves no search.
  const replaced2xx = new Map<string, number>()
  let next = 0
  simulator.intercept((observed): Interference | undefined => {
    const focused =
      oracle.focus === 'any' ||
      (oracle.focus === 'token'
        ? observed.token
        : !observed.token && observed.method === oracle.focus)
    if (!focused) return undefined
    const pick = oracle.script[next++]
    if (!pick || pick.roll >= oracle.chaos) return undefined
    const request = seen(
      observed,
      simulator.state,
      oracle.behaviour.usersListHidesLegacyInvitations === true,
    )
    const row = rowAt(
      CATALOGUE.filter((candidate) => candidate.applies(request)),
      pick.row,
    )
    if (!row) return undefined
    rows.push(row.name)
    const interference = row.interfere(request, pick.variant)
    if (isSuccess(faultStatus(interference.fault)))
      replaced2xx.set(observed.path, (replaced2xx.get(observed.path) ?? 0) + 1)
    return interference
  })
  const before = truthOf(simulator.state)
  const context: EntryContext = { ...base, request }
  let answer: Answer
  try {
    answer = await ENTRIES[oracle.entry](context)
  } finally {
    simulator.intercept(undefined)
    await Promise.all(dispatchers.map((dispatcher) => dispatcher.destroy()))
  }
  const log = simulator.requests()
  const observed: Observed = {
    before,
    after: truthOf(simulator.state),
    answer,
    apiRequests: log.length,
    deletes: log.filter((entry) => entry.method === 'DELETE').length,
    deleteTargets: log.filter((entry) => entry.method === 'DELETE').map((entry) => entry.target),
    listed: listedScopes(log, replaced2xx),
    ...(history ? { ledger: history } : {}),
  }
  return {
    request,
    answer,
    violations: violations(oracle, built, request, observed),
    rows,
    deletes: observed.deletes,
    ledger: history !== undefined,
    goneAsRecorded:
      history?.recorded === true &&
      answer.outcome === 'already_gone' &&
      request.invitationId !== undefined &&
      !before.pending.has(request.invitationId),
  }
}

/**
 * Runs the case's history through its own entry, with the ledger: each earlier request by id,
 * Atlas answering plainly (no catalogue row, no fault), then the invitations they removed
 * invited again as the history says. Returns the case's request (perhaps for a new id) and what
 * the earlier requests removed, as `orgId id` for both of each one's ids (the ground truth
 * beside the ledger's word).
 */
async function liveHistory(
  simulator: AtlasSimulator,
  oracle: OracleCase,
  built: World,
  request: ResolvedRequest,
  base: Omit<EntryContext, 'request'>,
): Promise<{ request: ResolvedRequest; gone: ReadonlySet<string> }> {
  const history = oracle.ledger
  if (!history) return { request, gone: new Set() }
  const gone = new Set<string>()
  const goneIds = new Set<string>()
  for (const spec of history.earlier) {
    const before = truthOf(simulator.state)
    try {
      await ENTRIES[oracle.entry]({ ...base, request: earlierRequest(spec, built, request) })
    } catch {
      // What an entry throws is its own business here: the truth below is what counts.
    }
    const after = truthOf(simulator.state)
    for (const [id, entry] of before.pending)
      if (!after.pending.has(id)) {
        goneIds.add(id)
        gone.add(`${entry.orgId} ${id}`)
        gone.add(`${entry.orgId} ${entry.userId}`)
      }
  }
  if (history.again === 'none' || goneIds.size === 0) return { request, gone }
  const again =
    history.again === 'same'
      ? { seed: built.seed, renamed: new Map() }
      : invitedAgain(built.seed, goneIds)
  simulator.load(again.seed)
  simulator.behave({ ...DEFAULT_BEHAVIOUR, ...oracle.behaviour })
  const renamed =
    history.askNew && request.invitationId !== undefined
      ? again.renamed.get(request.invitationId)
      : undefined
  return { request: renamed ? { ...request, invitationId: renamed } : request, gone }
}

/** An earlier request by id, never a dry run (`null`: the case's own, or the leaver's first). */
function earlierRequest(
  spec: EarlierRequest | null,
  built: World,
  request: ResolvedRequest,
): ResolvedRequest {
  if (spec === null && request.invitationId !== undefined && request.orgId !== undefined)
    return { orgId: request.orgId, invitationId: request.invitationId, dryRun: false }
  const { target, index, org } = spec ?? { target: 'leaver', index: 0, org: undefined }
  const ids =
    target === 'leaver'
      ? built.leaverInvitationIds
      : target === 'leaverUser'
        ? built.leaverUserIds
        : built.otherInvitationIds
  const id = ids[index % Math.max(1, ids.length)] ?? 'dddddddddddddddddddddddd'
  const home = built.seed.invitations.find(
    (invitation) => invitation.id === id || invitation.userId === id,
  )?.orgId
  const orgId =
    org === undefined
      ? (home ?? (built.orgs[0] as string))
      : (built.orgs[org % built.orgs.length] as string)
  return { orgId, invitationId: id, dryRun: false }
}

/** What the judgement knows of a case's history: see {@link Observed}'s `ledger`. */
interface LedgerSeen {
  readonly gone: ReadonlySet<string>
  readonly recorded: boolean
}

interface EntryContext {
  readonly url: string
  readonly oracle: OracleCase
  readonly request: ResolvedRequest
  /** ALLOWED_ORG_IDS, when the case sets it. */
  readonly allowed: readonly string[] | undefined
  /** LEDGER_TABLE, in a case with the ledger. */
  readonly table?: string
  /** A fresh dispatcher (own pool and nonce cache, short timeouts), closed after the case. */
  readonly dispatcher: () => Dispatcher
}

type Entry = (context: EntryContext) => Promise<Answer>

/** The status a fault answers with; `undefined` for none (a reset, a hang). */
function faultStatus(fault: Fault): number | undefined {
  switch (fault.kind) {
    case 'status':
    case 'answer':
      return fault.status
    case 'challenge':
    case 'repeatNonce':
      return 401
    default:
      return undefined
  }
}

const isSuccess = (status: number | undefined) =>
  status !== undefined && status >= 200 && status <= 299

/**
 * The organizations and projects whose invitations or users Atlas itself listed with a 2xx
 * (a GET on a list path, more of them answered 2xx than a catalogue row answered 2xx in Atlas's
 * place): what any entry must have read before it settles a person's request.
 */
function listedScopes(
  log: readonly LoggedRequest[],
  replaced2xx: ReadonlyMap<string, number>,
): { orgId: string; groupId?: string }[] {
  const answered = new Map<string, number>()
  for (const entry of log) {
    if (entry.method !== 'GET' || !isSuccess(entry.status)) continue
    const path = new URL(entry.target, 'http://simulator').pathname
    answered.set(path, (answered.get(path) ?? 0) + 1)
  }
  return [...answered].flatMap(([path, count]) => {
    const route = matchRoute(path)
    if (!route || route.id !== undefined || count <= (replaced2xx.get(path) ?? 0)) return []
    if (route.resource === 'groupInvites')
      return route.groupId === undefined ? [] : [{ orgId: '', groupId: route.groupId }]
    if (route.resource === 'orgInvites' || route.resource === 'orgUsers')
      return [{ orgId: route.orgId }]
    return []
  })
}

const ENTRIES: Readonly<Record<OracleCase['entry'], Entry>> = {
  async http(context) {
    const { request } = context
    const recorded = recordingMetrics()
    const handler = createHttpHandler(functionEnv(context), {
      ...functionParts(context),
      metrics: recorded.sink,
    })
    const body = JSON.stringify(request)
    const headers = signWebhook(WEBHOOK_SECRET, `msg_${randomUUID()}`, new Date(), body)
    const result = (await handler(
      httpApiEvent({ method: 'POST', path: '/revocations', body, headers }),
      lambdaContext(INVOCATION_MS),
    )) as APIGatewayProxyResult
    const answer = JSON.parse(result.body) as {
      outcome?: OutcomeKind
      searched?: { orgId: string; groupId?: string }[]
    }
    const refused = result.statusCode === 400 || result.statusCode === 403
    return {
      outcome: refused ? 'refused' : (answer.outcome ?? recorded.outcome() ?? 'unknown'),
      httpStatus: result.statusCode,
      ...(answer.searched ? { searched: answer.searched } : {}),
    }
  },

  async queue(context) {
    const { request } = context
    const recorded = recordingMetrics()
    const audit = auditingLogger()
    const handler = createQueueHandler(functionEnv(context), {
      ...functionParts(context),
      logger: audit.logger,
      metrics: recorded.sink,
    })
    let acked: boolean
    try {
      const response = (await handler(
        sqsEvent([JSON.stringify(request)]),
        lambdaContext(INVOCATION_MS, 'queue'),
      )) as SQSBatchResponse
      acked = response.batchItemFailures.length === 0
    } catch {
      acked = false
    }
    const searched = audit.searched()
    return {
      outcome: recorded.outcome() ?? 'refused',
      acked,
      ...(searched ? { searched } : {}),
    }
  },

  async cli(context) {
    const { url, oracle, request, allowed } = context
    const argv = [
      '--api',
      oracle.api,
      '--timeout',
      String(INVOCATION_MS / 1000),
      ...(request.dryRun ? ['--dry-run'] : []),
      ...(oracle.cliFormat === 'plain' ? [] : [`--${oracle.cliFormat}`]),
      ...(request.invitationId !== undefined
        ? ['--org', request.orgId ?? '', '--invite', request.invitationId]
        : [
            '--user',
            request.username ?? '',
            ...(request.orgIds ?? (request.orgId ? [request.orgId] : [])).flatMap((org) => [
              '--org',
              org,
            ]),
            ...(oracle.includeProjects ? ['--include-projects'] : []),
          ]),
    ]
    const credentials =
      oracle.credentials === 'key'
        ? { ATLAS_PUBLIC_KEY: KEY.publicKey, ATLAS_PRIVATE_KEY: KEY.privateKey }
        : { ATLAS_CLIENT_ID: ACCOUNT.clientId, ATLAS_CLIENT_SECRET: ACCOUNT.clientSecret }
    const lines: { outcome?: OutcomeKind; username?: string; searched?: unknown }[] = []
    const code = await runRevokeCommand({
      argv,
      env: {
        ATLAS_BASE_URL: url,
        ...credentials,
        ...(allowed ? { ALLOWED_ORG_IDS: allowed.join(',') } : {}),
        SEARCH_INVITATIONS_API: String(oracle.searchInvitationsApi),
        ...(context.table ? { LEDGER_TABLE: context.table } : {}),
      },
      readStdin: async () => '',
      stdout: (line) => lines.push(JSON.parse(line) as (typeof lines)[number]),
      stderr: () => {},
      dispatcher: context.dispatcher(),
    })
    if (code === 2) return { outcome: 'refused', cliExit: code }
    // The request's outcome is its most telling line's, as the exit code is.
    const worst = lines
      .flatMap((line) => (line.outcome ? [line.outcome] : []))
      .sort((a, b) => OUTCOME_TABLE[a].precedence - OUTCOME_TABLE[b].precedence)[0]
    // The CLI prints what it searched only as a count, on the line of a request that found
    // nothing; which scopes were searched is judged on the simulator's log (`listed`).
    const counted = lines.find((line) => typeof line.searched === 'number')?.searched as
      | number
      | undefined
    return {
      outcome: worst ?? 'unknown',
      cliExit: code,
      ...(counted === undefined ? {} : { searchedCount: counted }),
    }
  },
}

function functionEnv({ url, oracle, allowed, table }: EntryContext): Record<string, string> {
  return {
    ...(table ? { LEDGER_TABLE: table } : {}),
    ATLAS_SECRET_ID: SECRETS.atlas,
    WEBHOOK_SECRET_ID: SECRETS.webhook,
    ATLAS_BASE_URL: url,
    ATLAS_API: oracle.api,
    INCLUDE_PROJECT_INVITATIONS: String(oracle.includeProjects),
    SEARCH_INVITATIONS_API: String(oracle.searchInvitationsApi),
    REMOVE_ACTIVE_MEMBERS: String(oracle.removeActiveMembers),
    ...(protectedUsernames(oracle) === undefined
      ? {}
      : { PROTECTED_USERNAMES: protectedUsernames(oracle) as string }),
    // The functions act in no organization without a scope: unset is `*` here, every one.
    ALLOWED_ORG_IDS: allowed ? allowed.join(',') : '*',
  }
}

const silent = new Logger({ serviceName: 'oracle', logLevel: 'SILENT' })

/** A fresh dispatcher, in-memory secrets, and no log output. */
function functionParts(context: EntryContext) {
  const atlasSecret = JSON.stringify(context.oracle.credentials === 'key' ? KEY : ACCOUNT)
  const secrets: SecretReader = {
    read: async (id) => (id === SECRETS.atlas ? atlasSecret : WEBHOOK_SECRET),
  }
  return { secrets, dispatcher: context.dispatcher(), logger: silent }
}

/**
 * A silent logger that keeps the scopes of the request's audit summary line (`audit: 'request'`,
 * one per request, which the queue function writes whatever the outcome).
 */
function auditingLogger(): {
  logger: Logger
  searched: () => { orgId: string; groupId?: string }[] | undefined
} {
  let searched: { orgId: string; groupId?: string }[] | undefined
  const keep = (extra: unknown[]) => {
    for (const item of extra) {
      const line = item as { audit?: unknown; searched?: { orgId: string; groupId?: string }[] }
      if (line && typeof line === 'object' && line.audit === 'request' && line.searched)
        searched = line.searched.map(({ orgId, groupId }) =>
          groupId === undefined ? { orgId } : { orgId, groupId },
        )
    }
  }
  class AuditingLogger extends Logger {
    override info(input: LogItemMessage, ...extra: LogItemExtraInput): void {
      keep(extra)
      super.info(input, ...extra)
    }
    override warn(input: LogItemMessage, ...extra: LogItemExtraInput): void {
      keep(extra)
      super.warn(input, ...extra)
    }
    override error(input: LogItemMessage, ...extra: LogItemExtraInput): void {
      keep(extra)
      super.error(input, ...extra)
    }
  }
  return {
    logger: new AuditingLogger({ serviceName: 'oracle', logLevel: 'SILENT' }),
    searched: () => searched,
  }
}

/** The request's outcome, as the `Revocations` metric counts it. */
function recordingMetrics(): { sink: MetricSink; outcome: () => OutcomeKind | undefined } {
  let outcome: OutcomeKind | undefined
  return {
    sink: {
      emit(name, _unit, _value, dimensions) {
        if (name === 'Revocations') outcome = dimensions?.outcome as OutcomeKind
      },
    },
    outcome: () => outcome,
  }
}
