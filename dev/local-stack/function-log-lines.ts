/**
 * What `npm start` shows of the functions' own output: each Powertools JSON log line as one
 * readable line (level, message, the fields that say what happened), EMF metric lines left out,
 * anything else (serverless-offline's own lines) as it came. Pure.
 */

/** Fields worth a glance, in the order shown. */
const SHOWN = [
  'outcome',
  'username',
  'orgId',
  'groupId',
  'invitationId',
  'userId',
  'atlasStatus',
  'dryRun',
  'detail',
  'reason',
  'webhookId',
  'messageId',
  'error',
] as const

/**
 * @example
 * readableLine('{"level":"INFO","message":"audit: revocation","outcome":"revoked","orgId":"a0…"}')
 * // → 'INFO  audit: revocation  outcome=revoked orgId=a0…'
 */
export function readableLine(line: string): string | undefined {
  const trimmed = line.trim()
  if (trimmed === '') return undefined
  if (trimmed.startsWith('{"_aws"')) return undefined
  if (!trimmed.startsWith('{"level"')) return line
  let entry: Record<string, unknown>
  try {
    entry = JSON.parse(trimmed) as Record<string, unknown>
  } catch {
    return line
  }
  // Whatever a line holds, it is shown: as it came, if it cannot be made readable.
  try {
    return formatted(entry)
  } catch {
    return line
  }
}

function formatted(entry: Record<string, unknown>): string {
  const requestedBy = entry.requestedBy as { trigger?: unknown } | undefined
  const fields = [
    ...(typeof requestedBy?.trigger === 'string' ? [`via=${requestedBy.trigger}`] : []),
    ...SHOWN.filter((name) => entry[name] !== undefined && entry[name] !== null).map(
      (name) =>
        `${name}=${typeof entry[name] === 'string' ? entry[name] : JSON.stringify(entry[name])}`,
    ),
    ...oktaFields(entry),
  ]
  const level = String(entry.level ?? '').padEnd(5)
  return `${level} ${String(entry.message ?? '')}${fields.length > 0 ? `  ${fields.join(' ')}` : ''}`
}

/**
 * The Okta route's lines, short: whom a delivery queued (`leavers=a@x,b@y`) and how many events
 * it skipped, with their reasons when the line lists them (`skipped=2 (not_a_leaver, ...)`).
 */
function oktaFields(entry: Record<string, unknown>): string[] {
  const fields: string[] = []
  if (Array.isArray(entry.leavers))
    fields.push(
      `leavers=${entry.leavers.map((leaver) => fieldOf(leaver, 'username')).join(',') || '(none)'}`,
    )
  const { skipped } = entry
  if (typeof skipped === 'number') fields.push(`skipped=${skipped}`)
  else if (Array.isArray(skipped)) {
    const reasons = [...new Set(skipped.map((event) => fieldOf(event, 'reason')))]
    fields.push(`skipped=${skipped.length} (${reasons.join(', ')})`)
  }
  return fields
}

/** `value[name]` of an object, or the value itself for anything else (a string, null). */
function fieldOf(value: unknown, name: string): string {
  return typeof value === 'object' && value !== null
    ? String((value as Record<string, unknown>)[name])
    : String(value)
}
