import { describe, expect, it } from 'vitest'
import { missingThing } from '../../../lib/atlas/api/not-found-evidence.ts'

const ORG = 'a0123456789abcdef012345a'
const INVITE = '6a793f89c0eb9e7a177165b6'
const notFound = (body: unknown) => ({ status: 404, headers: {}, body })

describe('missingThing: what a 404 is evidence of', () => {
  it.each([
    ['names the invitation', { errorCode: 'ANYTHING', parameters: [INVITE] }, 'target'],
    [
      'names it beside its container (which is missing?)',
      { parameters: [INVITE, ORG] },
      'unexplained',
    ],
    ['names the organization only', { errorCode: 'ORG_NOT_FOUND', parameters: [ORG] }, 'container'],
    [
      'is RESOURCE_NOT_FOUND for the path (a removed route)',
      {
        errorCode: 'RESOURCE_NOT_FOUND',
        parameters: [`/api/atlas/v1.0/orgs/${ORG}/invites/${INVITE}`],
      },
      'unexplained',
    ],
    ['names nothing', { errorCode: 'RESOURCE_NOT_FOUND', parameters: [] }, 'unexplained'],
    ['has no parameters', { errorCode: 'INVITATION_NOT_FOUND' }, 'unexplained'],
    ['is an HTML page', undefined, 'unexplained'],
    ['names the id with another type', { parameters: [Number.NaN, { id: INVITE }] }, 'unexplained'],
  ])('a 404 that %s → %s', (_what, body, expected) => {
    expect(missingThing(notFound(body), INVITE, [ORG])).toBe(expected)
  })

  it('cannot tell the target from the container when they are the same id', () => {
    expect(missingThing(notFound({ parameters: [ORG] }), ORG, [ORG])).toBe('unexplained')
  })

  it('reads nothing into answers that are not 404', () => {
    expect(
      missingThing({ status: 410, headers: {}, body: { parameters: [INVITE] } }, INVITE, []),
    ).toBe('unexplained')
  })

  it('for a list (no target), only a named container counts', () => {
    expect(missingThing(notFound({ parameters: [ORG] }), undefined, [ORG])).toBe('container')
    expect(missingThing(notFound({ parameters: ['x'] }), undefined, [ORG])).toBe('unexplained')
  })
})
