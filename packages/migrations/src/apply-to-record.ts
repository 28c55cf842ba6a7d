import { S3verlessError } from '@s3verless/core'
import type { Migration } from './migration.js'
import type { MigrationRecord, RecordTransform } from './migration-types.js'
import { sortMigrations } from './plan-migrations.js'

const isPlainObject = (value: unknown): value is MigrationRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && [Object.prototype, null].includes(Object.getPrototypeOf(value))

/** Runs one migration's transform on a deep copy of `record`, naming the migration in any failure. */
function runStep(migration: Migration, transform: RecordTransform, record: MigrationRecord, what: string): MigrationRecord {
  const fail = (problem: string, cause?: unknown): never => {
    throw new S3verlessError('migration.failed', `Migration ${migration.version} (${migration.modelName}) ${problem}`, {
      cause,
      details: { version: migration.version, modelName: migration.modelName },
    })
  }
  let next: unknown
  try {
    next = transform(structuredClone(record))
  } catch (error) {
    fail(`${what}: ${error instanceof Error ? error.message : String(error)}`, error)
  }
  if (!isPlainObject(next)) fail(`must return the record as a plain object, got ${next === null ? 'null' : typeof next}`)
  return next as MigrationRecord
}

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
  for (const migration of sortMigrations(migrations)) current = runStep(migration, migration.apply, current, 'failed')
  return current
}

/**
 * Runs a migration's `rollback` on a copy of a record and returns the result.
 * @throws S3verlessError `migration.invalid` when the migration is not reversible.
 * @throws S3verlessError `migration.failed` naming the migration when the rollback throws or returns
 * something other than a plain object.
 * @example
 * rollbackRecord(addDiscount, { id: '1', name: 'Pen', discount: 0 }) // { id: '1', name: 'Pen' }
 */
export function rollbackRecord(migration: Migration, record: MigrationRecord): MigrationRecord {
  if (!migration.reversible || !migration.rollback) {
    throw new S3verlessError('migration.invalid', `Migration ${migration.version} (${migration.modelName}) is not reversible`, {
      details: { version: migration.version, modelName: migration.modelName },
    })
  }
  return runStep(migration, migration.rollback, record, 'rollback failed')
}
