import { type FieldInfo, type FieldKind, parseIsoDateTime } from '@s3verless/core'
import { OPERATOR_ALIASES, OPERATORS } from '@s3verless/query'

const OPERATOR_SET: ReadonlySet<string> = new Set([...OPERATORS, ...Object.keys(OPERATOR_ALIASES)])
const LIST_OPERATORS = new Set(['in', 'nin', 'not_in'])
const BOOLEAN_OPERATORS = new Set(['isnull', 'is_null', 'is_not_null'])
const TEXT_OPERATORS = new Set(['icontains', 'startswith', 'endswith', 'starts_with', 'ends_with'])

/** A query-string filter key split into its field and operator (`price__gt` → `price`, `gt`). */
export interface FilterKey {
  field: string
  /** The operator as written (an alias stays an alias); `eq` for a bare field. */
  operator: string
}

/**
 * Splits a filter key at its last `__` when the rest is an operator, as the query package reads
 * filters. Returns `undefined` for an operator it does not know (the caller names it in a 400).
 */
export function splitFilterKey(key: string): FilterKey | { field: string; unknownOperator: string } {
  const at = key.lastIndexOf('__')
  if (at <= 0) return { field: key, operator: 'eq' }
  const operator = key.slice(at + 2)
  if (!OPERATOR_SET.has(operator)) return { field: key.slice(0, at), unknownOperator: operator }
  return { field: key.slice(0, at), operator }
}

/** The coerced value, or a message saying what was expected. */
export type Coerced = { ok: true; value: unknown } | { ok: false; message: string }

function coerceOne(raw: string, kind: FieldKind, nullable: boolean): Coerced {
  if (raw === 'null' && nullable) return { ok: true, value: null }
  switch (kind) {
    case 'number': {
      const n = raw.trim() === '' ? Number.NaN : Number(raw)
      return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, message: `expected a number, got ${JSON.stringify(raw)}` }
    }
    case 'boolean':
      if (raw === 'true' || raw === '1') return { ok: true, value: true }
      if (raw === 'false' || raw === '0') return { ok: true, value: false }
      return { ok: false, message: `expected true or false, got ${JSON.stringify(raw)}` }
    case 'date':
      return parseIsoDateTime(raw) === undefined
        ? { ok: false, message: `expected an ISO-8601 date, got ${JSON.stringify(raw)}` }
        : { ok: true, value: raw }
    default:
      return { ok: true, value: raw }
  }
}

/**
 * Coerces query-string values for one filter by the field's kind: numbers and booleans are parsed,
 * dates stay ISO strings (the query engine reads them), `in`/`nin` take repeated parameters or a
 * comma-separated list, `isnull` a boolean, text operators the string as given.
 */
export function coerceFilterValue(values: readonly string[], operator: string, field: FieldInfo): Coerced {
  const last = values[values.length - 1] ?? ''
  if (BOOLEAN_OPERATORS.has(operator)) return coerceOne(last, 'boolean', false)
  if (TEXT_OPERATORS.has(operator)) return { ok: true, value: last }
  const kind = field.kind === 'array' ? (field.element ?? 'other') : field.kind
  if (LIST_OPERATORS.has(operator)) {
    const items = values.flatMap((v) => v.split(',')).filter((v) => v !== '')
    const out: unknown[] = []
    for (const item of items) {
      const one = coerceOne(item, kind, field.nullable)
      if (!one.ok) return one
      out.push(one.value)
    }
    return { ok: true, value: out }
  }
  return coerceOne(last, kind, field.nullable)
}
