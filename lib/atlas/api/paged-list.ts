/**
 * Reading every page of a `{results, totalCount}` list. Pages are read until a short one: that
 * is the end. `totalCount` is an estimate (MongoDB's spec says so), so a list that ends with
 * another count than Atlas gave is noted, never failed; a list longer than the page cap is not
 * read to its end, and nothing may be concluded from it.
 */

import type { Outcome } from '../../outcome.ts'
import type { AtlasSession, CallShape } from '../http/index.ts'
import { PAGE_SIZE } from './endpoints.ts'
import { type ListedPage, readListResult, readPage } from './lists.ts'
import type { Scope } from './scope.ts'

/** Pages read at most: 10,000 entries, far more than one organization's pending invitations. */
export const MAX_PAGES = 20

export type PagedList<T> =
  | {
      readonly kind: 'listed'
      readonly items: readonly T[]
      /** Set when Atlas's count differs from what the pages held. */
      readonly note?: string
    }
  | { readonly kind: 'failed'; readonly outcome: Outcome }

export async function readAllPages<T>(
  session: AtlasSession,
  pageCall: (pageNum: number) => CallShape,
  scope: Scope,
  what: string,
  readItem: (item: unknown) => T | undefined,
  maxPages = MAX_PAGES,
): Promise<PagedList<T>> {
  const items: T[] = []
  for (let pageNum = 1; pageNum <= maxPages; pageNum++) {
    const result = await session.call(pageCall(pageNum))
    const page = readListResult(result, scope, what, (body) => readPage(body, readItem))
    if (page.kind === 'failed') return page
    items.push(...page.value.items)
    if (page.value.items.length < PAGE_SIZE) return listed(items, page.value, what)
  }
  return {
    kind: 'failed',
    outcome: {
      outcome: 'invalid',
      status: 200,
      detail: `${what} is longer than ${maxPages} pages of ${PAGE_SIZE} (the cap): it was not read to its end, so nothing is concluded from it`,
      retryable: false,
    },
  }
}

function listed<T>(items: T[], last: ListedPage<T>, what: string): PagedList<T> {
  const { totalCount } = last
  if (totalCount === undefined || totalCount === items.length) return { kind: 'listed', items }
  return {
    kind: 'listed',
    items,
    note: `Atlas counted ${totalCount} in ${what} but its pages held ${items.length} (the count is an estimate)`,
  }
}
