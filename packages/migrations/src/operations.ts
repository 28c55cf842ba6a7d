import { S3verlessError } from '@s3verless/core'
import type { MigrationRecord } from './migration-types.js'

/**
 * One step of a migration's `operations`: turns a record (as stored: JSON, dates as ISO strings)
 * into the next shape and, when {@link Operation.reversible}, back. Operations never mutate their
 * argument. The built-in ones leave a record that is already in the new shape unchanged (adding a
 * field only when absent, renaming only when the old name is there), so a migration run again over
 * records a failed or crashed run already rewrote does them no harm.
 */
export interface Operation {
  /** What kind of operation it is (`addField`, `removeField`, `renameField`, `transformField`, `custom`). */
  readonly kind: string
  /** Whether {@link Operation.reverse} can undo {@link Operation.apply}. */
  readonly reversible: boolean
  apply(record: MigrationRecord): MigrationRecord
  /** Undoes `apply`. @throws S3verlessError `migration.invalid` when the operation is not reversible. */
  reverse(record: MigrationRecord): MigrationRecord
  /** A one-line description, e.g. `add discount = 0`. */
  describe(): string
}

/** A value as JSON stores it. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue }

/** A field's value, or a function computing it from the record. */
export type FieldDefault = JsonValue | ((record: MigrationRecord) => unknown)

/** Fields operations may not touch: the server's and the bookkeeping. */
const PROTECTED = new Set(['id', 'createdAt', 'updatedAt', 'created_at', 'updated_at', '_s3v', '$etag'])

function checkName(kind: string, name: unknown): string {
  if (typeof name !== 'string' || name === '') {
    throw new S3verlessError('migration.invalid', `${kind}: a field name must be a non-empty string, got ${JSON.stringify(name)}`)
  }
  if (PROTECTED.has(name)) throw new S3verlessError('migration.invalid', `${kind}: "${name}" is set by the server and cannot be changed`)
  return name
}

function checkFunction(kind: string, what: string, fn: unknown): void {
  if (typeof fn !== 'function') throw new S3verlessError('migration.invalid', `${kind}: ${what} must be a function`)
}

const notReversible = (op: Operation): never => {
  throw new S3verlessError('migration.invalid', `Operation "${op.describe()}" is not reversible`)
}

const defaultFor = (value: FieldDefault, record: MigrationRecord): unknown =>
  typeof value === 'function' ? (value as (r: MigrationRecord) => unknown)(record) : structuredClone(value)

const without = (record: MigrationRecord, name: string): MigrationRecord => {
  const { [name]: _, ...rest } = record
  return rest
}

/**
 * Adds a field with a default value (or a function of the record) to records that do not have it;
 * a record that has it, even as `null`, keeps its value. Reversed by removing the field.
 * @example new AddField('discount', 0); new AddField('slug', (r) => String(r.name).toLowerCase())
 */
export class AddField implements Operation {
  readonly kind = 'addField'
  readonly reversible = true
  readonly name: string
  constructor(
    name: string,
    readonly defaultValue: FieldDefault,
  ) {
    this.name = checkName('AddField', name)
  }
  apply(record: MigrationRecord): MigrationRecord {
    return this.name in record ? { ...record } : { ...record, [this.name]: defaultFor(this.defaultValue, record) }
  }
  reverse(record: MigrationRecord): MigrationRecord {
    return without(record, this.name)
  }
  describe(): string {
    return `add ${this.name} = ${typeof this.defaultValue === 'function' ? '(computed)' : JSON.stringify(this.defaultValue)}`
  }
}

/** Options of {@link RemoveField}. */
export interface RemoveFieldOptions {
  /** The value (or a function of the record) a rollback gives the field back; without it the removal is not reversible. */
  default?: FieldDefault
}

/**
 * Removes a field (a record without it is left as is). Not reversible unless given a `default` to
 * restore on rollback (the removed values themselves are gone).
 * @example new RemoveField('legacyCode'); new RemoveField('notes', { default: '' })
 */
export class RemoveField implements Operation {
  readonly kind = 'removeField'
  readonly reversible: boolean
  readonly name: string
  constructor(
    name: string,
    private readonly options: RemoveFieldOptions = {},
  ) {
    this.name = checkName('RemoveField', name)
    this.reversible = 'default' in options
  }
  apply(record: MigrationRecord): MigrationRecord {
    return without(record, this.name)
  }
  reverse(record: MigrationRecord): MigrationRecord {
    if (!this.reversible) return notReversible(this)
    return this.name in record ? { ...record } : { ...record, [this.name]: defaultFor(this.options.default as FieldDefault, record) }
  }
  describe(): string {
    return `remove ${this.name}`
  }
}

/**
 * Renames a field. A record without the old field is left as is (already renamed, or never had it);
 * a record holding both names fails, rather than lose one of the values. Reversed by renaming back.
 * @example new RenameField('title', 'name')
 */
export class RenameField implements Operation {
  readonly kind = 'renameField'
  readonly reversible = true
  readonly from: string
  readonly to: string
  constructor(from: string, to: string) {
    this.from = checkName('RenameField', from)
    this.to = checkName('RenameField', to)
    if (from === to) throw new S3verlessError('migration.invalid', `RenameField: "${from}" is renamed to itself`)
  }
  apply(record: MigrationRecord): MigrationRecord {
    return move(record, this.from, this.to)
  }
  reverse(record: MigrationRecord): MigrationRecord {
    return move(record, this.to, this.from)
  }
  describe(): string {
    return `rename ${this.from} → ${this.to}`
  }
}

function move(record: MigrationRecord, from: string, to: string): MigrationRecord {
  if (!(from in record)) return { ...record }
  if (to in record) throw new Error(`cannot rename "${from}" to "${to}": the record has both fields`)
  const { [from]: value, ...rest } = record
  return { ...rest, [to]: value }
}

/** Turns a field's value into a new one; gets the record too. */
export type ValueTransform = (value: unknown, record: MigrationRecord) => unknown

/**
 * Replaces a field's value with `fn(value, record)` in records that have the field (`null`
 * included); records without it are left as is. Reversible when given `reverse`.
 * @example new TransformField('price', (euros) => Math.round(Number(euros) * 100), (cents) => Number(cents) / 100)
 */
export class TransformField implements Operation {
  readonly kind = 'transformField'
  readonly reversible: boolean
  readonly name: string
  constructor(
    name: string,
    readonly fn: ValueTransform,
    readonly reverseFn?: ValueTransform,
  ) {
    this.name = checkName('TransformField', name)
    checkFunction('TransformField', 'fn', fn)
    if (reverseFn !== undefined) checkFunction('TransformField', 'reverse', reverseFn)
    this.reversible = reverseFn !== undefined
  }
  apply(record: MigrationRecord): MigrationRecord {
    return this.name in record ? { ...record, [this.name]: this.fn(record[this.name], record) } : { ...record }
  }
  reverse(record: MigrationRecord): MigrationRecord {
    if (!this.reverseFn) return notReversible(this)
    return this.name in record ? { ...record, [this.name]: this.reverseFn(record[this.name], record) } : { ...record }
  }
  describe(): string {
    return `transform ${this.name}`
  }
}

/**
 * Any change of a whole record: `apply(record) → record`, reversible when given `rollback`. Write it
 * so that a record already in the new shape passes through unchanged (see {@link Operation}).
 * @example new Custom((r) => ({ ...r, fullName: `${r.first} ${r.last}` }), ({ fullName, ...r }) => r)
 */
export class Custom implements Operation {
  readonly kind = 'custom'
  readonly reversible: boolean
  constructor(
    readonly applyFn: (record: MigrationRecord) => MigrationRecord,
    readonly rollbackFn?: (record: MigrationRecord) => MigrationRecord,
  ) {
    checkFunction('Custom', 'apply', applyFn)
    if (rollbackFn !== undefined) checkFunction('Custom', 'rollback', rollbackFn)
    this.reversible = rollbackFn !== undefined
  }
  apply(record: MigrationRecord): MigrationRecord {
    return this.applyFn(record)
  }
  reverse(record: MigrationRecord): MigrationRecord {
    if (!this.rollbackFn) return notReversible(this)
    return this.rollbackFn(record)
  }
  describe(): string {
    return 'custom change'
  }
}
