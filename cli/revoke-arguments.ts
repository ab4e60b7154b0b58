/**
 * The operator command line: `--org <id> --invite <id> [--invite <id> …]` or `--stdin` with
 * `orgId,invitationId` lines. Pure: argv, environment and stdin text in, a plan or an error out.
 */
import { parseArgs } from 'node:util'
import { type AtlasApi, parseAtlasApi } from '../lib/atlas/atlas-api.ts'
import { atlasId, type InvitationRef, invitationRef } from '../lib/atlas/invitation-ref.ts'
import { ConfigurationError, ValidationError } from '../lib/errors.ts'

export interface RevokePlan {
  readonly targets: readonly InvitationRef[]
  readonly api: AtlasApi
  readonly pretty: boolean
  readonly envelope: boolean
  /** Per invitation, retries included. */
  readonly timeoutMs: number
}

export type ParsedCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'revoke'; readonly plan: RevokePlan; readonly readsStdin: boolean }

/** Bad usage: exit 2 with this one-line message. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

export const USAGE = `Revoke pending MongoDB Atlas organization invitations.

Usage:
  npm run revoke -- --org <orgId> --invite <invitationId> [--invite <invitationId> ...]
  npm run revoke -- --stdin < invitations.csv        (lines: orgId,invitationId)

Options:
  --org <orgId>        organization (default: $MONGODB_ATLAS_ORG_ID)
  --invite <id>        invitation to revoke; repeat for several
  --stdin              read orgId,invitationId lines from standard input (# starts a comment)
  --timeout <seconds>  per invitation, retries included (default 30)
  --api <v1|v2|users>  Atlas API that revokes (default: $ATLAS_API or v1; see README)
  --pretty, --envelope pass Atlas's pretty=true / envelope=true
  -h, --help           this text

Keys: ATLAS_PUBLIC_KEY + ATLAS_PRIVATE_KEY (or MONGODB_ATLAS_PUBLIC_API_KEY +
MONGODB_ATLAS_PRIVATE_API_KEY), a service account in ATLAS_CLIENT_ID + ATLAS_CLIENT_SECRET
(or MONGODB_ATLAS_CLIENT_ID + MONGODB_ATLAS_CLIENT_SECRET), else the Secrets Manager secret
named by ATLAS_SECRET_ID.
Atlas: ATLAS_BASE_URL (default https://cloud.mongodb.com).
Exit: 0 all revoked or already gone, 1 any other outcome, 2 bad input or configuration.`

/** Reads argv; stdin lines are parsed separately by {@link parseStdinTargets}. */
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
        org: { type: 'string' },
        invite: { type: 'string', multiple: true },
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
  const readsStdin = values.stdin === true
  if (readsStdin === invites.length > 0) {
    throw new UsageError(
      readsStdin
        ? 'use either --stdin or --invite, not both'
        : 'nothing to revoke: give --invite <invitationId> or --stdin',
    )
  }
  const plan = {
    api: field(
      () => parseAtlasApi((values.api as string | undefined) ?? env.ATLAS_API, '--api / ATLAS_API'),
      '',
    ),
    pretty: values.pretty === true,
    envelope: values.envelope === true,
    timeoutMs: timeoutMs(values.timeout as string | undefined),
  }
  if (readsStdin) return { kind: 'revoke', plan: { ...plan, targets: [] }, readsStdin }
  const org = (values.org as string | undefined) ?? env.MONGODB_ATLAS_ORG_ID
  if (org === undefined) throw new UsageError('--org is required (or set MONGODB_ATLAS_ORG_ID)')
  const orgId = field(() => atlasId(org, 'orgId'), '--org')
  const targets = invites.map((invitationId) =>
    field(() => invitationRef({ orgId, invitationId }), '--invite'),
  )
  return { kind: 'revoke', plan: { ...plan, targets: unique(targets) }, readsStdin }
}

/** Parses `orgId,invitationId` lines; blank lines and `#` comments are skipped. */
export function parseStdinTargets(text: string): InvitationRef[] {
  const targets: InvitationRef[] = []
  text.split(/\r?\n/).forEach((line, index) => {
    const content = line.replace(/#.*/, '').trim()
    if (content === '') return
    const parts = content.split(',').map((part) => part.trim())
    if (parts.length !== 2)
      throw new UsageError(`stdin line ${index + 1}: expected orgId,invitationId`)
    const [orgId, invitationId] = parts
    targets.push(field(() => invitationRef({ orgId, invitationId }), `stdin line ${index + 1}`))
  })
  if (targets.length === 0) throw new UsageError('stdin held no orgId,invitationId lines')
  return unique(targets)
}

function field<T>(parse: () => T, where: string): T {
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

function unique(targets: InvitationRef[]): InvitationRef[] {
  const seen = new Set<string>()
  return targets.filter((target) => {
    const key = `${target.orgId}/${target.invitationId}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
