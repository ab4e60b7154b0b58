/** Ids of the invitations the benchmark's simulator seeds: 24 hex digits, apart from the demo ones. */
export function benchInvitationId(i: number): string {
  return `be${i.toString(16).padStart(22, '0')}`
}
