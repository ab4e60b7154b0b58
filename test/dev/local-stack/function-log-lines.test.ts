/** What `npm start` shows of the functions' JSON log lines. Pure. */
import { describe, expect, it } from 'vitest'
import { readableLine } from '../../../dev/local-stack/function-log-lines.ts'

const line = (fields: Record<string, unknown>) =>
  readableLine(JSON.stringify({ level: 'INFO', ...fields }))

describe('readableLine', () => {
  it('shows an audit line as its level, message, trigger and the fields that say what happened', () => {
    expect(
      line({
        message: 'audit: revocation',
        requestedBy: { trigger: 'webhook' },
        outcome: 'revoked',
        orgId: 'a0',
        invitationId: '6a',
        secretish: 'not shown',
      }),
    ).toBe('INFO  audit: revocation  via=webhook outcome=revoked orgId=a0 invitationId=6a')
  })

  it("says whom an Okta delivery queued and what it skipped, with the skips' reasons", () => {
    expect(
      line({
        message: 'okta events received',
        leavers: [{ username: 'john.doe@example.com', eventType: 'user.lifecycle.deactivate' }],
        skipped: 1,
      }),
    ).toBe('INFO  okta events received  leavers=john.doe@example.com skipped=1')
    expect(
      line({
        message: 'okta events skipped',
        skipped: [{ reason: 'not_a_leaver' }, { reason: 'not_a_leaver' }, { reason: 'no_email' }],
      }),
    ).toBe('INFO  okta events skipped  skipped=3 (not_a_leaver, no_email)')
    expect(line({ message: 'okta events received', leavers: [], skipped: 0 })).toBe(
      'INFO  okta events received  leavers=(none) skipped=0',
    )
  })

  it('shows odd entries as they are, and never throws', () => {
    expect(line({ message: 'm', leavers: [null, 'x@y.z'], skipped: [null] })).toBe(
      'INFO  m  leavers=null,x@y.z skipped=1 (null)',
    )
    expect(line({ message: 'm', requestedBy: null })).toBe('INFO  m')
  })

  it('leaves metric lines out and passes anything else through as it came', () => {
    expect(readableLine('{"_aws":{"Timestamp":1}}')).toBeUndefined()
    expect(readableLine('   ')).toBeUndefined()
    expect(readableLine('offline: POST /revocations')).toBe('offline: POST /revocations')
    expect(readableLine('{"level":"INFO", broken')).toBe('{"level":"INFO", broken')
  })
})
