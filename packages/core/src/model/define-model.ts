import * as z from 'zod'
import type { AccessOperation, AccessRules, ResolvedAccessRule } from './access-rules.js'
import { describeField, type FieldInfo, INDEXABLE_KINDS } from './field-kinds.js'
import { ModelDefinitionError } from './model-errors.js'
import type { Relation } from './relations.js'

/** Fields every record has, set by the server. */
export const SERVER_FIELDS = ['id', 'createdAt', 'updatedAt'] as const

/** Plural names a model may not take (they are, or collide with, internal stores). */
export const RESERVED_PLURALS: ReadonlySet<string> = new Set(['users', 'uploads', 'files', 'auth', 'health', 'openapi', 'docs', 'admin'])

/** Any Zod object schema usable as a model. */
export type AnyObjectSchema = z.ZodObject<z.ZodRawShape>

type FieldName<S extends AnyObjectSchema> = Extract<keyof z.output<S>, string>
/** Fields that can be indexed: the schema's and the server timestamps. */
type IndexableName<S extends AnyObjectSchema> = FieldName<S> | 'createdAt' | 'updatedAt'

/** Options of {@link defineModel} (the spec's `_plural_name`, `_unique_fields`, `_indexed_fields`, `_enable_api`). */
export interface ModelOptions<S extends AnyObjectSchema, P extends string = string> {
  /** The model's name, e.g. `'Product'`. */
  name: string
  /** Plural used in keys and routes (default: lowercase name + `s`). Letters, digits, `-`, `_`; not starting with `_`. */
  plural?: P
  /** Fields whose values must be unique across records (null values are not claimed). */
  unique?: readonly FieldName<S>[]
  /** Fields with a secondary index (equality, `in`, ranges, prefixes, ordering). */
  indexed?: readonly IndexableName<S>[]
  /**
   * Fields also indexed in descending order, so `orderBy('-field').limit(n)` stops early without
   * listing the whole range (numbers, dates and booleans; `createdAt` for "newest first").
   */
  indexedDescending?: readonly IndexableName<S>[]
  /** The field holding the owning user's id, for owner-scoped data. */
  ownerField?: FieldName<S>
  /** Relations to other models by name. */
  relations?: Record<string, Relation>
  /** Serve a CRUD API for this model (default true). */
  enableApi?: boolean
  /** Show it in the admin UI (default true). */
  enableAdmin?: boolean
  /**
   * Require a signed-in user for every operation of its API (default false): the shorthand for
   * `'signedIn'` everywhere. Not together with {@link ModelOptions.access}.
   */
  requireAuth?: boolean
  /**
   * Who may do what over HTTP, per operation (`list`, `get`, `create`, `update`, `delete`; search
   * follows `list`, bulk create and delete follow `create` and `delete`, a cascade follows each
   * dependent's `delete`). Each is `'public'`, `'signedIn'`, `'owner'` (needs `ownerField`),
   * `role(name)` or a predicate typed from the schema. All five are given when `access` is.
   * Default: `'owner'` everywhere with an `ownerField`, else `'signedIn'` with `requireAuth`, else `'public'`.
   * Admins pass every rule. The repository itself does not check them (it has no caller); the HTTP
   * adapter resolves the shorthands and checks the rules when the app is built (`model.definition`
   * naming the model and operation).
   * @example access: { list: 'public', get: 'public', create: role('admin'), update: role('admin'), delete: role('admin') }
   */
  access?: AccessRules<z.output<S> & { id: string; createdAt: Date; updatedAt: Date }, z.input<S>>
  /**
   * Fields that stay on the server (secrets, bookkeeping): the HTTP adapter never returns them and
   * refuses them in filters, orders and searches (422 naming the field), and the admin never shows
   * them. Code on the server reads and queries them as usual.
   */
  hidden?: readonly FieldName<S>[]
  /**
   * What `create`/`update`/`replace` do with keys the schema does not have: `'reject'` (default) fails
   * with a `model.validation` error naming them; `'strip'` drops them, as Zod objects do by default.
   */
  unknownFields?: 'reject' | 'strip'
  /**
   * The schema version of the model's records (an integer, default 1). Records are stored with the
   * version that wrote them (`_s3v.v`; absent means 1); one stored at an older version is brought up
   * to date by {@link ModelOptions.upgrades} when read, and saved at this version by its next write.
   */
  version?: number
  /**
   * Lazy upgrade steps, by the version each one produces: `{ 2: (record) => …, 3: … }` turns a
   * version-1 record into version 2, then 3. A step gets the record as stored (JSON: dates are ISO
   * strings, with `id`, `createdAt`, `updatedAt`) and returns the next version's; the schema checks
   * the result. A version without a step changes nothing. A step that throws makes the record
   * unreadable (`model.corrupt` naming its key).
   * @example { version: 2, upgrades: { 2: ({ title, ...r }) => ({ ...r, name: title }) } }
   */
  upgrades?: Readonly<Record<number, RecordUpgrade>>
}

/** One lazy upgrade step of a model (see {@link ModelOptions.upgrades}): a stored record of the previous version → this version. */
export type RecordUpgrade = (record: Record<string, unknown>) => Record<string, unknown>

/** A defined model: its schema, options and the key helpers of the spec's `BaseS3Model`. */
export interface Model<S extends AnyObjectSchema = AnyObjectSchema, P extends string = string> {
  readonly kind: 's3verless.model'
  readonly name: string
  /** The plural, as a literal type where it is known (`'products'`), so HTTP routes are typed per model. */
  readonly plural: P
  readonly schema: S
  readonly unique: readonly string[]
  /** Indexed fields, including foreign keys of `belongsTo` relations. */
  readonly indexed: readonly string[]
  readonly indexedDescending: readonly string[]
  readonly ownerField: string | undefined
  readonly relations: Readonly<Record<string, Relation>>
  readonly enableApi: boolean
  readonly enableAdmin: boolean
  readonly requireAuth: boolean
  /** The access rules as given (see {@link ModelOptions.access}); `undefined` means the shorthands' meaning. */
  readonly access: Readonly<Partial<Record<AccessOperation, ResolvedAccessRule>>> | undefined
  /** Fields kept on the server (see {@link ModelOptions.hidden}); empty by default. */
  readonly hidden: readonly string[]
  /** What writes do with keys the schema does not have (see {@link ModelOptions.unknownFields}). */
  readonly unknownFields: 'reject' | 'strip'
  /** The schema version of the model's records (default 1; see {@link ModelOptions.version}). */
  readonly version: number
  /** Lazy upgrade steps by the version each produces (see {@link ModelOptions.upgrades}). */
  readonly upgrades: Readonly<Record<number, RecordUpgrade>>
  /** What each schema field holds. */
  readonly fields: Readonly<Record<string, FieldInfo>>
  /** The key prefix of this model's records, e.g. `s3verless-data/products/`. */
  getS3Prefix(basePath?: string): string
  /** The key of one record, e.g. `s3verless-data/products/<id>.json`. */
  getS3Key(id: string, basePath?: string): string
  /** The key of a record. */
  s3Key(record: { id: string }, basePath?: string): string
  /** A copy of the record with `updatedAt` set to now. */
  touch<R extends { updatedAt: Date }>(record: R, now?: Date): R
}

/** The stored record type of a model: its schema's output plus `id`, `createdAt`, `updatedAt`. */
export type InferRecord<M> = M extends Model<infer S> ? z.output<S> & { id: string; createdAt: Date; updatedAt: Date } : never
/** What `create` accepts: the schema's input (defaults optional), and optionally a caller-chosen UUID `id`. */
export type InferCreate<M> = M extends Model<infer S> ? z.input<S> & { id?: string } : never
/** What `update` accepts: any subset of the schema's input fields. */
export type InferUpdate<M> = M extends Model<infer S> ? Partial<z.input<S>> : never
/** Names of a model's schema fields. */
export type FieldOf<M> = M extends Model<infer S> ? FieldName<S> : never

export const DEFAULT_BASE_PATH = 's3verless-data/'
const PLURAL = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/

function fail(name: string, message: string): never {
  throw new ModelDefinitionError(`Model ${name}: ${message}`, { details: { model: name } })
}

/**
 * Defines a model from a Zod object schema. Types are inferred: `InferRecord<typeof Product>` is the
 * stored record, `InferCreate` the create input, `InferUpdate` the patch. Options are checked now:
 * an unknown field in `unique`/`indexed`, a reserved or malformed plural, or a field named like a
 * server field fails with a `ModelDefinitionError`.
 * @example
 * const Product = defineModel(z.object({ name: z.string(), sku: z.string(), price: z.number(), category: z.string() }), {
 *   name: 'Product', unique: ['sku'], indexed: ['category', 'price'],
 * })
 * type Product = InferRecord<typeof Product>
 */
export function defineModel<S extends AnyObjectSchema, const N extends string, const P extends string = `${Lowercase<N>}s`>(
  schema: S,
  options: ModelOptions<S, P> & { name: N },
): Model<S, P> {
  return buildModel(schema, options, { allowReservedPlural: false }) as Model<S, P>
}

/**
 * {@link defineModel}'s implementation. `allowReservedPlural` is for S3verless's own models (the
 * auth package's users) and is reachable only through `defineSystemModel` in
 * `@s3verless/core/internal`, never through the public `defineModel`.
 */
export function buildModel<S extends AnyObjectSchema>(
  schema: S,
  options: ModelOptions<S>,
  { allowReservedPlural }: { allowReservedPlural: boolean },
): Model<S> {
  const name = options.name
  if (!name || typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) {
    fail(String(name), 'name must start with a letter and hold only letters, digits and _')
  }
  if (!(schema instanceof z.ZodObject)) fail(name, 'schema must be a z.object(...)')
  const shape = schema.shape as Record<string, z.ZodType>
  for (const reserved of SERVER_FIELDS) {
    if (reserved in shape) fail(name, `"${reserved}" is set by the server; remove it from the schema`)
  }
  for (const field of Object.keys(shape)) {
    if (field.startsWith('_') || field.startsWith('$')) fail(name, `field "${field}" may not start with "_" or "$" (reserved)`)
    if (field.includes('__')) fail(name, `field "${field}" may not contain "__" (it separates fields from filter operators)`)
  }
  const plural = options.plural ?? `${name.toLowerCase()}s`
  if (!PLURAL.test(plural)) fail(name, `plural "${plural}" must be 1-63 letters, digits, "-" or "_", not starting with "_" or "-"`)
  if (!allowReservedPlural && RESERVED_PLURALS.has(plural.toLowerCase()))
    fail(name, `plural "${plural}" is reserved for S3verless's own data; choose another`)

  const fields: Record<string, FieldInfo> = {}
  for (const [field, fieldSchema] of Object.entries(shape)) fields[field] = describeField(fieldSchema)
  const known = Object.keys(fields)
  const timestamp: FieldInfo = { kind: 'date', optional: false, nullable: false }
  const kindOf = (field: string) => (field === 'createdAt' || field === 'updatedAt' ? timestamp : fields[field])
  const checkFields = (list: readonly string[] | undefined, what: string, allowTimestamps: boolean): string[] => {
    const out: string[] = []
    for (const field of list ?? []) {
      const info = allowTimestamps ? kindOf(field) : fields[field]
      if (!info) fail(name, `${what} names unknown field "${field}" (fields: ${known.join(', ')})`)
      const kind = info.kind
      if (!INDEXABLE_KINDS.has(kind))
        fail(name, `${what} field "${field}" holds ${kind === 'array' ? 'an array' : `an ${kind}`}, which cannot be indexed`)
      if (!out.includes(field)) out.push(field)
    }
    return out
  }
  const unique = checkFields(options.unique, 'unique', false)
  const indexed = checkFields(options.indexed, 'indexed', true)
  const indexedDescending = checkFields(options.indexedDescending, 'indexedDescending', true)
  for (const field of indexedDescending) {
    if (!['number', 'date', 'boolean'].includes(kindOf(field)!.kind))
      fail(name, `indexedDescending field "${field}" must be a number, date or boolean`)
  }
  if (options.ownerField !== undefined && !(options.ownerField in fields))
    fail(name, `ownerField names unknown field "${options.ownerField}"`)
  const hidden = [...new Set(options.hidden ?? [])]
  for (const field of hidden) if (!(field in fields)) fail(name, `hidden names unknown field "${field}" (fields: ${known.join(', ')})`)
  if (options.ownerField !== undefined && hidden.includes(options.ownerField))
    fail(name, `the owner field "${options.ownerField}" cannot be hidden`)

  const relations = { ...(options.relations ?? {}) }
  for (const [relName, relation] of Object.entries(relations)) {
    if (relName in fields) fail(name, `relation "${relName}" has the name of a field`)
    if (relation.kind === 'belongsTo') {
      if (!(relation.foreignKey in fields))
        fail(name, `relation "${relName}" uses foreign key "${relation.foreignKey}", which is not a field`)
      if (!indexed.includes(relation.foreignKey)) indexed.push(relation.foreignKey)
    }
  }
  if (options.ownerField && !indexed.includes(options.ownerField)) indexed.push(options.ownerField)
  const { version, upgrades } = checkVersioning(name, options)

  const prefix = (basePath = DEFAULT_BASE_PATH) => `${basePath}${plural}/`
  const model: Model<S> = {
    kind: 's3verless.model',
    name,
    plural,
    schema,
    unique,
    indexed,
    indexedDescending,
    ownerField: options.ownerField,
    relations,
    enableApi: options.enableApi ?? true,
    enableAdmin: options.enableAdmin ?? true,
    requireAuth: options.requireAuth ?? false,
    access: options.access as never,
    hidden: Object.freeze(hidden),
    unknownFields: options.unknownFields ?? 'reject',
    version,
    upgrades,
    fields,
    getS3Prefix: prefix,
    getS3Key: (id, basePath) => `${prefix(basePath)}${id}.json`,
    s3Key: (record, basePath) => `${prefix(basePath)}${record.id}.json`,
    touch: (record, now = new Date()) => ({ ...record, updatedAt: now }),
  }
  return Object.freeze(model)
}

/** Checks `version` (a positive integer) and `upgrades` (functions for versions 2..version). */
function checkVersioning(name: string, options: { version?: number; upgrades?: Readonly<Record<number, RecordUpgrade>> }) {
  const version = options.version ?? 1
  if (!Number.isSafeInteger(version) || version < 1) fail(name, `version must be a positive integer, got ${String(version)}`)
  const upgrades: Record<number, RecordUpgrade> = {}
  for (const [key, step] of Object.entries(options.upgrades ?? {})) {
    const to = Number(key)
    if (!Number.isInteger(to) || to < 2 || to > version)
      fail(name, `upgrades has a step to version ${key}; steps go to versions 2 to ${version}`)
    if (typeof step !== 'function') fail(name, `upgrades[${key}] must be a function (record) => record`)
    upgrades[to] = step
  }
  return { version, upgrades: Object.freeze(upgrades) }
}

/** True for a value made by {@link defineModel}. */
export const isModel = (value: unknown): value is Model => (value as Model | null)?.kind === 's3verless.model'
