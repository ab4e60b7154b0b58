/** Atlas's `Deprecation` and `Sunset` headers (RFC 9745, RFC 8594), read from an answer. */

export interface DeprecationNotice {
  readonly path: string
  readonly deprecation: string | undefined
  readonly sunset: string | undefined
}

export function deprecationNotice(
  path: string,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): DeprecationNotice | undefined {
  const deprecation = first(headers.deprecation)
  const sunset = first(headers.sunset)
  if (deprecation === undefined && sunset === undefined) return undefined
  return { path, deprecation, sunset }
}

/** Calls `report` with the first notice only: one warning per cold start is enough. */
export function firstNoticeOnly(
  report: (notice: DeprecationNotice) => void,
): (notice: DeprecationNotice) => void {
  let reported = false
  return (notice) => {
    if (reported) return
    reported = true
    report(notice)
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}
