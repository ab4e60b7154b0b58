/**
 * Okta's word that someone is leaving, in the two shapes it arrives in: an Event Hook delivery
 * (`data.events[]`, each a System Log event) and one System Log event routed through Amazon
 * EventBridge from Okta's partner event source (an event whose `source` starts with
 * `aws.partner/okta.com`). The leaver events are `user.lifecycle.deactivate`,
 * `user.lifecycle.suspend` and `user.lifecycle.delete.initiated` with the outcome `SUCCESS`;
 * the person is each `User` target, known by `alternateId` (their login, an email). Everything
 * else is skipped with a reason, never silently. Pure.
 */
import { emailAddress } from '../revoke/revoke-request.ts'

export const LEAVER_EVENT_TYPES: ReadonlySet<string> = new Set([
  'user.lifecycle.deactivate',
  'user.lifecycle.suspend',
  'user.lifecycle.delete.initiated',
])

/** Okta's partner event sources on EventBridge: `aws.partner/okta.com/<org>/<name>`. */
export const OKTA_EVENT_SOURCE_PREFIX = 'aws.partner/okta.com'

/** One person to offboard, and the Okta event that said so. */
export interface OktaLeaver {
  /** Trimmed and lower-cased: the form in which it is compared and sent. */
  readonly username: string
  /** The System Log event's `uuid`: Okta's own id, the same on a redelivery. */
  readonly oktaEventId: string | undefined
  readonly eventType: string
}

/**
 * Why an event (or a whole delivery) asks for nothing. A leaver event skipped for its outcome or
 * its target is a leaver we could not act on: counted in `LeaverSkipped`, which has an alarm.
 */
export type SkipReason =
  | 'not_a_leaver_event'
  | 'outcome_not_success'
  | 'no_user_target'
  | 'login_not_email'
  | 'not_a_delivery'

export interface SkippedEvent {
  readonly reason: SkipReason
  readonly eventType?: string
  readonly oktaEventId?: string
  /** The people the event names (their Okta logins, as given): whom to offboard by hand. */
  readonly users?: readonly string[]
}

/** Reasons that mean a leaver may have been missed, not an event that was never ours. */
export const LEAVER_SKIPS: ReadonlySet<SkipReason> = new Set([
  'outcome_not_success',
  'no_user_target',
  'login_not_email',
  'not_a_delivery',
])

export interface ReadEvents {
  readonly leavers: readonly OktaLeaver[]
  readonly skipped: readonly SkippedEvent[]
}

/** The leavers one System Log event names, and what it skipped. */
export function readSystemLogEvent(event: unknown): ReadEvents {
  const fields = objectOf(event)
  const eventType = typeof fields?.eventType === 'string' ? fields.eventType : undefined
  const oktaEventId = typeof fields?.uuid === 'string' ? fields.uuid : undefined
  const about = {
    ...(eventType === undefined ? {} : { eventType }),
    ...(oktaEventId === undefined ? {} : { oktaEventId }),
  }
  const skip = (reason: SkipReason): ReadEvents => ({
    leavers: [],
    skipped: [{ reason, ...about }],
  })
  if (eventType === undefined || !LEAVER_EVENT_TYPES.has(eventType))
    return skip('not_a_leaver_event')
  const users = (Array.isArray(fields?.target) ? fields.target : [])
    .map(objectOf)
    .filter((target) => target?.type === 'User')
  const logins = users
    .map((user) => (typeof user?.alternateId === 'string' ? user.alternateId.slice(0, 254) : ''))
    .filter(Boolean)
  if (objectOf(fields?.outcome)?.result !== 'SUCCESS')
    return {
      leavers: [],
      skipped: [
        { reason: 'outcome_not_success', ...about, ...(logins.length ? { users: logins } : {}) },
      ],
    }
  if (users.length === 0) return skip('no_user_target')
  const leavers: OktaLeaver[] = []
  const skipped: SkippedEvent[] = []
  for (const user of users) {
    const login = typeof user?.alternateId === 'string' ? emailAddress(user.alternateId) : undefined
    if (login === undefined)
      skipped.push({
        reason: 'login_not_email',
        ...about,
        ...(typeof user?.alternateId === 'string'
          ? { users: [user.alternateId.slice(0, 254)] }
          : {}),
      })
    else leavers.push({ username: login, oktaEventId, eventType })
  }
  return { leavers, skipped }
}

/** Every event of an Event Hook delivery; a body that is not one is skipped whole. */
export function readEventHookDelivery(body: unknown): ReadEvents {
  const events = objectOf(objectOf(body)?.data)?.events
  if (!Array.isArray(events)) return { leavers: [], skipped: [{ reason: 'not_a_delivery' }] }
  const read = events.map(readSystemLogEvent)
  return {
    leavers: read.flatMap((one) => one.leavers),
    skipped: read.flatMap((one) => one.skipped),
  }
}

/** Whether an EventBridge event comes from an Okta partner event source. */
export function isOktaEvent(event: Readonly<Record<string, unknown>>): boolean {
  return typeof event.source === 'string' && event.source.startsWith(OKTA_EVENT_SOURCE_PREFIX)
}

/** Each person once: the first event that named them. */
export function distinctLeavers(leavers: readonly OktaLeaver[]): OktaLeaver[] {
  const seen = new Set<string>()
  return leavers.filter((leaver) => !seen.has(leaver.username) && seen.add(leaver.username))
}

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}
