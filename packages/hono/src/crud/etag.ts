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

/** One entity tag of a precondition header: its opaque value and whether it is weak (`W/"…"`). */
export interface EntityTag {
  value: string
  weak: boolean
}

/**
 * Reads an `If-Match`/`If-None-Match` value (RFC 9110 §8.8.3, §13.1.1): `*`, or a comma-separated
 * list of entity tags. A member that is not an entity tag is dropped (it can match nothing).
 */
export function parseEntityTags(header: string): '*' | EntityTag[] {
  if (header.trim() === '*') return '*'
  const tags: EntityTag[] = []
  for (const m of header.matchAll(/(W\/)?"([^"]*)"/g)) tags.push({ value: m[2] as string, weak: m[1] !== undefined })
  return tags
}

/** True when an `If-None-Match` header names the record's version (weak comparison) or is `*`. */
export function matchesIfNoneMatch(header: string | undefined, record: { $etag?: string }): boolean {
  if (!header || record.$etag === undefined) return false
  const tags = parseEntityTags(header)
  if (tags === '*') return true
  const current = bare(record.$etag)
  return tags.some((tag) => tag.value === current)
}

/**
 * What an `If-Match` header asks of a write (strong comparison, RFC 9110 §13.1.1):
 * `none` (no header, or `*`: any existing record), `version` (one strong tag: the repository's
 * conditional write checks it), or `oneOf` (several strong tags; `[]` when only weak or malformed
 * tags were sent, which never match).
 */
export type IfMatch = { kind: 'none' } | { kind: 'version'; version: string } | { kind: 'oneOf'; versions: string[] }

/** Reads an `If-Match` header. */
export function readIfMatch(header: string | undefined): IfMatch {
  if (header === undefined) return { kind: 'none' }
  const tags = parseEntityTags(header)
  if (tags === '*') return { kind: 'none' }
  const strong = [...new Set(tags.filter((t) => !t.weak).map((t) => t.value))]
  if (strong.length === 1) return { kind: 'version', version: strong[0] as string }
  return { kind: 'oneOf', versions: strong }
}
