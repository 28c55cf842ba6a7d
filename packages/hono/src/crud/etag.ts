/** The quoted HTTP entity tag of a record's `$etag`. */
export function etagOf(record: { $etag?: string }): string | undefined {
  if (record.$etag === undefined) return undefined
  return `"${bare(record.$etag)}"`
}

/** An entity tag without `W/` and quotes. */
export function bare(tag: string): string {
  return tag
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1')
}

/** True when an `If-None-Match` header names the record's version (or is `*`). */
export function matchesIfNoneMatch(header: string | undefined, record: { $etag?: string }): boolean {
  if (!header || record.$etag === undefined) return false
  const current = bare(record.$etag)
  return header.split(',').some((tag) => tag.trim() === '*' || bare(tag) === current)
}

/** The `If-Match` version to hand to the repository (unquoted), or `undefined`; `*` means any version. */
export function ifMatchOf(header: string | undefined): string | undefined {
  if (!header || header.trim() === '*') return undefined
  return bare(header.split(',')[0] ?? '')
}
