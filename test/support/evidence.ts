/**
 * Evidence for tests of what is made of an outcome (reports, responses, logs). Production code
 * gets evidence only from lib/atlas/api/evidence.ts; the architecture test keeps this cast out of it.
 */
import type { Evidence, EvidenceFacts, Outcome, ProvenKind } from '../../lib/outcome.ts'

const FACTS: Readonly<Record<ProvenKind, EvidenceFacts>> = {
  revoked: { kind: 'removed', status: 204, relisted: false },
  already_gone: { kind: 'absent', by: 'named_404', was: 'seen_pending' },
  not_found: { kind: 'absent', by: 'named_404' },
  would_revoke: { kind: 'pending', by: 'listed' },
  removed_member: { kind: 'member_removed', by: 'removal', status: 204, relisted: false },
  would_remove: { kind: 'member', by: 'listed' },
  active_member: { kind: 'member', by: 'listed' },
}

export function testEvidence(kind: ProvenKind): Evidence {
  return FACTS[kind] as Evidence
}

/** A proven outcome as the ladder would make it. */
export function proven(kind: ProvenKind, fields: Partial<Outcome> = {}): Outcome {
  return { retryable: false, ...fields, outcome: kind, evidence: testEvidence(kind) } as Outcome
}
