import { S3verlessError } from '@s3verless/core'
import type { Condition } from './filter-types.js'
import { describeOperators, type Operator, resolveOperator } from './operators.js'

/** Options of {@link parseFilter}. */
export interface ParseFilterOptions {
  /** The model's field names. When given, a filter on any other field throws `query.unknownField`. */
  fields?: readonly string[]
}

/**
 * Turns a filter object (`{ price__gt: 5, name: 'Lamp' }`) into conditions, validating operator
 * names and operand shapes.
 *
 * Keys: a key without `__` is a field compared with `eq`. Otherwise it is split at its LAST `__`:
 * the text after it must be an operator or alias, the text before it is the field, which may itself
 * contain `__` (`a__b__gt` filters field `a__b`). Without `fields`, `x__y` with an unknown `y` is an
 * unknown operator; a field whose name contains `__` is then compared for equality with `x__y__eq`.
 * With `fields`, a key that is itself a known field (and is not `knownField__operator`) is read as
 * that field, and fields are checked.
 *
 * Operands: `undefined` counts as `null` (`{ ownerId: undefined }` matches records WITHOUT an owner;
 * it is never dropped). `eq`/`ne`/`in`/`nin` take any value; `gt`/`gte`/`lt`/`lte` a number, bigint,
 * string, boolean or valid Date; `in`/`nin` an array; `contains` a non-null value; `icontains`,
 * `startswith`, `endswith` a string; `isnull`/`is_null`/`is_not_null` a boolean. NaN and invalid
 * Dates are refused everywhere.
 *
 * @throws S3verlessError `query.unknownOperator` (the message lists the valid operators),
 * `query.unknownField` (names the field and the valid ones) or `query.invalidFilter` (wrong operand).
 * @example
 * parseFilter({ price__gte: 5, name__icontains: 'lamp', deletedAt__isnull: true }, { fields: ['name', 'price', 'deletedAt'] })
 * // [{ field: 'price', op: 'gte', value: 5 }, { field: 'name', op: 'icontains', value: 'lamp' }, { field: 'deletedAt', op: 'isnull', value: true }]
 */
export function parseFilter(input: Record<string, unknown>, options: ParseFilterOptions = {}): Condition[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new S3verlessError('query.invalidFilter', `A filter must be an object of field conditions, got ${describe(input)}`)
  }
  const known = options.fields === undefined ? undefined : new Set(options.fields)
  return Object.entries(input).map(([key, raw]) => {
    const { field, op, negate } = splitKey(key, known)
    const value = checkOperand(key, op, raw === undefined ? null : raw)
    return { field, op, value: negate ? !value : value }
  })
}

function splitKey(key: string, known: ReadonlySet<string> | undefined): { field: string; op: Operator; negate: boolean } {
  const at = key.lastIndexOf('__')
  if (at <= 0) {
    if (known !== undefined && !known.has(key)) throw unknownField(key, key, known)
    return { field: key, op: 'eq', negate: false }
  }
  const prefix = key.slice(0, at)
  const suffix = key.slice(at + 2)
  const resolved = resolveOperator(suffix)
  if (known === undefined) {
    if (resolved) return { field: prefix, ...resolved }
    throw unknownOperator(key, suffix)
  }
  if (resolved && known.has(prefix)) return { field: prefix, ...resolved }
  if (known.has(key)) return { field: key, op: 'eq', negate: false }
  if (resolved || !known.has(prefix)) throw unknownField(key, resolved ? prefix : key, known)
  throw unknownOperator(key, suffix)
}

function checkOperand(key: string, op: Operator, value: unknown): unknown {
  switch (op) {
    case 'eq':
    case 'ne':
      return comparable(key, value)
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (value === null || (!['number', 'bigint', 'string', 'boolean'].includes(typeof value) && !(value instanceof Date))) {
        throw invalid(key, 'a number, string, boolean or Date to compare with (use isnull for missing values)', value)
      }
      return comparable(key, value)
    case 'in':
    case 'nin':
      if (!Array.isArray(value)) throw invalid(key, 'an array of values', value)
      return value.map((v: unknown) => comparable(key, v === undefined ? null : v))
    case 'contains':
      if (value === null) throw invalid(key, 'a value to look for (use isnull for missing values)', value)
      return comparable(key, value)
    case 'icontains':
    case 'startswith':
    case 'endswith':
      if (typeof value !== 'string') throw invalid(key, 'a string', value)
      return value
    case 'isnull':
      if (typeof value !== 'boolean') throw invalid(key, 'true or false', value)
      return value
  }
}

/** Refuses operands that equal nothing, not even themselves in a sensible way. */
function comparable(key: string, value: unknown): unknown {
  if (typeof value === 'number' && Number.isNaN(value)) throw invalid(key, 'a value that is not NaN', value)
  if (value instanceof Date && Number.isNaN(value.getTime())) throw invalid(key, 'a valid Date', value)
  return value
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : `Date ${value.toISOString()}`
  if (Array.isArray(value)) return `an array (${value.length} items)`
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  if (typeof value === 'object') return 'an object'
  return `${String(value)} (${typeof value})`
}

function invalid(key: string, expected: string, value: unknown): S3verlessError {
  return new S3verlessError('query.invalidFilter', `Filter "${key}" needs ${expected}, got ${describe(value)}`, { details: { key } })
}

function unknownOperator(key: string, operator: string): S3verlessError {
  return new S3verlessError(
    'query.unknownOperator',
    `Unknown filter operator "${operator}" in "${key}". Valid operators: ${describeOperators()}`,
    {
      details: { key, operator },
    },
  )
}

function unknownField(key: string, field: string, known: ReadonlySet<string>): S3verlessError {
  const valid = [...known].sort()
  return new S3verlessError('query.unknownField', `Unknown field "${field}" in filter "${key}". Valid fields: ${valid.join(', ')}`, {
    details: { key, field, valid },
  })
}
