import { S3verlessError } from '@s3verless/core'
import { canonicalText, INVALID_KEY } from './canonical.js'
import { hash64 } from './hash.js'

/** Options for {@link cacheKeys}. */
export interface CacheKeysOptions {
  /** First segment of every key (default `'s3verless'`); escaped like every other part. */
  prefix?: string
}

/** Key and pattern builders returned by {@link cacheKeys}. */
export interface CacheKeys {
  /** The escaped prefix every key starts with (followed by `:`). */
  readonly prefix: string
  /** Key of one record: `{prefix}:record:{model}:{id}`. */
  record(model: string, id: string): string
  /**
   * Key of one query's result: `{prefix}:query:{model}:{hash}`, where `hash` is 16 hex digits of a
   * stable 64-bit hash of the normalised parameters (object keys sorted recursively, `undefined`
   * properties dropped, Dates as ISO strings, arrays in order). Equal parameters written in any
   * key order give the same key.
   * @throws S3verlessError with code `'cache.invalidKey'` for parameters with no faithful
   *   normal form: functions, symbols, Maps, Sets, class instances without `toJSON`, invalid Dates,
   *   circular references.
   */
  query(model: string, params: unknown): string
  /**
   * Key of the guard token `name` of `model` (see `repositoryCache`):
   * `{prefix}:generation/{model}/{name}`. Never matched by the model patterns, so invalidating a
   * model's queries leaves its guards in place.
   */
  generation(model: string, name: string): string
  /** Key for anything else: `{prefix}:custom:{part}/{part}/…`. Never matched by the model patterns. */
  custom(first: string, ...rest: string[]): string
  /** Glob matching every record and query key of `model`, and no other key these builders make. */
  modelPattern(model: string): string
  /** Glob matching every query key of `model` (for invalidating its query results after a write). */
  queryPattern(model: string): string
}

/**
 * Percent-escapes the characters that structure keys and patterns (`%`, `:`, `/`, `*`, `?`), so a
 * part can neither add segments nor act as a wildcard, and distinct parts stay distinct.
 */
const escapePart = (part: string): string => part.replace(/[%:/*?]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

const segment = (what: string, value: string): string => {
  if (typeof value !== 'string' || value === '') {
    throw new S3verlessError(INVALID_KEY, `A cache key ${what} must be a non-empty string, got ${JSON.stringify(value)}`, {
      details: { [what]: value },
    })
  }
  return escapePart(value)
}

/**
 * Builders for cache keys and invalidation patterns. Every part is escaped, so a model named `a*` or
 * `x:y` can never match, or collide with, another model's keys; and query keys are stable across
 * the key order of their parameters.
 *
 * @throws S3verlessError with code `'cache.invalidKey'` (from the builders) for an empty model,
 *   id or custom part.
 * @example
 * const keys = cacheKeys()
 * keys.record('products', '42') // 's3verless:record:products:42'
 * keys.query('products', { price__gt: 100, limit: 10 }) // 's3verless:query:products:<16 hex digits>'
 * await cache.deletePattern(keys.modelPattern('products')) // every cached product and product query
 */
export const cacheKeys = (options: CacheKeysOptions = {}): CacheKeys => {
  const prefix = escapePart(options.prefix ?? 's3verless')
  return {
    prefix,
    record: (model, id) => `${prefix}:record:${segment('model', model)}:${segment('id', id)}`,
    query: (model, params) => `${prefix}:query:${segment('model', model)}:${hash64(canonicalText(params))}`,
    generation: (model, name) => `${prefix}:generation/${segment('model', model)}/${segment('name', name)}`,
    custom: (first, ...rest) => `${prefix}:custom:${[first, ...rest].map((part) => segment('part', part)).join('/')}`,
    modelPattern: (model) => `${prefix}:*:${segment('model', model)}:*`,
    queryPattern: (model) => `${prefix}:query:${segment('model', model)}:*`,
  }
}
