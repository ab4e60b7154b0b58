/**
 * The simulator's control routes under `/__simulator/` (not Atlas's): read the state and the
 * counters, reset the counters, set or queue faults, change the behaviour, add an invitation or
 * an active member.
 * `npm start`, the demo and the scripts drive a running simulator through them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { newObjectId } from './atlas-ids.ts'
import type { Fault, FaultInjector, FaultPlan } from './fault-injector.ts'
import type { OrgRole } from './member-registry.ts'
import { readJsonBody } from './read-body.ts'
import type { SimulatorCounters } from './request-recorder.ts'
import type { SimulatedAtlasState } from './simulated-atlas-state.ts'
import type { SimulatorBehaviour } from './simulator-behaviour.ts'

/** What the control routes act on: the simulator's own public API. */
export interface SimulatorControls {
  readonly state: SimulatedAtlasState
  readonly faults: FaultInjector
  counters(): SimulatorCounters
  resetCounters(): void
  behave(behaviour: Partial<SimulatorBehaviour>): SimulatorBehaviour
}

/** Answers one `/__simulator/…` request (`target` as received). */
export async function adminRoute(
  simulator: SimulatorControls,
  request: IncomingMessage,
  response: ServerResponse,
  target: string,
): Promise<void> {
  const reply = (status: number, body?: unknown) => {
    response.writeHead(status, { 'Content-Type': 'application/json' })
    response.end(body === undefined ? undefined : JSON.stringify(body))
  }
  const path = new URL(target, 'http://simulator').pathname
  const route = `${request.method} ${path}`
  const body = request.method === 'GET' ? undefined : await readJsonBody(request)
  switch (route) {
    case 'GET /__simulator/state':
      return reply(200, simulator.state.snapshot())
    case 'GET /__simulator/counters':
      return reply(200, simulator.counters())
    case 'POST /__simulator/counters/reset':
      simulator.resetCounters()
      return reply(204)
    case 'PUT /__simulator/faults':
      simulator.faults.configure((body ?? {}) as FaultPlan)
      return reply(200, simulator.faults.plan())
    case 'POST /__simulator/faults/next':
      simulator.faults.enqueue(...((Array.isArray(body) ? body : [body]) as Fault[]))
      return reply(204)
    case 'PUT /__simulator/behaviour':
      return reply(200, simulator.behave((body ?? {}) as Partial<SimulatorBehaviour>))
    case 'DELETE /__simulator/faults':
      simulator.faults.clear()
      return reply(204)
    case 'POST /__simulator/invitations': {
      const { orgId, username, id, groupId } = (body ?? {}) as {
        orgId?: string
        username?: string
        id?: string
        groupId?: string
      }
      if (!orgId || !username) return reply(400, { error: 'orgId and username are required' })
      return reply(
        201,
        simulator.state.invite({
          orgId,
          username,
          roles: ['ORG_MEMBER'],
          ...(id ? { id } : {}),
          ...(groupId ? { groupId } : {}),
        }),
      )
    }
    case 'POST /__simulator/members': {
      const { orgId, username, id, roles } = (body ?? {}) as {
        orgId?: string
        username?: string
        id?: string
        roles?: OrgRole[]
      }
      if (!orgId || !username) return reply(400, { error: 'orgId and username are required' })
      return reply(
        201,
        simulator.state.addMember({
          id: id ?? newObjectId(),
          orgId,
          username,
          roles: roles ?? ['ORG_MEMBER'],
        }),
      )
    }
    default:
      return reply(404, { error: `no simulator route ${route}` })
  }
}
