import type { Model } from '../model/define-model.js'
import { CorruptRecordError } from '../model/model-errors.js'

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && [Object.prototype, null].includes(Object.getPrototypeOf(value))

/** The schema version a record was stored at: its `_s3v.v`, or 1 when it has none. */
export function storedVersion(meta: { v?: unknown } | undefined): number {
  const v = meta?.v
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 ? v : 1
}

/**
 * Brings stored fields (JSON, before date revival and schema validation) from version `from` up to
 * the model's version by running its upgrade steps in order. A record already at (or past) the
 * model's version is returned as is.
 * @throws CorruptRecordError naming the key when a step throws or returns something other than a plain object.
 */
export function upgradeFields(model: Model, key: string, fields: Record<string, unknown>, from: number): Record<string, unknown> {
  let current = fields
  for (let to = from + 1; to <= model.version; to++) {
    const step = model.upgrades[to]
    if (!step) continue
    let next: unknown
    try {
      next = step(current)
    } catch (cause) {
      const why = cause instanceof Error ? cause.message : String(cause)
      throw new CorruptRecordError(model.name, key, `could not be upgraded to version ${to}: ${why}`, { cause })
    }
    if (!isPlainObject(next)) throw new CorruptRecordError(model.name, key, `upgrade to version ${to} did not return a plain object`)
    current = next
  }
  return current
}
