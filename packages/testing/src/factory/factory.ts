import { base, en, Faker } from '@faker-js/faker'
import { encodeValue, type IndexValue, type InferCreate, type InferRecord, type Model, type Repository, type Stored } from '@s3verless/core'
import { cannotGenerate, type GenContext, generate, objectValue } from './generate.js'
import { checksOf, defOf, type Schema } from './zod-def.js'

/** What a field generator is given. */
export interface FieldContext {
  /** This build's sequence number: 1 for the factory's first build, then 2, 3… */
  seq: number
  /** The factory's seeded faker. */
  faker: Faker
}

/** A field's value, fixed or made per build (a sequence: `({ seq }) => \`SKU-${seq}\``). */
export type FieldGenerator<T> = T | ((ctx: FieldContext) => T)

/** Options for {@link defineFactory}. */
export interface FactoryOptions<M extends Model> {
  /** Seed of the factory's faker (default 1): the same seed makes the same records in the same order. */
  seed?: number
  /** Generators for some fields, used instead of the schema's (overrides still win). */
  fields?: { [K in keyof InferCreate<M>]?: FieldGenerator<InferCreate<M>[K]> }
  /** Chance an optional field is left out (default 0.2). */
  optionalRate?: number
  /** Chance a nullable field is `null` (default 0.1). */
  nullRate?: number
  /** Attempts at a record (or an unused unique value) before giving up with `testing.factory` (default 100). */
  maxAttempts?: number
}

/** What to set on a built record: fixed values, or per record (`(i) => ({ … })` in `buildMany`). */
export type Overrides<M extends Model> = Partial<InferCreate<M>>

/** Makes valid records of one model: see {@link defineFactory}. */
export interface Factory<M extends Model> {
  readonly model: M
  /** The next build's sequence number. */
  readonly sequence: number
  /** One valid create input (not stored). @throws S3verlessError `testing.factory` naming the field it cannot fill. */
  build(overrides?: Overrides<M>): InferCreate<M>
  /** `count` valid inputs, unique fields distinct across them (and across every build of this factory). */
  buildMany(count: number, overrides?: Overrides<M> | ((index: number) => Overrides<M>)): InferCreate<M>[]
  /** Builds one and creates it through `repository` (the model's unique claims, indexes and relations apply). */
  create(repository: Pick<Repository<M>, 'create'>, overrides?: Overrides<M>): Promise<Stored<InferRecord<M>>>
  /** Builds `count` and creates them with `repository.createMany` (all or none). */
  createMany(
    repository: Pick<Repository<M>, 'createMany'>,
    count: number,
    overrides?: Overrides<M> | ((index: number) => Overrides<M>),
  ): Promise<Stored<InferRecord<M>>[]>
  /** Starts again: sequence 1, the faker reseeded, unique values forgotten. */
  reset(seed?: number): void
}

/** The date generated dates are relative to (recent, past), fixed so a seed repeats across days. */
export const FACTORY_REFERENCE_DATE = new Date('2026-01-01T00:00:00Z')

/** A faker with English data, seeded, its dates relative to {@link FACTORY_REFERENCE_DATE}. */
export function seededFaker(seed: number): Faker {
  const faker = new Faker({ locale: [en, base] })
  faker.seed(seed)
  faker.setDefaultRefDate(FACTORY_REFERENCE_DATE)
  return faker
}

const isPlainIssuePath = (path: readonly PropertyKey[]) => String(path[0] ?? '')

/**
 * A factory of valid records for a model, generated from its zod schema with a seeded faker:
 * realistic values for common field names (`email`, `name`, `price`, `city`, `sku`…) and formats
 * (email, url, uuid, ISO dates, regexes where faker can follow them), within the schema's bounds
 * (string lengths, number ranges, integers, multiples, array sizes), optional and nullable fields
 * sometimes left out or null, enums and nested objects. Values of the model's `unique` fields are
 * distinct across every build of the factory. Every record is checked against the schema; one that
 * fails is made again, up to `maxAttempts` times.
 * @throws S3verlessError `testing.factory` naming the field, when a field has a type with no
 *   generator or a refinement rejects every attempt, or an override is itself invalid.
 * @example
 * const products = defineFactory(Product, { seed: 7, fields: { sku: ({ seq }) => `SKU-${seq}` } })
 * const one = products.build({ category: 'garden' })
 * await products.createMany(db.repository(Product), 50)
 */
export function defineFactory<M extends Model>(model: M, options: FactoryOptions<M> = {}): Factory<M> {
  const schema = model.schema as unknown as Schema
  const shape = defOf(schema).shape ?? {}
  const maxAttempts = options.maxAttempts ?? 100
  const fields = (options.fields ?? {}) as Record<string, FieldGenerator<unknown>>
  let faker = seededFaker(options.seed ?? 1)
  let seq = 0
  let seen = new Map<string, Set<string>>(model.unique.map((f) => [f, new Set<string>()]))

  const ctx = (): GenContext => ({
    faker,
    modelName: model.name,
    path: [],
    optionalRate: options.optionalRate ?? 0.2,
    nullRate: options.nullRate ?? 0.1,
  })
  const uniqueKey = (value: unknown) => (value instanceof Date ? `d:${value.toISOString()}` : encodeValue(value as IndexValue))

  /** A value for a unique field not used by an earlier build: a sequence suffix where the schema allows it, else fresh draws. */
  function uniqueValue(field: string, first: unknown, number: number, fixed: boolean): unknown {
    const used = seen.get(field) as Set<string>
    const fieldSchema = shape[field] as Schema
    const fresh = (v: unknown) => v === undefined || v === null || !used.has(uniqueKey(v))
    if (fresh(first)) return first
    if (fixed) return first // an override or a field generator: the caller chose it
    if (typeof first === 'string') {
      const variant = withSuffix(first, `${number.toString(36)}`, maxLengthOf(fieldSchema))
      if (fieldSchema.safeParse(variant).success && fresh(variant)) return variant
    }
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const v = generate(fieldSchema, { ...ctx(), path: [field] })
      if (fresh(v) && fieldSchema.safeParse(v).success) return v
    }
    throw cannotGenerate(
      model.name,
      [field],
      `no unused value for this unique field after ${maxAttempts} attempts (is its range exhausted?)`,
    )
  }

  function attempt(
    number: number,
    overrides: Record<string, unknown>,
  ): { record: Record<string, unknown>; issues: { path: PropertyKey[]; message: string }[] } {
    const record = objectValue(defOf(schema), ctx())
    const fieldCtx: FieldContext = { seq: number, faker }
    for (const [key, gen] of Object.entries(fields))
      record[key] = typeof gen === 'function' ? (gen as (c: FieldContext) => unknown)(fieldCtx) : gen
    Object.assign(record, overrides)
    for (const field of model.unique) {
      const value = uniqueValue(field, record[field], number, field in overrides || field in fields)
      if (value === undefined) delete record[field]
      else record[field] = value
    }
    const parsed = schema.safeParse(record)
    return { record, issues: parsed.success ? [] : (parsed.error?.issues ?? []) }
  }

  function build(overrides: Overrides<M> = {}): InferCreate<M> {
    const given = overrides as Record<string, unknown>
    const number = ++seq
    let issues: { path: PropertyKey[]; message: string }[] = []
    for (let i = 0; i < maxAttempts; i++) {
      const result = attempt(number, given)
      if (result.issues.length === 0) {
        for (const field of model.unique) {
          const v = result.record[field]
          if (v !== undefined && v !== null) seen.get(field)?.add(uniqueKey(v))
        }
        return result.record as InferCreate<M>
      }
      issues = result.issues
      const chosen = issues.find((issue) => isPlainIssuePath(issue.path) in given)
      if (chosen) {
        const field = isPlainIssuePath(chosen.path)
        throw cannotGenerate(
          model.name,
          chosen.path.map(String),
          `the override ${JSON.stringify(given[field])} is invalid (${chosen.message})`,
        )
      }
    }
    const first = issues[0]
    throw cannotGenerate(
      model.name,
      (first?.path ?? []).map(String),
      `every one of ${maxAttempts} attempts failed the schema (last: ${first?.message ?? 'unknown'})`,
    )
  }

  const checkCount = (count: number) => {
    if (!Number.isInteger(count) || count < 0) throw new TypeError(`buildMany: count must be a whole number ≥ 0, got ${count}`)
  }
  function buildMany(count: number, overrides?: Overrides<M> | ((index: number) => Overrides<M>)): InferCreate<M>[] {
    checkCount(count)
    return Array.from({ length: count }, (_, i) => build(typeof overrides === 'function' ? overrides(i) : overrides))
  }

  return {
    model,
    get sequence() {
      return seq + 1
    },
    build,
    buildMany,
    create: (repository, overrides) => repository.create(build(overrides)),
    createMany: (repository, count, overrides) => repository.createMany(buildMany(count, overrides)),
    reset(seed = options.seed ?? 1) {
      faker = seededFaker(seed)
      seq = 0
      seen = new Map(model.unique.map((f) => [f, new Set<string>()]))
    },
  }
}

/** The largest length a string schema allows (through optional/nullable/default wrappers), if any. */
function maxLengthOf(schema: Schema): number | undefined {
  let def = defOf(schema)
  for (let i = 0; i < 8 && def.innerType; i++) def = defOf(def.innerType)
  let max: number | undefined
  for (const c of checksOf(def)) {
    if (c.check === 'max_length' && typeof c.maximum === 'number') max = Math.min(max ?? c.maximum, c.maximum)
    if (c.check === 'length_equals' && c.length !== undefined) max = c.length
  }
  return max
}

/** `value` made distinct by a suffix: before the `@` of an email, else after a dash; cut to `max`. */
function withSuffix(value: string, suffix: string, max: number | undefined): string {
  const at = value.lastIndexOf('@')
  if (at > 0) {
    const local = value.slice(0, at)
    const room = max === undefined ? local.length : Math.max(1, max - (value.length - at) - suffix.length - 1)
    return `${local.slice(0, room)}.${suffix}${value.slice(at)}`
  }
  const tail = `-${suffix}`
  return max === undefined ? value + tail : value.slice(0, Math.max(0, max - tail.length)) + tail
}
