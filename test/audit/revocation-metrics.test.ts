import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  countDeprecation,
  countRevocation,
  countSkipped,
  type MetricSink,
  powertoolsMetrics,
} from '../../lib/audit/revocation-metrics.ts'
import { revokeReport } from '../support/revoke-reports.ts'

const ORG = 'a0123456789abcdef012345a'
const report = revokeReport

function recorder() {
  const emitted: unknown[][] = []
  const sink: MetricSink = { emit: (...args) => emitted.push(args) }
  return { sink, emitted }
}

afterEach(() => vi.restoreAllMocks())

/** The EMF lines `emitting` prints to stdout. */
function emfLines(emitting: () => void): Record<string, unknown>[] {
  const written: string[] = []
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk))
    return true
  })
  try {
    emitting()
  } finally {
    vi.restoreAllMocks()
  }
  return written
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.startsWith('{"_aws"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

type EmfLine = {
  _aws: { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] }
}
const metricName = (line: Record<string, unknown>) =>
  (line as EmfLine)._aws.CloudWatchMetrics[0]?.Metrics[0]?.Name
const dimensionSets = (line: Record<string, unknown>) =>
  (line as EmfLine)._aws.CloudWatchMetrics.flatMap((metrics) => metrics.Dimensions)

describe('revocation metrics', () => {
  it('count every request per trigger and outcome, with its Atlas requests and duration', () => {
    const { sink, emitted } = recorder()
    countRevocation(sink, report(), 'webhook')
    expect(emitted).toEqual([
      ['Revocations', 'Count', 1, { trigger: 'webhook', outcome: 'revoked' }],
      ['AtlasAttempts', 'Count', 3, { trigger: 'webhook' }],
      ['RevocationDuration', 'Milliseconds', 42, { trigger: 'webhook' }],
    ])
  })

  it('count a refused key wherever it shows: the request, one revocation, one search', () => {
    for (const refused of [
      report({ outcome: 'unauthorized' }),
      report({
        revocations: [{ orgId: ORG, outcome: 'forbidden', retryable: false }],
        outcome: 'forbidden',
      }),
      report({
        searched: [{ orgId: ORG, failure: { outcome: 'forbidden', retryable: false } }],
        outcome: 'forbidden',
      }),
    ]) {
      const { sink, emitted } = recorder()
      countRevocation(sink, refused, 'queue')
      expect(emitted.at(-1)).toEqual(['KeyRefused', 'Count', 1])
    }
    const { sink, emitted } = recorder()
    countRevocation(sink, report({ outcome: 'upstream_error' }), 'queue')
    expect(emitted.map(([name]) => name)).not.toContain('KeyRefused')
  })

  it('count every member removed (MemberRemoved), and every member an offboarding left in place (ActiveMember), never a dry run’s', () => {
    const member = (outcome: 'removed_member' | 'active_member' | 'would_remove', orgId = ORG) =>
      ({ orgId, userId: 'u', outcome, retryable: false }) as never
    const removed = recorder()
    countRevocation(
      removed.sink,
      report({
        outcome: 'removed_member',
        revocations: [member('removed_member'), member('removed_member', 'other')],
      }),
      'okta',
    )
    expect(removed.emitted.slice(3)).toEqual([['MemberRemoved', 'Count', 2]])
    const kept = recorder()
    countRevocation(
      kept.sink,
      report({ outcome: 'active_member', revocations: [member('active_member')] }),
      'queue',
    )
    expect(kept.emitted.slice(3)).toEqual([['ActiveMember', 'Count', 1]])
    const dryRun = recorder()
    countRevocation(
      dryRun.sink,
      report({
        outcome: 'active_member',
        request: { kind: 'username', username: 'a@b.c', dryRun: true } as never,
        revocations: [member('active_member'), member('would_remove')],
      }),
      'webhook',
    )
    expect(dryRun.emitted.slice(3)).toEqual([])
  })

  it('count deprecation notices', () => {
    const { sink, emitted } = recorder()
    countDeprecation(sink)
    expect(emitted).toEqual([['DeprecationNotice', 'Count', 1]])
  })

  it('reach CloudWatch as EMF lines: namespace, service and stage dimensions, each metric its own dimensions', () => {
    const sink = powertoolsMetrics({
      POWERTOOLS_METRICS_NAMESPACE: 'AtlasInviteRevoker',
      STAGE: 'prod',
    })
    const lines = emfLines(() => countRevocation(sink, report({ outcome: 'unauthorized' }), 'okta'))
    expect(lines.find((line) => 'KeyRefused' in line)).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'AtlasInviteRevoker',
            Dimensions: [['service', 'stage']],
            Metrics: [{ Name: 'KeyRefused', Unit: 'Count' }],
          },
        ],
      },
      service: 'atlas-invite-revoker',
      stage: 'prod',
      KeyRefused: 1,
    })
    expect(lines.find((line) => 'Revocations' in line)).toMatchObject({
      trigger: 'okta',
      outcome: 'unauthorized',
      stage: 'prod',
      Revocations: 1,
    })
  })

  it('publish each line from one instance: a refused metric leaves nothing on the next line', () => {
    const sink = powertoolsMetrics({ STAGE: 'prod' })
    const lines = emfLines(() => {
      sink.emit('Revocations', 'Count', 1, { trigger: 'queue', outcome: 'revoked' })
      expect(() => sink.emit('', 'Count', 1, { trigger: 'queue', reason: 'refused' })).toThrow(
        RangeError,
      )
      sink.emit('KeyRefused', 'Count', 1)
    })
    expect(lines).toHaveLength(2)
    expect(lines[1]).toEqual({
      _aws: {
        Timestamp: expect.any(Number),
        CloudWatchMetrics: [
          {
            Namespace: 'AtlasInviteRevoker',
            Dimensions: [['service', 'stage']],
            Metrics: [{ Name: 'KeyRefused', Unit: 'Count' }],
          },
        ],
      },
      service: 'atlas-invite-revoker',
      stage: 'prod',
      KeyRefused: 1,
    })
  })

  it("put the stage on every metric emitted, so the stage's alarms (service + stage) see exactly their own", () => {
    const sink = powertoolsMetrics({ STAGE: 'staging' })
    const lines = emfLines(() => {
      countRevocation(sink, report({ outcome: 'unauthorized', nonceReuseStopped: true }), 'webhook')
      countRevocation(sink, report({ outcome: 'not_found' }), 'iam')
      countRevocation(
        sink,
        report({
          outcome: 'active_member',
          revocations: [
            { orgId: ORG, outcome: 'removed_member', retryable: false } as never,
            { orgId: ORG, outcome: 'active_member', retryable: false } as never,
          ],
        }),
        'okta',
      )
      countDeprecation(sink)
      countSkipped(
        sink,
        [{ reason: 'not_a_leaver' }, { reason: 'outcome_not_success' }],
        new Set(['outcome_not_success']),
        'okta',
      )
      // What lib/triggers emits itself (refusals, the Okta route, the sweep).
      sink.emit('Refused', 'Count', 1, { reason: 'bad_signature' })
      sink.emit('LeaverNotQueued', 'Count', 2)
      for (const name of ['SweepChecked', 'Reappeared', 'SweepFailed']) sink.emit(name, 'Count', 1)
    })
    expect(lines.map(metricName).sort()).toEqual(
      [
        'AtlasAttempts',
        'AtlasAttempts',
        'AtlasAttempts',
        'ActiveMember',
        'DeprecationNotice',
        'Ignored',
        'Ignored',
        'KeyRefused',
        'LeaverNotQueued',
        'LeaverSkipped',
        'MemberRemoved',
        'NonceReuseStopped',
        'NotFound',
        'Reappeared',
        'Refused',
        'RevocationDuration',
        'RevocationDuration',
        'RevocationDuration',
        'Revocations',
        'Revocations',
        'Revocations',
        'SweepChecked',
        'SweepFailed',
      ].sort(),
    )
    for (const line of lines) {
      expect(line.stage, metricName(line)).toBe('staging')
      for (const dimensions of dimensionSets(line))
        expect(dimensions, metricName(line)).toEqual(expect.arrayContaining(['service', 'stage']))
    }
    // The alarmed metrics: exactly service and stage, the dimensions their alarms name.
    for (const name of [
      'KeyRefused',
      'NotFound',
      'DeprecationNotice',
      'LeaverSkipped',
      'LeaverNotQueued',
      'Reappeared',
      'MemberRemoved',
      'ActiveMember',
    ])
      expect(dimensionSets(lines.find((line) => metricName(line) === name) ?? {}), name).toEqual([
        ['service', 'stage'],
      ])
    // Refused: per reason; its alarm sums every reason of the stage.
    const refused = lines.find((line) => metricName(line) === 'Refused') ?? {}
    expect(dimensionSets(refused).map((set) => [...set].sort())).toEqual([
      ['reason', 'service', 'stage'],
    ])
    expect(refused).toMatchObject({ reason: 'bad_signature', Refused: 1 })
  })

  it('name the stage "unset" rather than leave it off when STAGE is not set', () => {
    for (const env of [{}, { STAGE: ' ' }]) {
      const lines = emfLines(() => countDeprecation(powertoolsMetrics(env)))
      expect(lines).toEqual([expect.objectContaining({ stage: 'unset', DeprecationNotice: 1 })])
      expect(dimensionSets(lines[0] ?? {})).toEqual([['service', 'stage']])
    }
  })
})
