import { describe, expect, it } from 'vitest'
import { readAllPages } from '../../../lib/atlas/api/paged-list.ts'
import type { AtlasSession, CallResult, CallShape } from '../../../lib/atlas/http/session.ts'

const ORG = 'a0123456789abcdef012345a'
const item = (n: number) => ({ n })

/** A session whose GETs answer the pages given, one per pageNum. */
function pages(...bodies: unknown[]) {
  const asked: number[] = []
  const session = {
    call: async (shape: CallShape): Promise<CallResult> => {
      const pageNum = Number((shape.query as Record<string, string>).pageNum)
      asked.push(pageNum)
      return {
        kind: 'answered',
        earlierAttemptLost: false,
        response: {
          status: 200,
          headers: {},
          body: bodies[pageNum - 1],
          bodyKind: 'json',
          attempts: 1,
          earlierAttemptLost: false,
          nonceReuseStopped: false,
        },
      }
    },
  } as unknown as AtlasSession
  return { session, asked }
}

const read = (session: AtlasSession, maxPages?: number) =>
  readAllPages(
    session,
    (pageNum) => ({ method: 'GET', path: '/x', query: { pageNum: String(pageNum) } }),
    { orgId: ORG },
    'the user list',
    (value) => value as { n: number },
    maxPages,
  )

const full = Array.from({ length: 500 }, (_, n) => item(n))

describe('readAllPages', () => {
  it('reads until a short page, whatever totalCount says, and notes a count that is off', async () => {
    const { session, asked } = pages(
      { results: full, totalCount: 500 },
      { results: [item(500)], totalCount: 507 },
    )
    const listed = await read(session)
    expect(asked).toEqual([1, 2])
    expect(listed).toMatchObject({ kind: 'listed', note: expect.stringContaining('counted 507') })
    expect(listed.kind === 'listed' && listed.items).toHaveLength(501)
  })

  it('notes nothing when the count is right or absent', async () => {
    expect(await read(pages({ results: [item(1)], totalCount: 1 }).session)).not.toHaveProperty(
      'note',
    )
    expect(await read(pages({ results: [] }).session)).toEqual({ kind: 'listed', items: [] })
  })

  it('fails, saying so, when the list runs past the page cap', async () => {
    const { session } = pages({ results: full }, { results: full }, { results: full })
    expect(await read(session, 2)).toMatchObject({
      kind: 'failed',
      outcome: { outcome: 'invalid', detail: expect.stringContaining('not read to its end') },
    })
  })
})
