/**
 * A predicate telling whether a key matches `pattern`, a glob in which `*` matches any run of
 * characters (including none, and including `:`), `?` matches exactly one character (one Unicode
 * code point) and every other character matches itself. There is no escape character and there are
 * no character classes. Matching takes at most O(pattern × key) steps, whatever the pattern.
 * @example
 * const isProduct = globMatcher('s3verless:*:products:*')
 * isProduct('s3verless:record:products:42') // true
 */
export const globMatcher = (pattern: string): ((key: string) => boolean) => {
  const glob = Array.from(pattern)
  if (!glob.includes('*') && !glob.includes('?')) return (key) => key === pattern
  return (key) => matches(glob, Array.from(key))
}

/**
 * Greedy matching with backtracking to the most recent `*` only: a later `*` can absorb anything an
 * earlier one could, so earlier choices never need revisiting.
 */
const matches = (glob: readonly string[], key: readonly string[]): boolean => {
  let g = 0
  let k = 0
  let starAt = -1
  let starKey = 0
  while (k < key.length) {
    const c = glob[g]
    if (c === '*') {
      starAt = g++
      starKey = k
    } else if (c !== undefined && (c === '?' || c === key[k])) {
      g++
      k++
    } else if (starAt >= 0) {
      g = starAt + 1
      k = ++starKey
    } else {
      return false
    }
  }
  while (glob[g] === '*') g++
  return g === glob.length
}
