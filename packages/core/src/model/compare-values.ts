/**
 * The one comparison of field values used by the query engine (filters, ordering) and mirrored by
 * the key encoding: for any two indexable values of one kind, `compareValues(a, b)` has the sign
 * of `compareUtf8(encodeValue(a), encodeValue(b))`, and is 0 exactly when the encodings are equal.
 */
import { compareUtf8 } from '../store/byte-order.js'

/**
 * Kind rank: values of different kinds order by it. The index key tags follow the same order
 * (`0` < `b` < `d` < `n` < `s`), so mixed-kind listings agree with it too.
 */
const KIND_RANK = { null: 0, boolean: 1, date: 2, number: 3, string: 4, array: 5, object: 6, other: 7 } as const

type Kind = keyof typeof KIND_RANK

function kindOf(value: unknown): Kind {
  if (value === null || value === undefined) return 'null'
  switch (typeof value) {
    case 'boolean':
      return 'boolean'
    case 'number':
    case 'bigint':
      return 'number'
    case 'string':
      return 'string'
    case 'object':
      if (value instanceof Date) return 'date'
      return Array.isArray(value) ? 'array' : 'object'
    default:
      return 'other'
  }
}

const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0)

/** Numeric order, with NaN after every number and equal to itself (so the order stays total). */
function compareNumbers(a: number | bigint, b: number | bigint): number {
  const aNaN = typeof a === 'number' && Number.isNaN(a)
  const bNaN = typeof b === 'number' && Number.isNaN(b)
  if (aNaN || bNaN) return aNaN === bNaN ? 0 : aNaN ? 1 : -1
  return a < b ? -1 : a > b ? 1 : 0
}

const ISO_DATE_TIME = /^([+-]\d{6}|\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?$/

/**
 * Epoch milliseconds of an ISO-8601 date or date-time string (`2024-05-01`, `2024-05-01T12:30`,
 * `2024-05-01T12:30:00.123Z`, `…+02:00`, extended years `+012345-…`), or `undefined` when `text` is
 * not one or names an impossible date. A date-time without an offset is read as UTC (never as the
 * machine's local time), so comparisons do not depend on where the code runs.
 */
export function parseIsoDateTime(text: string): number | undefined {
  const m = ISO_DATE_TIME.exec(text)
  if (!m) return undefined
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', offset = 'Z'] = m
  const date = new Date(0)
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day))
  date.setUTCHours(Number(hour), Number(minute), Number(second), Number(fraction.padEnd(3, '0').slice(0, 3)))
  // Reject rolled-over fields (month 13, Feb 30, hour 25 …): they change when normalized.
  if (
    date.getUTCMonth() !== Number(month) - 1 ||
    date.getUTCDate() !== Number(day) ||
    date.getUTCHours() !== Number(hour) ||
    date.getUTCMinutes() !== Number(minute) ||
    date.getUTCSeconds() !== Number(second)
  ) {
    return undefined
  }
  const offsetMinutes = offset === 'Z' ? 0 : (offset[0] === '-' ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)))
  const time = date.getTime() - offsetMinutes * 60_000
  return Number.isNaN(time) ? undefined : time
}

/** Chronological comparison of a Date with a string, when the string is an ISO date-time. */
function compareDateWithString(date: Date, text: string): number | undefined {
  const time = parseIsoDateTime(text)
  return time === undefined ? undefined : compareNumbers(date.getTime(), time)
}

/**
 * Compares two field values; returns -1, 0 or 1.
 *
 * - `null` and `undefined` are one value, before everything else.
 * - Numbers (and bigints) numerically; `-0` equals `0`; NaN sorts after all numbers and equals NaN.
 * - Dates chronologically (an invalid Date sorts after all valid ones). A Date against a string
 *   compares chronologically when the string is an ISO-8601 date-time (see {@link parseIsoDateTime});
 *   two strings always compare as strings.
 * - Strings by UTF-8 bytes (`compareUtf8`), which is S3's key order. No locale, no case folding.
 * - Booleans false < true.
 * - Arrays element by element, a prefix first; plain objects by their keys (sorted) and values.
 * - Values of different kinds by kind rank:
 *   null < boolean < Date < number < string < array < object < anything else.
 *
 * Because of the Date/ISO-string rule this is not transitive over sets mixing Dates, ISO strings and
 * other strings; within one kind it is a total order.
 * @example
 * compareValues(-1, 2) // -1
 * compareValues(new Date('2024-01-01T00:00:00Z'), '2024-01-01') // 0
 * compareValues(null, false) // -1
 */
export function compareValues(a: unknown, b: unknown): number {
  const ka = kindOf(a)
  const kb = kindOf(b)
  if (ka !== kb) {
    if (ka === 'date' && kb === 'string') return compareDateWithString(a as Date, b as string) ?? -1
    if (ka === 'string' && kb === 'date') return -(compareDateWithString(b as Date, a as string) ?? -1)
    return sign(KIND_RANK[ka] - KIND_RANK[kb])
  }
  switch (ka) {
    case 'null':
      return 0
    case 'boolean':
      return a === b ? 0 : a ? 1 : -1
    case 'number':
      return compareNumbers(a as number | bigint, b as number | bigint)
    case 'date':
      return compareNumbers((a as Date).getTime(), (b as Date).getTime())
    case 'string':
      return sign(compareUtf8(a as string, b as string))
    case 'array':
      return compareArrays(a as readonly unknown[], b as readonly unknown[])
    case 'object':
      return compareObjects(a as Record<string, unknown>, b as Record<string, unknown>)
    default:
      return sign(compareUtf8(String(a), String(b)))
  }
}

/** Kinds that ordering filters can compare; `undefined` for null, NaN, invalid Dates, arrays, objects. */
function orderKind(value: unknown): 'number' | 'string' | 'boolean' | 'date' | undefined {
  switch (typeof value) {
    case 'number':
      return Number.isNaN(value) ? undefined : 'number'
    case 'bigint':
      return 'number'
    case 'string':
      return 'string'
    case 'boolean':
      return 'boolean'
    default:
      return value instanceof Date && !Number.isNaN(value.getTime()) ? 'date' : undefined
  }
}

/**
 * {@link compareValues} restricted to values that can be ordered against each other: two numbers
 * (or bigints), two strings, two booleans, two valid Dates, or a valid Date and an ISO-8601
 * date-time string. Returns `undefined` for anything else: null/undefined, NaN, invalid Dates,
 * arrays, objects, and values of different kinds. Ordering filters (`gt`, `gte`, `lt`, `lte`) match
 * only when this is defined (type bracketing, as MongoDB does), so they never match a missing value
 * or one of another kind, and an index range bounded to one kind's key tag is never narrower than them.
 * @example
 * compareSameKind(3, 5) // -1
 * compareSameKind(new Date('2024-01-02'), '2024-01-01') // 1
 * compareSameKind('7', 5) // undefined
 */
export function compareSameKind(a: unknown, b: unknown): number | undefined {
  const ka = orderKind(a)
  const kb = orderKind(b)
  if (ka === undefined || kb === undefined) return undefined
  if (ka === kb) return compareValues(a, b)
  if (ka === 'date' && kb === 'string') return compareDateWithString(a as Date, b as string)
  if (ka === 'string' && kb === 'date') {
    const c = compareDateWithString(b as Date, a as string)
    return c === undefined ? undefined : -c || 0
  }
  return undefined
}

function compareArrays(a: readonly unknown[], b: readonly unknown[]): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const c = compareValues(a[i], b[i])
    if (c !== 0) return c
  }
  return sign(a.length - b.length)
}

function compareObjects(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const ak = Object.keys(a).sort(compareUtf8)
  const bk = Object.keys(b).sort(compareUtf8)
  const n = Math.min(ak.length, bk.length)
  for (let i = 0; i < n; i++) {
    const keyOrder = sign(compareUtf8(ak[i]!, bk[i]!))
    if (keyOrder !== 0) return keyOrder
    const c = compareValues(a[ak[i]!], b[bk[i]!])
    if (c !== 0) return c
  }
  return sign(ak.length - bk.length)
}
