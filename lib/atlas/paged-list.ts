/**
 * Reading every page of a `{results, totalCount}` list. Pages are read until a short one; the
 * count Atlas gives is an estimate, so it never ends the reading early, but a list that ends
 * with fewer items than Atlas counted is not trusted: something was not seen.
 */

import type { Outcome } from '../outcome.ts'
import { readListResult, type Scope } from './atlas-adapter.ts'
import { readPage } from './atlas-lists.ts'
import type { AtlasSession, CallShape } from './atlas-session.ts'
import { PAGE_SIZE } from './scope-endpoints.ts'

/** Pages read at most (5,000 items): a list for one username, or of orgs or projects, is never that long. */
export const MAX_PAGES = 10

export async function readAllPages<T>(
  session: AtlasSession,
  pageCall: (pageNum: number) => CallShape,
  scope: Scope,
  what: string,
  readItem: (item: unknown) => T | undefined,
): Promise<
  | { readonly kind: 'listed'; readonly items: readonly T[] }
  | { readonly kind: 'failed'; readonly outcome: Outcome }
> {
  const items: T[] = []
  for (let pageNum = 1; pageNum <= MAX_PAGES; pageNum++) {
    const result = await session.call(pageCall(pageNum))
    const page = readListResult(result, scope, what, (body) => readPage(body, readItem))
    if (page.kind === 'failed') return page
    items.push(...page.value.items)
    if (page.value.items.length < PAGE_SIZE) {
      const { totalCount } = page.value
      if (totalCount !== undefined && items.length < totalCount) {
        return {
          kind: 'failed',
          outcome: {
            outcome: 'upstream_error',
            status: 200,
            detail: `Atlas listed ${items.length} items of ${what} but counts ${totalCount}`,
            retryable: true,
          },
        }
      }
      return { kind: 'listed', items }
    }
  }
  return {
    kind: 'failed',
    outcome: {
      outcome: 'upstream_error',
      status: 200,
      detail: `${what} ran past ${MAX_PAGES} pages of ${PAGE_SIZE}`,
      retryable: true,
    },
  }
}
