import { compareUtf8 } from './byte-order.js'
import { decodeCursor, encodeCursor, type ListPosition } from './cursor.js'
import type { ListedObject, ListOptions, ListPage } from './types.js'
import { MAX_LIST_PAGE } from './types.js'

/** Index of the first key in `sorted` that is not below `target` (UTF-8 byte order). */
export function lowerBound(sorted: readonly string[], target: string): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (compareUtf8(sorted[mid] as string, target) < 0) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * Builds one S3-style listing page from keys sorted in UTF-8 byte order: prefix, startAfter, cursor,
 * limit and delimiter behave as in ListObjectsV2 (common prefixes count toward the limit).
 * `describe` turns a key into its listing entry; it is called only for the keys on the page.
 */
export async function pageFromSorted(
  sorted: readonly string[],
  prefix: string,
  options: ListOptions,
  describe: (key: string) => ListedObject | null | Promise<ListedObject | null>,
): Promise<Omit<ListPage, 'serverTime'>> {
  const limit = options.limit ?? MAX_LIST_PAGE
  const position: ListPosition | undefined = options.cursor ? decodeCursor(options.cursor) : undefined
  let after = options.startAfter
  if (position && (after === undefined || compareUtf8(position.after, after) > 0)) after = position.after
  let skipPrefix = position?.skipPrefix

  const start = after !== undefined && compareUtf8(after, prefix) >= 0 ? lowerBound(sorted, after) : lowerBound(sorted, prefix)
  const objects: ListedObject[] = []
  const commonPrefixes: string[] = []
  let last: ListPosition | undefined
  let more = false
  for (let i = start; i < sorted.length; i++) {
    const key = sorted[i] as string
    if (!key.startsWith(prefix)) {
      if (compareUtf8(key, prefix) > 0) break
      continue
    }
    if (after !== undefined && compareUtf8(key, after) <= 0) continue
    if (skipPrefix !== undefined && key.startsWith(skipPrefix)) continue
    if (objects.length + commonPrefixes.length >= limit) {
      more = true
      break
    }
    if (options.delimiter) {
      const cut = key.indexOf(options.delimiter, prefix.length)
      if (cut >= 0) {
        const common = key.slice(0, cut + options.delimiter.length)
        commonPrefixes.push(common)
        skipPrefix = common
        last = { after: key, skipPrefix: common }
        continue
      }
    }
    const entry = await describe(key)
    if (!entry) continue
    objects.push(entry)
    last = { after: key }
  }
  return {
    objects,
    commonPrefixes,
    ...(more && last ? { cursor: encodeCursor(last) } : {}),
  }
}
