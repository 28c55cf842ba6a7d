import type { FieldInfo } from '@s3verless/core'
import type { Condition } from './filters/filter-types.js'

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/

function coerceOne(info: FieldInfo | undefined, value: unknown): unknown {
  if (info === undefined || value === null || value === undefined) return value
  if (info.kind === 'date' && typeof value === 'string' && ISO.test(value)) {
    const date = new Date(value)
    return Number.isNaN(date.getTime()) ? value : date
  }
  return value
}

/**
 * Gives filter operands the type of their field where that is unambiguous: ISO strings become Dates
 * for date fields (so they can use the field's index). Operands of text operators stay as they are.
 */
export function coerceCondition(fields: Readonly<Record<string, FieldInfo>>, condition: Condition): Condition {
  const info =
    fields[condition.field] ??
    (condition.field === 'createdAt' || condition.field === 'updatedAt' ? { kind: 'date', optional: false, nullable: false } : undefined)
  if (['contains', 'icontains', 'startswith', 'endswith', 'isnull'].includes(condition.op)) return condition
  const value = Array.isArray(condition.value) ? condition.value.map((v) => coerceOne(info, v)) : coerceOne(info, condition.value)
  return { ...condition, value }
}
