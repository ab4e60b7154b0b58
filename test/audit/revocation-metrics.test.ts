import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  countDeprecation,
  countRevocation,
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

  it('count deprecation notices', () => {
    const { sink, emitted } = recorder()
    countDeprecation(sink)
    expect(emitted).toEqual([['DeprecationNotice', 'Count', 1]])
  })

  it('reach CloudWatch as EMF lines: namespace, service dimension, each metric its own dimensions', () => {
    const written: string[] = []
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk))
      return true
    })
    const sink = powertoolsMetrics({ POWERTOOLS_METRICS_NAMESPACE: 'AtlasInviteRevoker' })
    countRevocation(sink, report({ outcome: 'unauthorized' }), 'okta')
    vi.restoreAllMocks()
    const lines = written
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.startsWith('{"_aws"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(lines.find((line) => 'KeyRefused' in line)).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'AtlasInviteRevoker',
            Dimensions: [['service']],
            Metrics: [{ Name: 'KeyRefused', Unit: 'Count' }],
          },
        ],
      },
      service: 'atlas-invite-revoker',
      KeyRefused: 1,
    })
    expect(lines.find((line) => 'Revocations' in line)).toMatchObject({
      trigger: 'okta',
      outcome: 'unauthorized',
      Revocations: 1,
    })
  })
})
