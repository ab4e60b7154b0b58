import type { Logger } from '@aws-lambda-powertools/logger'
import { describe, expect, it } from 'vitest'
import { normalizeUsername } from '../../lib/atlas/api/username.ts'
import { recordReport } from '../../lib/audit/revocation-log.ts'
import type { RevokeReport } from '../../lib/revoke/revoke-report.ts'
import { revokeReport } from '../support/revoke-reports.ts'

const report = revokeReport

/** The summary line's message for a report. */
function summaryOf(fields: Partial<RevokeReport>): string | undefined {
  const messages: string[] = []
  const logger = Object.fromEntries(
    ['info', 'warn', 'error', 'debug'].map((level) => [
      level,
      (message: string, fields: { audit?: string }) => {
        if (fields.audit === 'request') messages.push(message)
      },
    ]),
  ) as unknown as Logger
  recordReport({ logger, metrics: { emit: () => {} } }, report(fields), { trigger: 'webhook' })
  return messages[0]
}

describe("a request's summary line", () => {
  it('says whether the request settled, and that a dry run revoked nothing', () => {
    expect(summaryOf({ outcome: 'revoked' })).toBe('revocation settled')
    expect(summaryOf({ outcome: 'already_gone' })).toBe('revocation settled')
    expect(
      summaryOf({
        outcome: 'would_revoke',
        request: { kind: 'username', username: normalizeUsername('a@b.c'), dryRun: true },
      }),
    ).toBe('dry run settled: nothing revoked')
    expect(summaryOf({ outcome: 'not_found' })).toMatch(/^not found: .*nothing revoked$/)
    expect(summaryOf({ outcome: 'upstream_error', retryable: true })).toBe('revocation not settled')
  })
})
