/**
 * A naive reference evaluation of queries, written from the documented semantics (README "Queries",
 * `matches` in filters/match.ts) without any of the engine's code: filter every record, sort, cut.
 */
import type { Rec } from './world.js'

/** A condition as the reference reads it: the operand is the value the documentation says it means. */
export interface RefCondition {
  field: string
  op: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'nin' | 'contains' | 'icontains' | 'startswith' | 'endswith' | 'isnull'
  value: unknown
}

export interface RefQuery {
  conditions: RefCondition[]
  excludes: RefCondition[][]
  order?: { field: string; descending: boolean }
  offset: number
  limit?: number
}

const fieldOf = (record: Rec, field: string): unknown => (Object.hasOwn(record, field) ? (record[field] ?? null) : null)

type Kind = 'null' | 'number' | 'string' | 'boolean' | 'date' | 'array' | 'other'
const kind = (v: unknown): Kind =>
  v === null || v === undefined
    ? 'null'
    : typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean'
      ? (typeof v as Kind)
      : v instanceof Date
        ? 'date'
        : Array.isArray(v)
          ? 'array'
          : 'other'

const bytes = (s: string) => Buffer.from(s, 'utf8')

/** Order of two values of one (non-null) kind; `undefined` when they cannot be ordered against each other. */
function order(a: unknown, b: unknown): number | undefined {
  const k = kind(a)
  if (k !== kind(b)) return undefined
  switch (k) {
    case 'number':
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0
    case 'string':
      return Math.sign(Buffer.compare(bytes(a as string), bytes(b as string)))
    case 'boolean':
      return Number(a) - Number(b)
    case 'date':
      return Math.sign((a as Date).getTime() - (b as Date).getTime())
    default:
      return undefined
  }
}

function equal(a: unknown, b: unknown): boolean {
  if (kind(a) === 'null' || kind(b) === 'null') return kind(a) === kind(b)
  return order(a, b) === 0
}

const fold = (s: string) => s.toUpperCase().toLowerCase()

function holds(record: Rec, { field, op, value }: RefCondition): boolean {
  const v = fieldOf(record, field)
  switch (op) {
    case 'eq':
      return equal(v, value)
    case 'ne':
      return !equal(v, value)
    case 'in':
      return (value as unknown[]).some((x) => equal(v, x))
    case 'nin':
      return !(value as unknown[]).some((x) => equal(v, x))
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      if (kind(v) === 'null') return false
      const c = order(v, value)
      if (c === undefined) return false
      return op === 'gt' ? c > 0 : op === 'gte' ? c >= 0 : op === 'lt' ? c < 0 : c <= 0
    }
    case 'contains':
      if (typeof v === 'string') return typeof value === 'string' && v.includes(value)
      return Array.isArray(v) && v.some((x) => equal(x, value))
    case 'icontains':
      return typeof v === 'string' && fold(v).includes(fold(value as string))
    case 'startswith':
      return typeof v === 'string' && v.startsWith(value as string)
    case 'endswith':
      return typeof v === 'string' && v.endsWith(value as string)
    case 'isnull':
      return (kind(v) === 'null') === value
  }
}

/** Sort order of a query: by the field's value (null first), ties by id; descending is the exact reverse. */
export function compareForOrder(a: Rec, b: Rec, ord: { field: string; descending: boolean }): number {
  const va = fieldOf(a, ord.field)
  const vb = fieldOf(b, ord.field)
  let c: number
  if (kind(va) === 'null' || kind(vb) === 'null') c = Number(kind(va) !== 'null') - Number(kind(vb) !== 'null')
  else c = order(va, vb) ?? 0
  if (c === 0) c = a.id < b.id ? -1 : a.id > b.id ? 1 : 0
  return ord.descending ? -c : c
}

/** Every matching record, in the query's order (unordered queries: any order, here by id). */
export function referenceMatches(records: readonly Rec[], q: RefQuery): Rec[] {
  const matched = records.filter((r) => q.conditions.every((c) => holds(r, c)) && q.excludes.every((g) => !g.every((c) => holds(r, c))))
  const ord = q.order ?? { field: 'id', descending: false }
  return matched.sort((a, b) => compareForOrder(a, b, ord))
}

/** The query's window: after `offset`, up to `limit`. */
export function referenceWindow(records: readonly Rec[], q: RefQuery): Rec[] {
  const all = referenceMatches(records, q)
  return all.slice(q.offset, q.limit === undefined ? undefined : q.offset + q.limit)
}
