import { describe, expect, it } from 'vitest'
import {
  deleteInvitationCall,
  getInvitationCall,
  getOrgUserCall,
  listInvitationsCall,
  listOrganizationsCall,
  listOrgUsersCall,
  listProjectsCall,
  removeOrgUserCall,
} from '../../../lib/atlas/api/endpoints.ts'

const ORG = 'A0123456789ABCDEF012345A'
const GROUP = '6a793f89c0eb9e7a177165b6'
const ID = '5f0e1d2c3b4a59687766a001'

describe('the rate-limit scope each call spends', () => {
  it('is the organization an organization call names, whatever the API', () => {
    const orgScope = { orgId: ORG }
    const calls = [
      deleteInvitationCall('v1', orgScope, ID),
      getInvitationCall('v2', orgScope, ID),
      listInvitationsCall('v1', orgScope),
      listProjectsCall('v2', ORG, 1),
      listOrgUsersCall(ORG, { username: 'leaver@example.com' }, 1),
      getOrgUserCall(ORG, ID),
      removeOrgUserCall(ORG, ID),
    ]
    for (const call of calls) expect(call.rateLimitScope).toBe('orgs/a0123456789abcdef012345a')
  })

  it("is the project a project call names, not its organization's", () => {
    const projectScope = { orgId: ORG, groupId: GROUP }
    for (const call of [
      deleteInvitationCall('v2', projectScope, ID),
      getInvitationCall('v1', projectScope, ID),
      listInvitationsCall('v2', projectScope),
    ]) {
      expect(call.path).toContain(`/groups/${GROUP}/invites`)
      expect(call.rateLimitScope).toBe(`groups/${GROUP}`)
    }
  })

  it('is none (the global scope) for the list of organizations', () => {
    expect(listOrganizationsCall('v1', 1).rateLimitScope).toBeUndefined()
  })
})
