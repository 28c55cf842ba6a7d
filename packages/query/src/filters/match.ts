import { compareSameKind, compareValues } from '@s3verless/core'
import type { Condition } from './filter-types.js'

/**
 * True when `record` satisfies every condition (AND); an empty list matches every record.
 * Never throws, whatever the record holds.
 *
 * Semantics, with one comparison for everything (`compareValues` from core, which the index key
 * encoding agrees with):
 * - A missing field is `null`. `eq null` (and `isnull: true`) match it; `ne x` (x not null) matches it.
 * - `eq`/`ne`/`in`/`nin`: equality under `compareValues`: numbers numerically (`-0` = `0`), strings
 *   exactly, Dates by instant, and a Date equals an ISO-8601 string naming the same instant (records may
 *   hold either). `in` a list holding `null` matches missing fields.
 * - `gt`/`gte`/`lt`/`lte`: only values of the operand's kind (numbers with numbers, strings with strings
 *   by UTF-8 bytes, booleans, Dates with Dates or ISO strings); null, missing and other kinds never match.
 * - `contains`: substring of a string field, or an element (by equality) of an array field.
 * - `icontains`: case-insensitive substring of a string field, using Unicode case mapping without
 *   locale on both sides (upper-cased, then lower-cased: `'Straße'` contains `'STRASSE'`, `'ΣΟΦΟΣ'`
 *   contains `'σοφος'`).
 * - `startswith`/`endswith`: case-sensitive, string fields only.
 * - The text operators never match null, missing or non-string values.
 * @example
 * const conditions = parseFilter({ price__gt: 5, tags__contains: 'sale' })
 * records.filter((r) => matches(r, conditions))
 */
export function matches(record: Record<string, unknown>, conditions: readonly Condition[]): boolean {
  return conditions.every((condition) => matchesCondition(record, condition))
}

/**
 * The `exclude(...)` test: true when `record` does NOT satisfy all the conditions together, as Django
 * negates the whole conjunction. So `exclude({ price__gt: 9 })` keeps prices ≤ 9 AND records whose
 * price is null or missing, and `exclude({ a: 1, b: 2 })` drops only records with both.
 */
export function matchesNone(record: Record<string, unknown>, conditions: readonly Condition[]): boolean {
  return !matches(record, conditions)
}

/** True when `record` satisfies one condition (see {@link matches}). */
export function matchesCondition(record: Record<string, unknown>, { field, op, value }: Condition): boolean {
  const actual = Object.hasOwn(record, field) ? record[field] : undefined
  switch (op) {
    case 'eq':
      return equals(actual, value)
    case 'ne':
      return !equals(actual, value)
    case 'gt':
      return ordered(actual, value, (c) => c > 0)
    case 'gte':
      return ordered(actual, value, (c) => c >= 0)
    case 'lt':
      return ordered(actual, value, (c) => c < 0)
    case 'lte':
      return ordered(actual, value, (c) => c <= 0)
    case 'in':
      return Array.isArray(value) && value.some((candidate) => equals(actual, candidate))
    case 'nin':
      return !(Array.isArray(value) && value.some((candidate) => equals(actual, candidate)))
    case 'contains':
      if (typeof actual === 'string') return typeof value === 'string' && actual.includes(value)
      return Array.isArray(actual) && actual.some((element) => equals(element, value))
    case 'icontains':
      return typeof actual === 'string' && typeof value === 'string' && foldCase(actual).includes(foldCase(value))
    case 'startswith':
      return typeof actual === 'string' && typeof value === 'string' && actual.startsWith(value)
    case 'endswith':
      return typeof actual === 'string' && typeof value === 'string' && actual.endsWith(value)
    case 'isnull':
      return (actual === null || actual === undefined) === value
    default:
      return false
  }
}

const equals = (a: unknown, b: unknown): boolean => compareValues(a, b) === 0

function ordered(actual: unknown, operand: unknown, test: (order: number) => boolean): boolean {
  const order = compareSameKind(actual, operand)
  return order !== undefined && test(order)
}

/** Unicode case folding without locale, as `icontains` compares (upper-cased, then lower-cased). */
export const foldCase = (text: string): string => text.toUpperCase().toLowerCase()
