import { S3verlessError } from '@s3verless/core'
import type { MigrationRecord, RecordTransform } from './migration-types.js'
import type { Operation } from './operations.js'
import { isVersionName } from './version-order.js'

export type { MigrationRecord, RecordTransform } from './migration-types.js'

/** What {@link Migration} (and {@link defineMigration}) accepts: the spec's `Migration(...)` arguments. */
export interface MigrationInput {
  /** Identifies the migration and orders it among the others (natural order: `0002` < `0010`); letters, digits, `_`, `-`. */
  version: string
  /** The name of the model whose records it changes (`Product`). */
  modelName: string
  /** Default `''`. */
  description?: string
  /** The steps, applied in order (and reversed in reverse order). */
  operations?: readonly Operation[]
  /** A change of the whole record, applied after `operations`. At least one of `apply` and `operations` is required. */
  apply?: RecordTransform
  /** Undoes `apply` (run before the operations are reversed). */
  rollback?: RecordTransform
  /**
   * Whether the migration can be rolled back. Default: `true` when every operation is reversible and
   * `apply`, if given, has a `rollback`. `true` when that is not so is an error.
   */
  reversible?: boolean
}

const BRAND = Symbol.for('s3verless.migration')

function problemsOf(input: MigrationInput, canReverse: boolean): string[] {
  const { version, modelName, description = '', apply, rollback, operations } = input
  const problems: string[] = []
  if (!isVersionName(version)) {
    problems.push(`version must be 1-128 letters, digits, "_" or "-", got ${JSON.stringify(version)}`)
  }
  if (typeof modelName !== 'string' || modelName.trim() === '') problems.push('modelName must be a non-empty string')
  if (typeof description !== 'string') problems.push('description must be a string')
  if (operations !== undefined && !(Array.isArray(operations) && operations.every((op) => typeof op?.apply === 'function'))) {
    problems.push('operations must be a list of operations (AddField, RemoveField, RenameField, TransformField, Custom)')
  }
  if (apply === undefined && (operations?.length ?? 0) === 0)
    problems.push('apply must be a function (record) => record, or operations given')
  if (apply !== undefined && typeof apply !== 'function') problems.push('apply must be a function (record) => record')
  if (rollback !== undefined && typeof rollback !== 'function') problems.push('rollback must be a function (record) => record')
  if (input.reversible === true && !canReverse) {
    const irreversible = (operations ?? []).filter((op) => !op.reversible).map((op) => `"${op.describe()}"`)
    const why = irreversible.length > 0 ? `${irreversible.join(', ')} cannot be reversed` : 'no rollback is given'
    problems.push(`reversible is true but ${why}`)
  }
  return problems
}

/**
 * A data migration of one model's records (the spec's `Migration`). Its `apply` runs the
 * operations in order, then the input's `apply`; its `rollback` (present when reversible) runs the
 * input's `rollback`, then the operations' reverses in reverse order. Frozen once built. Run
 * migrations with `MigrationRunner`.
 * @throws S3verlessError `migration.invalid` naming the migration and every problem
 * (`details.problems`): a version that is not 1–128 letters, digits, `_` or `-`; an empty model
 * name; neither `apply` nor operations; an `apply` or `rollback` that is not a function;
 * `reversible: true` for a migration that cannot be reversed.
 * @example
 * export const addDiscount = new Migration({
 *   version: '0001',
 *   modelName: 'Product',
 *   description: 'Add discount field',
 *   operations: [new AddField('discount', 0), new RenameField('title', 'name')],
 * })
 */
export class Migration {
  readonly version: string
  readonly modelName: string
  readonly description: string
  readonly operations: readonly Operation[]
  /** The forward change of one record (operations, then the input's `apply`). */
  readonly apply: RecordTransform
  /** The backward change, when the migration is reversible. */
  readonly rollback?: RecordTransform
  /** Whether `rollback` undoes `apply`. */
  readonly reversible: boolean
  readonly [BRAND] = true

  constructor(input: MigrationInput) {
    const operations = Array.isArray(input.operations) ? [...input.operations] : []
    const custom = { apply: input.apply, rollback: input.rollback }
    const canReverse = operations.every((op) => op?.reversible === true) && (custom.apply === undefined || custom.rollback !== undefined)
    const problems = problemsOf(input, canReverse)
    if (problems.length > 0) {
      const { version, modelName } = input
      const which = `${String(version)}${typeof modelName === 'string' && modelName ? ` (${modelName})` : ''}`
      throw new S3verlessError('migration.invalid', `Invalid migration ${which}: ${problems.join('; ')}`, {
        details: { version, modelName, problems },
      })
    }
    this.version = input.version
    this.modelName = input.modelName
    this.description = input.description ?? ''
    this.operations = Object.freeze(operations)
    this.reversible = input.reversible ?? canReverse
    this.apply = (record: MigrationRecord) => {
      let current = record
      for (const op of operations) current = op.apply(current)
      return custom.apply ? custom.apply(current) : current
    }
    const hasRollback = canReverse && (custom.rollback !== undefined || operations.length > 0)
    if (hasRollback) {
      this.rollback = (record: MigrationRecord) => {
        let current = custom.rollback ? custom.rollback(record) : record
        for (const op of [...operations].reverse()) current = op.reverse(current)
        return current
      }
    }
    Object.freeze(this)
  }
}

/**
 * Builds a {@link Migration} (the same as `new Migration(input)`).
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
  return new Migration(input)
}

/**
 * True for a value built by {@link Migration} or {@link defineMigration}, also by another copy of
 * this package (it checks a brand, not `instanceof`). Used when loading migration files.
 */
export const isMigration = (value: unknown): value is Migration =>
  typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true
