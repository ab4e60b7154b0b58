/**
 * The operator command line. Pure: argv, environment and stdin text in, a plan or an error out.
 *
 * - `--org <id> --invite <id> [--invite <id> …]`: invitations by id;
 * - `--user <email> [--org <id> …]`: a person's pending invitations, in those organizations or
 *   everywhere the key (and `ALLOWED_ORG_IDS`) allows;
 * - `--stdin`: lines of `orgId,invitationId`, `orgId,email` or `email` (a CSV header is skipped).
 */
import { parseArgs } from 'node:util'
import {
  ATLAS_ID_PATTERN,
  type AtlasApi,
  atlasId,
  invitationRef,
  parseAtlasApi,
} from '../lib/atlas/api/index.ts'
import { ConfigurationError, ValidationError } from '../lib/errors.ts'

/** One revoke request, in the schema every entry point accepts. */
export type RevokeInput =
  | { readonly orgId: string; readonly invitationId: string; readonly dryRun?: true }
  | { readonly username: string; readonly orgIds?: readonly string[]; readonly dryRun?: true }

export interface RevokePlan {
  readonly requests: readonly RevokeInput[]
  readonly api: AtlasApi
  readonly includeProjects: boolean
  readonly dryRun: boolean
  readonly pretty: boolean
  readonly envelope: boolean
  /** Per request, retries included. */
  readonly timeoutMs: number
}

export type ParsedCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'revoke'; readonly plan: RevokePlan; readonly readsStdin: boolean }

/** Bad usage: exit 2 with this message (one line per problem). */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

export const USAGE = `Revoke pending MongoDB Atlas invitations.

Usage:
  npm run -s revoke -- --org <orgId> --invite <invitationId> [--invite <invitationId> ...]
  npm run -s revoke -- --user <email> [--org <orgId> ...] [--include-projects] [--dry-run]
  npm run -s revoke -- --stdin [--include-projects] [--dry-run] < offboarding.csv
      lines: orgId,invitationId | orgId,email | email  (a header row and # comments are skipped)
  npm run -s revoke -- receipts --since <date> [--user <email>] [--format csv|json]
      the ledger's receipts for auditors (receipts --help)

Options:
  --org <orgId>        organization; repeat with --user (default for --invite: $MONGODB_ATLAS_ORG_ID;
                       --user without --org searches $ALLOWED_ORG_IDS, else every org the key sees)
  --invite <id>        invitation to revoke; repeat for several
  --user <email>       revoke every pending invitation of this person
  --include-projects   also revoke the person's project invitations
  --dry-run            report what would be revoked (outcome would_revoke); revoke nothing
  --stdin              read requests from standard input
  --timeout <seconds>  per request, retries included (default 30)
  --api <v1|v2|users>  Atlas API that revokes (default: $ATLAS_API or v1; docs/migrating.md)
  --pretty, --envelope pass Atlas's pretty=true / envelope=true
  -h, --help           this text

(-s keeps npm's own banner off standard output, so the JSON lines can go to jq.)

Keys: ATLAS_PUBLIC_KEY + ATLAS_PRIVATE_KEY (or MONGODB_ATLAS_PUBLIC_API_KEY +
MONGODB_ATLAS_PRIVATE_API_KEY), a service account in ATLAS_CLIENT_ID + ATLAS_CLIENT_SECRET
(or MONGODB_ATLAS_CLIENT_ID + MONGODB_ATLAS_CLIENT_SECRET), else the Secrets Manager secret
named by ATLAS_SECRET_ID.
Atlas: ATLAS_BASE_URL (default https://cloud.mongodb.com).
Output: one JSON line per invitation (and per search that failed); a summary on stderr.
Ledger: with LEDGER_TABLE set, every request is recorded as the functions record theirs.
Users mode: SEARCH_INVITATIONS_API=false stops looking at the invitations API (after its sunset).
Exit: 0 all revoked, already gone or (dry run) reported; 1 any other outcome; 2 bad input or
configuration; 3 an invitation id not pending in the organization named (revoke by --user).`

/** Reads argv; stdin lines are parsed separately by {@link parseStdinRequests}. */
export function parseRevokeArguments(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ParsedCommand {
  let values: Record<string, string | boolean | string[] | undefined>
  try {
    ;({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        org: { type: 'string', multiple: true },
        invite: { type: 'string', multiple: true },
        user: { type: 'string' },
        'include-projects': { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        stdin: { type: 'boolean' },
        timeout: { type: 'string' },
        pretty: { type: 'boolean' },
        envelope: { type: 'boolean' },
        api: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  if (values.help) return { kind: 'help' }
  const invites = (values.invite as string[] | undefined) ?? []
  const orgs = (values.org as string[] | undefined) ?? []
  const user = values.user as string | undefined
  const readsStdin = values.stdin === true
  const sources = [readsStdin, invites.length > 0, user !== undefined].filter(Boolean).length
  if (sources === 0)
    throw new UsageError(
      'nothing to revoke: give --invite <invitationId>, --user <email> or --stdin',
    )
  if (sources > 1) throw new UsageError('use one of --stdin, --invite or --user')
  const dryRun = values['dry-run'] === true
  const plan = {
    api: field(
      () => parseAtlasApi((values.api as string | undefined) ?? env.ATLAS_API, '--api / ATLAS_API'),
      '',
    ),
    includeProjects: values['include-projects'] === true,
    dryRun,
    pretty: values.pretty === true,
    envelope: values.envelope === true,
    timeoutMs: timeoutMs(values.timeout as string | undefined),
  }
  const dry = dryRun ? { dryRun: true as const } : {}
  if (readsStdin) {
    if (orgs.length > 0) throw new UsageError('--org goes with --invite or --user, not --stdin')
    return { kind: 'revoke', plan: { ...plan, requests: [] }, readsStdin }
  }
  if (user !== undefined) {
    const orgIds = unique(orgs.map((org) => field(() => atlasId(org, 'orgId'), '--org')))
    const username = field(() => email(user, 'username'), '--user')
    const request = { username, ...(orgIds.length > 0 ? { orgIds } : {}), ...dry }
    return { kind: 'revoke', plan: { ...plan, requests: [request] }, readsStdin }
  }
  if (orgs.length > 1) throw new UsageError('--invite takes one --org')
  const org = orgs[0] ?? env.MONGODB_ATLAS_ORG_ID
  if (org === undefined) throw new UsageError('--org is required (or set MONGODB_ATLAS_ORG_ID)')
  const orgId = field(() => atlasId(org, 'orgId'), '--org')
  const requests = unique(invites).map((invitationId) => ({
    ...field(() => invitationRef({ orgId, invitationId }), '--invite'),
    ...dry,
  }))
  return { kind: 'revoke', plan: { ...plan, requests }, readsStdin }
}

/**
 * Parses stdin lines: `orgId,invitationId`, `orgId,email` or `email`. Blank lines, `#` comments
 * and a header row are skipped; every bad line is reported at once, before anything is revoked.
 */
export function parseStdinRequests(text: string, dryRun = false): RevokeInput[] {
  const requests: RevokeInput[] = []
  const problems: string[] = []
  const dry = dryRun ? { dryRun: true as const } : {}
  let contentLines = 0
  text.split(/\r?\n/).forEach((line, index) => {
    const content = line.replace(/#.*/, '').trim()
    if (content === '') return
    contentLines += 1
    const parts = content.split(',').map((part) => part.trim())
    if (contentLines === 1 && isHeader(parts)) return
    try {
      requests.push({ ...stdinRequest(content, parts), ...dry })
    } catch (error) {
      if (!(error instanceof ValidationError) && !(error instanceof UsageError)) throw error
      problems.push(`stdin line ${index + 1}: ${error.message}`)
    }
  })
  if (problems.length > 0) throw new UsageError(problems.join('\n'))
  if (requests.length === 0)
    throw new UsageError('stdin held no orgId,invitationId, orgId,email or email lines')
  const seen = new Set<string>()
  return requests.filter((request) => {
    const key = JSON.stringify(request)
    return !seen.has(key) && seen.add(key) !== undefined
  })
}

function stdinRequest(content: string, parts: readonly string[]): RevokeInput {
  if (/^[[{]/.test(content))
    throw new UsageError(
      'is JSON; stdin takes one orgId,invitationId, orgId,email or email per line (a JSON request goes to the functions, not the CLI)',
    )
  if (parts.length === 1 && parts[0]?.includes('@'))
    return { username: email(parts[0], 'username') }
  if (parts.length !== 2) throw new UsageError('expected orgId,invitationId, orgId,email or email')
  const [orgId = '', second = ''] = parts
  if (second.includes('@'))
    return { username: email(second, 'username'), orgIds: [atlasId(orgId, 'orgId')] }
  return invitationRef({ orgId, invitationId: second })
}

/** A first line with no id and no email in it: a CSV header such as `orgId,invitationId`. */
function isHeader(parts: readonly string[]): boolean {
  return parts.every((part) => !part.includes('@') && !ATLAS_ID_PATTERN.test(part))
}

/**
 * An email address, trimmed and lower-cased. Characters no unquoted address holds (quotes,
 * brackets, braces, `:` `;` `<>` `\\`) are refused, so a pasted JSON or CSV fragment is never
 * taken for one and searched for in Atlas.
 */
export function email(value: string | undefined, name: string): string {
  const trimmed = (value ?? '').trim().toLowerCase()
  if (!/^[^\s@,"(){}[\]<>;:\\]+@[^\s@,"(){}[\]<>;:\\]+$/.test(trimmed) || trimmed.length > 254)
    throw new ValidationError(name, 'must be an email address')
  return trimmed
}

/** `parse()`, its validation error turned into a usage error naming `where`. */
export function field<T>(parse: () => T, where: string): T {
  try {
    return parse()
  } catch (error) {
    if (error instanceof ValidationError) throw new UsageError(`${where}: ${error.message}`)
    if (error instanceof ConfigurationError) throw new UsageError(error.message)
    throw error
  }
}

function timeoutMs(value: string | undefined): number {
  if (value === undefined) return 30_000
  const seconds = Number(value)
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 900) {
    throw new UsageError(
      `--timeout must be a number of seconds between 0 and 900 (got ${JSON.stringify(value)})`,
    )
  }
  return seconds * 1000
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)]
}
