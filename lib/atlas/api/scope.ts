/** Where invitations live: an organization, or one of its projects. */
export interface Scope {
  readonly orgId: string
  /** A project (Atlas calls them groups); absent for the organization itself. */
  readonly groupId?: string
}

/** The scope's ids, the organization first: what a 404 may name as not found. */
export function containersOf(scope: Scope): string[] {
  return scope.groupId === undefined ? [scope.orgId] : [scope.orgId, scope.groupId]
}

/** The fields of a revocation that say where it happened. */
export function whereOf(scope: Scope): Scope {
  return scope.groupId === undefined
    ? { orgId: scope.orgId }
    : { orgId: scope.orgId, groupId: scope.groupId }
}
