/**
 * The operator command: parse, resolve the key, revoke each invitation in turn through one
 * warm client and the same revoke use case the Lambda functions run, print one JSON line per
 * invitation. Returns the exit code.
 */
import { AtlasClient } from '../lib/atlas/atlas-client.ts'
import { atlasOrigin } from '../lib/atlas/base-url.ts'
import { firstNoticeOnly } from '../lib/atlas/deprecation-notice.ts'
import { environmentCredentials } from '../lib/credentials/atlas-credentials.ts'
import {
  type CredentialsSource,
  fixedCredentials,
  secretCredentials,
} from '../lib/credentials/credentials-source.ts'
import { CachedSecrets, SecretUnavailableError } from '../lib/credentials/secret-cache.ts'
import { ConfigurationError } from '../lib/errors.ts'
import { OUTCOME_TABLE } from '../lib/outcome.ts'
import { revoke } from '../lib/revoke/revoke.ts'
import type { Revocation } from '../lib/revoke/revoke-report.ts'
import {
  parseRevokeArguments,
  parseStdinTargets,
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
}

export const EXIT = { done: 0, failed: 1, usage: 2 } as const

export async function runRevokeCommand(io: CommandIO): Promise<number> {
  let plan: RevokePlan
  let atlas: AtlasClient
  let credentials: CredentialsSource
  try {
    const command = parseRevokeArguments(io.argv, io.env)
    if (command.kind === 'help') {
      io.stdout(USAGE)
      return EXIT.done
    }
    plan = command.readsStdin
      ? { ...command.plan, targets: parseStdinTargets(await io.readStdin()) }
      : command.plan
    atlas = new AtlasClient({
      origin: atlasOrigin(io.env.ATLAS_BASE_URL),
      onDeprecation: firstNoticeOnly((notice) =>
        io.stderr(
          `revoke: warning: Atlas marks ${notice.path} deprecated (Deprecation: ${notice.deprecation ?? '-'}, Sunset: ${notice.sunset ?? '-'}); see --api`,
        ),
      ),
    })
    credentials = credentialsFrom(io.env)
    await credentials.current()
  } catch (error) {
    return report(io, error)
  }

  const settings = {
    dependencies: { atlas, credentials },
    api: plan.api,
    format: { pretty: plan.pretty, envelope: plan.envelope },
  }
  let exit: number = EXIT.done
  for (const target of plan.targets) {
    try {
      const result = await revoke(target, settings, Date.now() + plan.timeoutMs)
      exit = Math.max(exit, OUTCOME_TABLE[result.outcome].cliExit)
      for (const revocation of result.revocations) io.stdout(JSON.stringify(printable(revocation)))
    } catch (error) {
      return report(io, error)
    }
  }
  return exit
}

function credentialsFrom(env: CommandIO['env']): CredentialsSource {
  const key = environmentCredentials(env)
  if (key) return fixedCredentials(key)
  const secretId = env.ATLAS_SECRET_ID?.trim()
  if (!secretId) {
    throw new ConfigurationError(
      'ATLAS_PUBLIC_KEY',
      'and ATLAS_PRIVATE_KEY are not set, nor is ATLAS_SECRET_ID: no Atlas key to sign with',
    )
  }
  return secretCredentials(new CachedSecrets({ ttlSeconds: 300 }), secretId)
}

function printable(result: Revocation) {
  return {
    orgId: result.orgId,
    invitationId: result.invitationId,
    ...(result.userId === undefined ? {} : { userId: result.userId }),
    outcome: result.outcome,
    status: result.status ?? null,
    ...(result.errorCode === undefined ? {} : { errorCode: result.errorCode }),
    ...(result.detail === undefined ? {} : { detail: result.detail }),
  }
}

/** One line on stderr, no stack trace; usage and configuration errors exit 2. */
function report(io: CommandIO, error: unknown): number {
  if (error instanceof UsageError || error instanceof ConfigurationError) {
    io.stderr(`revoke: ${error.message}`)
    return EXIT.usage
  }
  if (error instanceof SecretUnavailableError) {
    io.stderr(`revoke: ${error.message}`)
    return EXIT.failed
  }
  io.stderr(
    `revoke: unexpected ${(error as Error)?.name ?? 'error'}: ${(error as Error)?.message ?? String(error)}`,
  )
  return EXIT.failed
}
