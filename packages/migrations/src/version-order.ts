/** Letters, digits, `_` and `-`, at most 128 characters (a version becomes part of an object key). */
const VERSION = /^[A-Za-z0-9_-]{1,128}$/

/** Whether `value` can be a migration version: 1–128 letters, digits, `_` or `-`. */
export const isVersionName = (value: unknown): value is string => typeof value === 'string' && VERSION.test(value)

const RUNS = /\d+|\D+/g

/** Compares two digit runs by numeric value, without overflow: `0010` > `2`. */
function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '')
  const y = b.replace(/^0+(?=\d)/, '')
  if (x.length !== y.length) return x.length - y.length
  return x < y ? -1 : x > y ? 1 : 0
}

const isDigits = (run: string) => run.charCodeAt(0) >= 48 && run.charCodeAt(0) <= 57

/**
 * Natural order of migration versions: runs of digits compare by value (`0002` < `0010` < `0100`,
 * `v2` < `v10`), other runs by character code, a digit run before a letter run. Versions equal in
 * value but spelt differently (`2`, `0002`) are ordered by their spelling, so the order is total.
 * @example
 * ['0010', '0002', '0001_init'].sort(compareVersions) // ['0001_init', '0002', '0010']
 */
export function compareVersions(a: string, b: string): number {
  const left = a.match(RUNS) ?? []
  const right = b.match(RUNS) ?? []
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i] as string
    const y = right[i] as string
    const bothDigits = isDigits(x) && isDigits(y)
    const order = bothDigits ? compareDigits(x, y) : isDigits(x) !== isDigits(y) ? (isDigits(x) ? -1 : 1) : x < y ? -1 : x > y ? 1 : 0
    if (order !== 0) return order
  }
  if (left.length !== right.length) return left.length - right.length
  return a < b ? -1 : a > b ? 1 : 0
}
