import { S3verlessError } from '@s3verless/core'
import type { Migration, MigrationRecord } from './migration.js'
import { sortMigrations } from './plan-migrations.js'

const isPlainObject = (value: unknown): value is MigrationRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && [Object.prototype, null].includes(Object.getPrototypeOf(value))

/**
 * Runs each migration's `apply` on a record, in version order, and returns the result. Pure: each
 * `apply` receives a deep copy (`structuredClone`), so neither the caller's record nor any
 * intermediate result can be changed by a careless migration.
 * @throws S3verlessError `migration.invalid` when the migrations concern more than one model.
 * @throws S3verlessError `migration.duplicateVersion` when two migrations share a version.
 * @throws S3verlessError `migration.failed` naming the migration when an `apply` throws (the
 * error is its `cause`) or returns something other than a plain object.
 * @example
 * applyToRecord([addDiscount], { id: '1', name: 'Pen' }) // { id: '1', name: 'Pen', discount: 0 }
 */
export function applyToRecord(migrations: readonly Migration[], record: MigrationRecord): MigrationRecord {
  const models = [...new Set(migrations.map((m) => m.modelName))]
  if (models.length > 1) {
    throw new S3verlessError('migration.invalid', `Cannot apply migrations of several models (${models.join(', ')}) to one record`, {
      details: { modelNames: models },
    })
  }
  let current = structuredClone(record)
  for (const migration of sortMigrations(migrations)) {
    const fail = (problem: string, cause?: unknown): never => {
      throw new S3verlessError('migration.failed', `Migration ${migration.version} (${migration.modelName}) ${problem}`, {
        cause,
        details: { version: migration.version, modelName: migration.modelName },
      })
    }
    let next: unknown
    try {
      next = migration.apply(structuredClone(current))
    } catch (error) {
      fail(`failed: ${error instanceof Error ? error.message : String(error)}`, error)
    }
    if (!isPlainObject(next)) fail(`must return the record as a plain object, got ${next === null ? 'null' : typeof next}`)
    current = next as MigrationRecord
  }
  return current
}
