import { type FieldIssue, type Model, ValidationError } from '@s3verless/core'
import { reviveDates } from '@s3verless/core/internal'
import * as z from 'zod'
import type { MigrationRecord } from './migration-types.js'

/** Fields every stored record has, kept by the repository rather than written by a migration. */
const SERVER_FIELDS = ['id', 'createdAt', 'updatedAt']

/**
 * A copy of `model` that reads records in any stored shape: its schema accepts any fields (the
 * record must still have a UUID `id` and dates `createdAt`/`updatedAt`), its writes keep fields the
 * model does not know, and it runs no upgrade steps. Keys, indexes, unique fields and version are
 * the model's, so writing through it keeps claims and index entries in step with what is stored.
 * (A migration reads records that the model's current schema may reject: that is why it migrates them.)
 */
export function storedShapeOf(model: Model): Model {
  return Object.freeze(Object.assign({}, model, { schema: z.looseObject({}), unknownFields: 'strip', upgrades: Object.freeze({}) }))
}

/** A record as JSON (dates as ISO strings), a fresh copy. */
export const toJson = (record: object): MigrationRecord => JSON.parse(JSON.stringify(record)) as MigrationRecord

/** The record without `id`, `createdAt` and `updatedAt`. */
export function withoutServerFields(record: MigrationRecord): MigrationRecord {
  return Object.fromEntries(Object.entries(record).filter(([k]) => !SERVER_FIELDS.includes(k)))
}

/**
 * Checks a migrated record against the model's schema and returns what to store (the schema's
 * output, without the server fields). Keys the schema does not have are refused when the model
 * refuses them on writes (`unknownFields: 'reject'`), and dropped otherwise.
 * @throws ValidationError listing every problem, with the record's id in `details.id`.
 */
export function checkAgainstSchema(model: Model, record: MigrationRecord): MigrationRecord {
  const fields = withoutServerFields(record)
  const id = record.id
  const issues: FieldIssue[] = []
  if ((model as { unknownFields?: string }).unknownFields === 'reject') {
    for (const key of Object.keys(fields)) {
      if (!(key in model.fields)) issues.push({ path: [key], message: `unexpected field "${key}": ${model.name} has no such field` })
    }
  }
  const result = model.schema.safeParse(reviveDates(model, fields))
  if (!result.success) {
    for (const issue of result.error.issues) {
      issues.push({ path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: issue.message, code: issue.code })
    }
  }
  if (issues.length > 0) throw new ValidationError(model.name, issues, { details: { id } })
  return result.data as MigrationRecord
}

/** Whether two JSON values are equal (objects compared key by key, in any order). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  return ka.every((k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}
