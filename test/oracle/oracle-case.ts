/**
 * One oracle case as data fast-check draws and shrinks: a world, a deployment's settings, an
 * entry point, one request, the open behaviours of Atlas, and a script of catalogue picks that
 * answer the case's requests one by one.
 */
import fc from 'fast-check'
import type { SimulatorBehaviour } from '../../dev/simulator/atlas-simulator.ts'
import type { AtlasApi } from '../../lib/atlas/api/api-mode.ts'
import { LEAVER, LEAVER_MEMBER_ID, orgId, SPELLINGS, type World, type WorldSpec } from './world.ts'

export type RequestSpec =
  | {
      readonly kind: 'id'
      /**
       * A leaver's invitation (any scope) or Users API id, someone else's, the leaver's own id as
       * an active member (never removed by id), or an id nobody has.
       */
      readonly target: 'leaver' | 'leaverUser' | 'other' | 'member' | 'unknown'
      readonly index: number
      /** The organization the request names (perhaps not the invitation's). */
      readonly org: number
      readonly dryRun: boolean
    }
  | {
      readonly kind: 'person'
      readonly spelling: number
      /** One organization, all the owned ones, or none named (the deployment's scope). */
      readonly orgs: 'one' | 'owned' | 'unnamed'
      readonly org: number
      readonly dryRun: boolean
    }

/**
 * A case's history with the ledger on (LEDGER_TABLE set for every entry): earlier requests by
 * id, run through the same entry before the case's own (Atlas answering plainly, each recorded
 * in the ledger by the entry itself), then perhaps the people they revoked invited again.
 */
export interface LedgerHistory {
  /** `null`: the case's own request by id (not a dry run), or the leaver's first invitation. */
  readonly earlier: readonly (EarlierRequest | null)[]
  /**
   * What became of the invitations the earlier requests removed: nothing (still gone), invited
   * again under the same id (Atlas never does; the ledger must not be believed over Atlas), or
   * under a new one.
   */
  readonly again: 'none' | 'same' | 'new'
  /** Invited again under a new id: the case's request asks for the new id rather than the old. */
  readonly askNew: boolean
  /**
   * `own`: the case's request is by id for the leaver's first invitation (made the
   * organization's own, not a project's), naming its organization: the history's likeliest
   * target. `drawn`: the request as drawn.
   */
  readonly aim: 'own' | 'drawn'
}

export interface EarlierRequest {
  readonly target: 'leaver' | 'leaverUser' | 'other'
  readonly index: number
  /** The organization it names; absent: the invitation's own. */
  readonly org: number | undefined
}

/** A catalogue pick for one request: whether it interferes, which row, which form. */
export interface Pick {
  /** 0–99: the request meets the catalogue when below the case's chaos. */
  readonly roll: number
  readonly row: number
  readonly variant: number
}

export interface OracleCase {
  readonly entry: 'http' | 'queue' | 'cli'
  /** The CLI's `--pretty` / `--envelope` (Atlas then answers in that format). */
  readonly cliFormat: 'plain' | 'pretty' | 'envelope'
  readonly api: AtlasApi
  readonly credentials: 'key' | 'account'
  readonly includeProjects: boolean
  /** Users mode only; off forbids projects (a configuration error otherwise). */
  readonly searchInvitationsApi: boolean
  /** REMOVE_ACTIVE_MEMBERS for the functions (the CLI has no such setting: never removes one). */
  readonly removeActiveMembers: boolean
  /** PROTECTED_USERNAMES names the leaver (in another spelling than any drawn). */
  readonly protectLeaver: boolean
  readonly allowlist: 'unset' | 'owned' | 'first'
  readonly world: WorldSpec
  readonly request: RequestSpec
  readonly behaviour: Partial<SimulatorBehaviour>
  /** Percent of requests answered from the catalogue rather than by Atlas. */
  readonly chaos: number
  /** Which requests the catalogue may answer: any, or only removals, reads or token requests. */
  readonly focus: 'any' | 'DELETE' | 'GET' | 'token'
  readonly script: readonly (Pick | null)[]
  /** With the ledger, and this history before the request; absent: no ledger (most cases). */
  readonly ledger: LedgerHistory | undefined
}

/** True with probability `p`. */
const chance = (p: number) => fc.integer({ min: 0, max: 99 }).map((n) => n < p * 100)

const place = fc.record(
  { org: fc.nat(2), project: fc.option(fc.nat(1), { nil: undefined, freq: 3 }) },
  { requiredKeys: ['org'] },
)

const world: fc.Arbitrary<WorldSpec> = fc.record({
  owned: fc.integer({ min: 1, max: 3 }),
  memberOrg: chance(0.2),
  projects: fc.array(fc.nat(2), { minLength: 3, maxLength: 3 }),
  leaverInvitations: fc.array(fc.record({ place, spelling: fc.nat(2) }), {
    minLength: 1,
    maxLength: 4,
  }),
  otherInvitations: fc.array(place, { maxLength: 3 }),
  activeIn: fc.option(fc.nat(2), { nil: undefined, freq: 3 }),
  activeSpelling: fc.nat(2),
  activeAlso: chance(0.4),
  activeOwner: chance(0.3),
  otherOwner: chance(0.5),
})

const request: fc.Arbitrary<RequestSpec> = fc.oneof(
  fc.record({
    kind: fc.constant('id' as const),
    target: fc.constantFrom(
      'leaver' as const,
      'leaver' as const,
      'leaverUser' as const,
      'other' as const,
      'member' as const,
      'unknown' as const,
    ),
    index: fc.nat(3),
    org: fc.nat(2),
    dryRun: chance(0.25),
  }),
  fc.record({
    kind: fc.constant('person' as const),
    spelling: fc.nat(2),
    orgs: fc.constantFrom('one' as const, 'owned' as const, 'unnamed' as const),
    org: fc.nat(2),
    dryRun: chance(0.25),
  }),
)

const behaviour: fc.Arbitrary<Partial<SimulatorBehaviour>> = fc.record(
  {
    notFoundNamesId: chance(0.7),
    listsIgnoreFilters: chance(0.2),
    usernameFilterCaseSensitive: fc.boolean(),
    usersListHidesLegacyInvitations: chance(0.2),
    totalCountOver: fc.constantFrom(0, 0, 0, 3),
    callersListedAsUsers: chance(0.2),
    usersListOmitsRoles: chance(0.2),
    nonceReuse: fc.constantFrom('accepted' as const, 'ordered' as const, 'refused' as const),
    invitationsRemoved: fc.constantFrom(
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      'gone' as const,
      'json' as const,
      'html' as const,
    ),
  },
  { requiredKeys: [] },
)

const pick: fc.Arbitrary<Pick> = fc.record({
  roll: fc.nat(99),
  row: fc.nat(1000),
  variant: fc.nat(11),
})

const earlier: fc.Arbitrary<EarlierRequest> = fc.record({
  target: fc.constantFrom(
    'leaver' as const,
    'leaver' as const,
    'leaverUser' as const,
    'other' as const,
  ),
  index: fc.nat(3),
  org: fc.option(fc.nat(2), { nil: undefined, freq: 2 }),
})

const history: fc.Arbitrary<LedgerHistory> = fc.record({
  earlier: fc.array(fc.option(earlier, { nil: null, freq: 2 }), { minLength: 1, maxLength: 2 }),
  again: fc.constantFrom('none' as const, 'none' as const, 'same' as const, 'new' as const),
  askNew: fc.boolean(),
  aim: fc.constantFrom('own' as const, 'own' as const, 'own' as const, 'drawn' as const),
})

/** The share of cases with the ledger and a history: a quarter. */
const ledgerHistory: fc.Arbitrary<LedgerHistory | undefined> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: history },
)

export const oracleCase: fc.Arbitrary<OracleCase> = fc
  .record({
    entry: fc.constantFrom('http' as const, 'queue' as const, 'cli' as const),
    cliFormat: fc.constantFrom(
      'plain' as const,
      'plain' as const,
      'pretty' as const,
      'envelope' as const,
    ),
    api: fc.constantFrom('v1' as const, 'v2' as const, 'users' as const),
    credentials: fc.constantFrom('key' as const, 'account' as const),
    includeProjects: chance(0.4),
    searchInvitationsApi: chance(0.7),
    removeActiveMembers: chance(0.5),
    protectLeaver: chance(0.2),
    allowlist: fc.constantFrom('unset' as const, 'owned' as const, 'first' as const),
    world,
    request,
    behaviour,
    chaos: fc.constantFrom(0, 20, 50, 80),
    focus: fc.constantFrom(
      'any' as const,
      'DELETE' as const,
      'DELETE' as const,
      'GET' as const,
      'token' as const,
    ),
    script: fc.array(fc.option(pick, { nil: null, freq: 4 }), { maxLength: 24, size: 'medium' }),
    ledger: ledgerHistory,
  })
  .map((drawn) => (drawn.ledger?.aim === 'own' ? aimedAtOwn(drawn) : drawn))
  // Users mode without the invitations API cannot search projects: a configuration error.
  .map((drawn) =>
    drawn.api === 'users' && !drawn.searchInvitationsApi
      ? { ...drawn, includeProjects: false }
      : {
          ...drawn,
          searchInvitationsApi: drawn.api === 'users' ? drawn.searchInvitationsApi : true,
        },
  )

/**
 * A case whose request is by id for the leaver's first invitation, an organization's own (by
 * its Users API id, perhaps, in users mode), and the leaver a member nowhere (a member is not
 * invited to their organization).
 */
function aimedAtOwn<
  Drawn extends {
    readonly world: WorldSpec
    readonly request: RequestSpec
    readonly api: AtlasApi
  },
>(drawn: Drawn): Drawn {
  const [first, ...rest] = drawn.world.leaverInvitations
  if (!first) return drawn
  const target =
    drawn.api === 'users' && drawn.request.kind === 'id' && drawn.request.target === 'leaverUser'
      ? 'leaverUser'
      : 'leaver'
  return {
    ...drawn,
    world: {
      ...drawn.world,
      activeIn: undefined,
      leaverInvitations: [{ ...first, place: { org: first.place.org } }, ...rest],
    },
    request: {
      kind: 'id',
      target,
      index: 0,
      org: first.place.org,
      dryRun: drawn.request.dryRun,
    },
  }
}

/** The revoke request a case sends, in the schema every entry point accepts. */
export interface ResolvedRequest {
  readonly orgId?: string
  readonly orgIds?: readonly string[]
  readonly invitationId?: string
  readonly username?: string
  readonly dryRun: boolean
}

export function resolveRequest(spec: RequestSpec, built: World): ResolvedRequest {
  const org = built.orgs[spec.org % built.orgs.length] as string
  if (spec.kind === 'id') {
    const ids =
      spec.target === 'leaver'
        ? built.leaverInvitationIds
        : spec.target === 'leaverUser'
          ? built.leaverUserIds
          : spec.target === 'other'
            ? built.otherInvitationIds
            : spec.target === 'member'
              ? [LEAVER_MEMBER_ID]
              : []
    const invitationId = ids[spec.index % Math.max(1, ids.length)] ?? 'dddddddddddddddddddddddd'
    return { orgId: org, invitationId, dryRun: spec.dryRun }
  }
  const username = SPELLINGS[spec.spelling % SPELLINGS.length] ?? LEAVER
  if (spec.orgs === 'one') return { orgId: org, username, dryRun: spec.dryRun }
  if (spec.orgs === 'owned') return { orgIds: built.orgs, username, dryRun: spec.dryRun }
  return { username, dryRun: spec.dryRun }
}

/** PROTECTED_USERNAMES for the case: the leaver, spelt as no request or invitation spells them. */
export function protectedUsernames(oracle: OracleCase): string | undefined {
  return oracle.protectLeaver
    ? ` ${LEAVER.replace('leaver', 'LeAvEr')} , ${'nobody@example.com'}`
    : undefined
}

/** ALLOWED_ORG_IDS for the case: unset, every owned organization, or the first only. */
export function allowedOrgIds(oracle: OracleCase, built: World): readonly string[] | undefined {
  if (oracle.allowlist === 'unset') return undefined
  return oracle.allowlist === 'owned' ? built.orgs : [orgId(0)]
}
