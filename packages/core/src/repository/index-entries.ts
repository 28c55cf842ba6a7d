import { encodeValue, encodeValueDescending, type IndexValue } from '../model/value-encoding.js'
import type { KeyLayout } from './key-layout.js'

/** Which fields of a model have ascending and descending index entries. */
export interface IndexPlan {
  ascending: readonly string[]
  descending: readonly string[]
}

/** The token in each indexed field's entry keys, by field (see `RecordMeta.ix`); a missing field has token-less keys. */
export type EntryTokens = Readonly<Record<string, string>>

/** The value a record holds for an indexed or unique field (`undefined` counts as null). */
export const fieldValue = (record: Record<string, unknown>, field: string): IndexValue => (record[field] ?? null) as IndexValue

type Rec = Record<string, unknown> & { id: string }

/** Every index key a record should have, given the tokens of its entries. */
export function indexKeysOf(layout: KeyLayout, plan: IndexPlan, record: Rec, tokens: EntryTokens = {}): string[] {
  const keys: string[] = []
  for (const field of plan.ascending) {
    keys.push(layout.indexKey(field, encodeValue(fieldValue(record, field)), record.id, false, tokens[field]))
  }
  for (const field of plan.descending) {
    const encoded = encodeValueDescending(fieldValue(record, field) as number | Date | boolean | null)
    keys.push(layout.indexKey(field, encoded, record.id, true, tokens[field]))
  }
  return keys
}

/**
 * The entry tokens of `after` written by the write whose token is `token`: every indexed field whose
 * value changed from `before` (all of them for a create) gets `token`; the others keep their entries.
 */
export function nextTokens(plan: IndexPlan, before: Rec | undefined, beforeTokens: EntryTokens, after: Rec, token: string): EntryTokens {
  const out: Record<string, string> = {}
  for (const field of new Set([...plan.ascending, ...plan.descending])) {
    const same = before !== undefined && encodeValue(fieldValue(before, field)) === encodeValue(fieldValue(after, field))
    const kept = beforeTokens[field]
    if (!same) out[field] = token
    else if (kept !== undefined) out[field] = kept
  }
  return out
}

/** The index keys to add and to remove when a record changes from `before` to `after` (with their tokens). */
export function indexDiff(
  layout: KeyLayout,
  plan: IndexPlan,
  before: { record: Rec; tokens: EntryTokens },
  after: { record: Rec; tokens: EntryTokens },
): { add: string[]; remove: string[] } {
  const old = new Set(indexKeysOf(layout, plan, before.record, before.tokens))
  const next = new Set(indexKeysOf(layout, plan, after.record, after.tokens))
  return { add: [...next].filter((k) => !old.has(k)), remove: [...old].filter((k) => !next.has(k)) }
}
