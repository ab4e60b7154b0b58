import { describe, expect, it } from 'vitest'
import { normalizeUsername } from '../../../lib/atlas/api/username.ts'
import type { RevokeReport } from '../../../lib/revoke/revoke-report.ts'
import {
  HTTP_STATUS_OF_OUTCOME,
  reportResponse,
} from '../../../lib/triggers/http/http-responses.ts'
import { proven, testEvidence } from '../../support/evidence.ts'
import { revokeReport } from '../../support/revoke-reports.ts'

const ORG = 'a0123456789abcdef012345a'
const INVITE = '6a793f89c0eb9e7a177165b6'
const report = (fields: Partial<RevokeReport>): RevokeReport =>
  revokeReport({
    request: { kind: 'invitation', orgId: ORG, invitationId: INVITE, dryRun: false },
    attempts: 1,
    durationMs: 3,
    ...fields,
  })

describe('reportResponse', () => {
  it('maps every outcome to the documented status', () => {
    expect(HTTP_STATUS_OF_OUTCOME).toEqual({
      revoked: 200,
      already_gone: 200,
      unauthorized: 502,
      forbidden: 502,
      invalid: 502,
      throttled: 503,
      upstream_error: 503,
      active_member: 409,
      would_revoke: 200,
      not_found: 404,
      removed_member: 200,
      would_remove: 200,
    })
  })

  it('answers {outcome, orgId, invitationId, requestId}', () => {
    const response = reportResponse(report({}), 'req-1')
    expect(response.statusCode).toBe(200)
    expect(JSON.parse(response.body)).toEqual({
      outcome: 'revoked',
      orgId: ORG,
      invitationId: INVITE,
      evidence: testEvidence('revoked'),
      requestId: 'req-1',
    })
  })

  it('adds the Atlas errorCode to a 502 and Retry-After to a 503', () => {
    const refused = reportResponse(
      report({ outcome: 'forbidden', status: 403, errorCode: 'USER_UNAUTHORIZED' }),
      'r',
    )
    expect(JSON.parse(refused.body).errorCode).toBe('USER_UNAUTHORIZED')
    expect(
      reportResponse(report({ outcome: 'throttled', retryAfterSeconds: 12 }), 'r').headers[
        'retry-after'
      ],
    ).toBe('12')
    expect(reportResponse(report({ outcome: 'upstream_error' }), 'r').headers['retry-after']).toBe(
      '30',
    )
  })

  it('lists every search and every invitation for a username request', () => {
    const response = reportResponse(
      report({
        request: {
          kind: 'username',
          orgIds: [ORG],
          username: normalizeUsername('a@b.c'),
          dryRun: false,
        },
        searched: [{ orgId: ORG, found: 1 }],
        revocations: [{ orgId: ORG, invitationId: INVITE, ...proven('revoked', { status: 204 }) }],
      }),
      'r',
    )
    expect(JSON.parse(response.body)).toEqual({
      outcome: 'revoked',
      orgId: ORG,
      username: 'a@b.c',
      searched: [{ orgId: ORG, found: 1 }],
      invitations: [
        {
          orgId: ORG,
          invitationId: INVITE,
          outcome: 'revoked',
          evidence: testEvidence('revoked'),
        },
      ],
      evidence: testEvidence('revoked'),
      requestId: 'r',
    })
  })

  it('returns our explanation of a failure, never Atlas’s own text', () => {
    const body = JSON.parse(
      reportResponse(
        report({
          outcome: 'forbidden',
          status: 403,
          detail: 'ours',
          atlasDetail: 'IP address 203.0.113.9 is not allowed',
        }),
        'r',
      ).body,
    )
    expect(body.detail).toBe('ours')
    expect(JSON.stringify(body)).not.toContain('203.0.113.9')
  })
})
