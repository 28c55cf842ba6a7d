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
  return { ...condition, value }
}
