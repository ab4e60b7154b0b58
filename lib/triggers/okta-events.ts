/**
 * Okta's word that someone is leaving, in the two shapes it arrives in: an Event Hook delivery
 * (`data.events[]`, each a System Log event) and one System Log event routed through Amazon
 * EventBridge (the event's `detail`). The leaver events are `user.lifecycle.deactivate`,
 * `user.lifecycle.suspend` and `user.lifecycle.delete.initiated`; the person is each `User`
 * target, known by `alternateId` (their login, an email). Other events are not ours. Pure.
 */

export const LEAVER_EVENT_TYPES: ReadonlySet<string> = new Set([
  'user.lifecycle.deactivate',
  'user.lifecycle.suspend',
  'user.lifecycle.delete.initiated',
])

/** One person to offboard, and the Okta event that said so. */
export interface OktaLeaver {
  readonly username: string
  /** The System Log event's `uuid`: Okta's own id, the same on a redelivery. */
  readonly oktaEventId: string | undefined
  readonly eventType: string
}

/** The leavers one System Log event names (none for any other event type). */
export function leaversOfSystemLogEvent(event: unknown): OktaLeaver[] {
  const fields = objectOf(event)
  const eventType = fields?.eventType
  if (typeof eventType !== 'string' || !LEAVER_EVENT_TYPES.has(eventType)) return []
  const targets = Array.isArray(fields?.target) ? fields.target : []
  const oktaEventId = typeof fields?.uuid === 'string' ? fields.uuid : undefined
  return targets.flatMap((target) => {
    const user = objectOf(target)
    return user?.type === 'User' && typeof user.alternateId === 'string'
      ? [{ username: user.alternateId, oktaEventId, eventType }]
      : []
  })
}

/** The events of an Event Hook delivery, or `undefined` when the body is not one. */
export function eventHookEvents(body: unknown): unknown[] | undefined {
  const events = objectOf(objectOf(body)?.data)?.events
  return Array.isArray(events) ? events : undefined
}

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}
