/**
 * Atlas's paginated lists: `{links, results, totalCount}`, pages chosen by `pageNum` (from 1)
 * and `itemsPerPage` (default 100, at most 500), `totalCount` left out when `includeCount=false`.
 */

export interface Page {
  readonly links: readonly { readonly href: string; readonly rel: string }[]
  readonly results: readonly { readonly [field: string]: unknown }[]
  readonly totalCount?: number
}

export const MAX_ITEMS_PER_PAGE = 500

export function paginate(
  items: readonly { readonly [field: string]: unknown }[],
  query: URLSearchParams,
  path: string,
  /** Added to `totalCount`: the spec calls it an estimate, and an estimate may be over. */
  overcount = 0,
): Page {
  const pageNum = whole(query.get('pageNum'), 1, 1, Number.MAX_SAFE_INTEGER)
  const itemsPerPage = whole(query.get('itemsPerPage'), 100, 1, MAX_ITEMS_PER_PAGE)
  const includeCount = query.get('includeCount') !== 'false'
  const self = new URLSearchParams(query)
  self.set('pageNum', String(pageNum))
  self.set('itemsPerPage', String(itemsPerPage))
  const start = (pageNum - 1) * itemsPerPage
  return {
    links: [{ href: `http://localhost:8080${path}?${self}`, rel: 'self' }],
    results: items.slice(start, start + itemsPerPage),
    ...(includeCount ? { totalCount: items.length + overcount } : {}),
  }
}

function whole(value: string | null, fallback: number, min: number, max: number): number {
  const number = Number(value ?? fallback)
  return Number.isInteger(number) ? Math.min(max, Math.max(min, number)) : fallback
}
