import { encodeValue, encodeValueDescending, type IndexValue } from '../model/value-encoding.js'
import type { KeyLayout } from './key-layout.js'

/** Which fields of a model have ascending and descending index entries. */
export interface IndexPlan {
  ascending: readonly string[]
  descending: readonly string[]
}

/** The value a record holds for an indexed or unique field (`undefined` counts as null). */
export const fieldValue = (record: Record<string, unknown>, field: string): IndexValue => (record[field] ?? null) as IndexValue

/** Every index key a record should have. */
export function indexKeysOf(layout: KeyLayout, plan: IndexPlan, record: Record<string, unknown> & { id: string }): string[] {
  const keys: string[] = []
  for (const field of plan.ascending) keys.push(layout.indexKey(field, encodeValue(fieldValue(record, field)), record.id))
  for (const field of plan.descending) {
    keys.push(layout.indexKey(field, encodeValueDescending(fieldValue(record, field) as number | Date | boolean | null), record.id, true))
  }
  return keys
}

/** The index keys to add and to remove when a record changes from `before` to `after`. */
export function indexDiff(
  layout: KeyLayout,
  plan: IndexPlan,
  before: Record<string, unknown> & { id: string },
  after: Record<string, unknown> & { id: string },
): { add: string[]; remove: string[] } {
  const old = new Set(indexKeysOf(layout, plan, before))
  const next = new Set(indexKeysOf(layout, plan, after))
  return { add: [...next].filter((k) => !old.has(k)), remove: [...old].filter((k) => !next.has(k)) }
}
