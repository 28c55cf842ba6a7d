import { type FieldInfo, isUuid, parseIsoDateTime, S3verlessError } from '@s3verless/core'
import type { Condition } from './filters/filter-types.js'

const COMPARISONS = new Set(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin'])

function coerceOne(field: string, info: FieldInfo | undefined, value: unknown): unknown {
  // Ids are stored lower-case, and the repository reads an id in any case: so do filters.
  if (field === 'id' && isUuid(value)) return value.toLowerCase()
  if (info?.kind === 'date' && typeof value === 'string') {
    // One parser for dates everywhere (the matcher's): offset-less means UTC, extended years work.
    const time = parseIsoDateTime(value)
    return time === undefined ? value : new Date(time)
  }
  return value
}

/** The field's description; the server timestamps are dates. */
export function fieldInfo(fields: Readonly<Record<string, FieldInfo>>, field: string): FieldInfo | undefined {
  return fields[field] ?? (field === 'createdAt' || field === 'updatedAt' ? { kind: 'date', optional: false, nullable: false } : undefined)
}

/**
 * Gives filter operands the type of their field where that is unambiguous: ISO-8601 strings become
 * Dates for date fields (read by the same parser as the matcher: no offset means UTC, extended years
 * such as `+002024-01-05` work), so they can use the field's index; a UUID compared with `id` is
 * lower-cased, as ids are stored. Operands of text operators stay as they are.
 * @throws S3verlessError `query.invalidFilter` for a Date compared with a string or enum field: an
 * index cannot tell which strings spell that instant, so it is refused on every path alike.
 */
export function coerceCondition(fields: Readonly<Record<string, FieldInfo>>, condition: Condition): Condition {
  const info = fieldInfo(fields, condition.field)
  if (!COMPARISONS.has(condition.op)) return condition
  const operands = Array.isArray(condition.value) ? condition.value : [condition.value]
  if ((info?.kind === 'string' || info?.kind === 'enum') && operands.some((v) => v instanceof Date)) {
    throw new S3verlessError(
      'query.invalidFilter',
      `Filter "${condition.field}__${condition.op}" compares the string field "${condition.field}" with a Date: compare it with a string`,
      { details: { field: condition.field, op: condition.op } },
    )
  }
  const one = (v: unknown) => coerceOne(condition.field, info, v)
  const value = Array.isArray(condition.value) ? condition.value.map(one) : one(condition.value)
  checkKind(condition, info, Array.isArray(value) ? value : [value])
  return { ...condition, value }
}

const KIND_CHECKS: Partial<Record<FieldInfo['kind'], [string, (v: unknown) => boolean]>> = {
  number: ['a number', (v) => typeof v === 'number'],
  string: ['a string', (v) => typeof v === 'string'],
  enum: ['a string', (v) => typeof v === 'string'],
  boolean: ['a boolean', (v) => typeof v === 'boolean'],
  date: ['a Date or an ISO-8601 string', (v) => v instanceof Date && !Number.isNaN(v.getTime())],
}

/**
 * A comparison operand must be of its field's kind (or null): a string against a number field would
 * otherwise match nothing in silence. Fields of no single kind (unions, arrays, objects) are not checked.
 * @throws S3verlessError `query.invalidFilter` naming the field, the operator and the expected kind.
 */
function checkKind(condition: Condition, info: FieldInfo | undefined, operands: readonly unknown[]): void {
  const check = info && condition.field !== 'id' ? KIND_CHECKS[info.kind] : undefined
  if (!check) return
  const [expected, fits] = check
  const bad = operands.find((v) => v !== null && v !== undefined && !fits(v))
  if (bad === undefined) return
  const shown = typeof bad === 'string' ? JSON.stringify(bad) : bad instanceof Date ? 'an invalid Date' : `${typeof bad} ${String(bad)}`
  throw new S3verlessError(
    'query.invalidFilter',
    `Filter "${condition.field}__${condition.op}" needs ${expected} for the ${info?.kind} field "${condition.field}", got ${shown}`,
    { details: { field: condition.field, op: condition.op, expected: info?.kind } },
  )
}

/**
 * Turns the string operands of a filter (as a query string gives them: `?price__gt=10&active=true`)
 * into the kinds of their fields: numbers, booleans (`true`/`false`/`1`/`0`), dates (ISO-8601), lists
 * for `in`/`nin` (comma-separated), `isnull` as a boolean. Strings that do not parse are left as
 * they are, so the query then refuses them with `query.invalidFilter` naming the field.
 * @example coerceFilterStrings(Product.fields, { price__lt: '50', category__in: 'home,garden' })
 * // { price__lt: 50, category__in: ['home', 'garden'] }
 */
export function coerceFilterStrings(
  fields: Readonly<Record<string, FieldInfo>>,
  input: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, raw] of Object.entries(input)) {
    const [field = key, op = 'eq'] = key.split('__')
    const info = fieldInfo(fields, field)
    const one = (text: string): unknown => {
      if (text === 'null' && info?.nullable) return null
      if (info?.kind === 'number') return text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text
      if (info?.kind === 'boolean') return text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : text
      return text
    }
    if (op === 'isnull' || op === 'is_null' || op === 'is_not_null') out[key] = raw === 'true' || raw === '1'
    else if (op === 'in' || op === 'nin' || op === 'not_in') out[key] = raw === '' ? [] : raw.split(',').map(one)
    else out[key] = one(raw)
  }
  return out
}
