import { S3verlessError } from '@s3verless/core'

/** A stored record as migrations see it: its JSON fields. */
export type MigrationRecord = Record<string, unknown>

/** Turns a record of one schema version into the next (or, for `rollback`, back). Must not mutate its argument. */
export type RecordTransform = (record: MigrationRecord) => MigrationRecord

/** A data migration of one model's records. Build with {@link defineMigration}. */
export interface Migration {
  /** Identifies the migration and orders it among the others (natural order: `0002` < `0010`). */
  readonly version: string
  /** The model whose records it changes (`Product`). */
  readonly modelName: string
  readonly description: string
  readonly apply: RecordTransform
  readonly rollback?: RecordTransform
  /** Whether `rollback` undoes `apply`. */
  readonly reversible: boolean
}

/** What {@link defineMigration} accepts. */
export interface MigrationInput {
  version: string
  modelName: string
  /** Default `''`. */
  description?: string
  apply: RecordTransform
  rollback?: RecordTransform
  /** Default: `true` when `rollback` is given. `true` without `rollback` is an error. */
  reversible?: boolean
}

/** Letters, digits, `_` and `-`, at most 128 characters (a version becomes part of an object key). */
const VERSION = /^[A-Za-z0-9_-]{1,128}$/

/**
 * Validates and freezes a migration.
 * @throws S3verlessError `migration.invalid` naming the migration and every problem
 * (`details.problems`): a version that is not 1–128 letters, digits, `_` or `-`; an empty model
 * name; an `apply` or `rollback` that is not a function; `reversible: true` without a `rollback`.
 * @example
 * export const addDiscount = defineMigration({
 *   version: '0001',
 *   modelName: 'Product',
 *   description: 'Add discount field',
 *   apply: (product) => ({ ...product, discount: 0 }),
 *   rollback: ({ discount, ...product }) => product,
 * })
 */
export function defineMigration(input: MigrationInput): Migration {
  const { version, modelName, description = '', apply, rollback } = input
  const reversible = input.reversible ?? rollback !== undefined
  const problems: string[] = []
  if (typeof version !== 'string' || !VERSION.test(version)) {
    problems.push(`version must be 1-128 letters, digits, "_" or "-", got ${JSON.stringify(version)}`)
  }
  if (typeof modelName !== 'string' || modelName.trim() === '') problems.push('modelName must be a non-empty string')
  if (typeof description !== 'string') problems.push('description must be a string')
  if (typeof apply !== 'function') problems.push('apply must be a function (record) => record')
  if (rollback !== undefined && typeof rollback !== 'function') problems.push('rollback must be a function (record) => record')
  if (reversible && rollback === undefined) problems.push('reversible is true but no rollback is given')
  if (problems.length > 0) {
    const which = `${String(version)}${typeof modelName === 'string' && modelName ? ` (${modelName})` : ''}`
    throw new S3verlessError('migration.invalid', `Invalid migration ${which}: ${problems.join('; ')}`, {
      details: { version, modelName, problems },
    })
  }
  return Object.freeze({ version, modelName, description, apply, ...(rollback ? { rollback } : {}), reversible })
}
