import { SettingsError } from '../errors.js'
import type { Model } from '../model/define-model.js'
import type { ObjectStore } from '../store/types.js'
import type { GenerationPort } from './cache-generations.js'
import type { ModelRecordCache } from './record-cache.js'

/**
 * Where a {@link RecordCache} carries the engine that reads and writes through it (`recordCache()` puts
 * it there). The engine is not reached otherwise, so a database without a cache does not bundle it.
 */
export const CACHE_ENGINE: unique symbol = Symbol.for('s3verless.recordCacheEngine')

/** Makes one model's cache engine. */
export interface CacheEngine {
  /** Checks the `cache` option against the database's models (at `createDatabase`). */
  check(options: RecordCacheOptions, models: readonly Model[]): void
  /** One model's cache. */
  make(options: RecordCacheOptions, model: Model, store: ObjectStore, stats: RecordCacheStats): ModelRecordCache
}

/**
 * The engine a `cache` option carries. @throws SettingsError when the backend is not a RecordCache
 * passed through `recordCache()` (or made by `repositoryCache()`).
 */
export function cacheEngineOf(options: RecordCacheOptions): CacheEngine {
  const engine = (options as Partial<RecordCacheOptions>).backend?.[CACHE_ENGINE]
  if (typeof engine?.make !== 'function') {
    throw new SettingsError(
      'cache.backend must be made by repositoryCache() from @s3verless/cache, or a RecordCache of your own passed through recordCache() from @s3verless/core',
    )
  }
  return engine
}

/**
 * What a record cache holds for one record: the object's body exactly as stored and its etag. Core
 * writes the body as JSON text (immutable, and it survives backends that serialise values); a
 * backend may hand back the UTF-8 bytes instead. Every hit is decoded afresh, so no caller can
 * change what the next one reads.
 */
export interface CachedRecord {
  readonly body: string | Uint8Array
  readonly etag: string
  /** The guard tokens current when this content was read (see `GenerationPort`); kept as given. */
  readonly guard?: string
}

/**
 * The cache port the repositories read records through (DESIGN.md §2: core defines it, another
 * package implements it; `repositoryCache(backend)` from `@s3verless/cache` adapts any
 * `CacheBackend`). Entries are addressed by the model's plural and the record id, so databases that
 * share one backend but not one bucket or base path need distinct key prefixes in the adapter.
 * Any method may throw or reject: reads and writes then fall back to the store and count an error.
 * With `getGeneration`/`setGeneration` (guard tokens, see `GenerationPort`), databases that share
 * the backend keep it coherent with each other's writes; without them, only with their own.
 */
export interface RecordCache extends GenerationPort {
  /** The engine (set by `recordCache()`, which `repositoryCache()` from `@s3verless/cache` calls). */
  readonly [CACHE_ENGINE]?: CacheEngine
  /** The entry of record `id` of `model` (a plural), or `undefined`. */
  get(model: string, id: string): Promise<CachedRecord | undefined>
  /** Stores an entry; `ttlSeconds` `undefined` means the backend's default time to live. */
  set(model: string, id: string, value: CachedRecord, ttlSeconds?: number): Promise<void>
  /** Removes an entry (no error when there is none). */
  delete(model: string, id: string): Promise<void>
  /** Called after every write to a record of `model`: drop what depends on the whole model (cached query results). */
  invalidateModel?(model: string): Promise<void>
  /**
   * A cached query result of `model` (used by `@s3verless/query`), or `undefined`. `params` is a
   * JSON-like description of the query (numbers may be `±Infinity`, `NaN` or bigints): derive the
   * key from a canonical form of it, in which object key order does not matter and those values
   * stay distinct (`cacheKeys().query` does).
   */
  getQuery?(model: string, params: unknown): Promise<unknown>
  /** Caches a query result under `params` (as for `getQuery`); it must be dropped by the next `invalidateModel(model)`. */
  setQuery?(model: string, params: unknown, value: unknown, ttlSeconds?: number): Promise<void>
}

/**
 * How a cached record is used.
 * - `'revalidate'` (strong): every read asks the store with a conditional GET on the cached etag;
 *   1 request either way, with no body when unchanged. Never serves a stale record.
 * - `'ttl'` (eventual): a fresh entry answers with no request at all; a record changed by another
 *   process may be served for up to `ttlSeconds`. Writes made through this database, or through any
 *   database sharing the backend when it keeps guard tokens (`repositoryCache` does), are seen at once.
 */
export type RecordCacheMode = 'revalidate' | 'ttl'

/** Per-model cache settings; unset fields inherit from {@link RecordCacheOptions}. */
export interface ModelCacheOptions {
  /** Default `'revalidate'`. */
  mode?: RecordCacheMode
  /**
   * Seconds an entry lives: in `'ttl'` mode how long it is served without asking the store
   * (default {@link DEFAULT_RECORD_TTL_SECONDS}); in `'revalidate'` mode only how long it is kept
   * (default: the backend's own default). A positive finite number.
   */
  ttlSeconds?: number
}

/**
 * The `cache` option of `createDatabase`: reads of records go through `backend`.
 * @example
 * import { InMemoryCache, repositoryCache } from '@s3verless/cache'
 * const db = createDatabase({
 *   store, models: [Product, Order],
 *   cache: { backend: repositoryCache(new InMemoryCache()), mode: 'ttl', ttlSeconds: 30, models: { Order: { mode: 'revalidate' } } },
 * })
 */
export interface RecordCacheOptions extends ModelCacheOptions {
  backend: RecordCache
  /** Overrides by model name (`'Product'`); `false` leaves a model's records uncached (its cached queries are still invalidated on writes). */
  models?: Partial<Record<string, ModelCacheOptions | false>>
}

/** Counters of a database's record cache (from `db.cacheStats()`); they only grow. */
export interface RecordCacheStats {
  /** Reads answered from a fresh `'ttl'` entry, with no request. */
  hits: number
  /** Reads whose entry a conditional GET confirmed (1 request, no body). */
  revalidated: number
  /** Reads whose entry a conditional GET found changed or gone (the new version was read in the same request). */
  stale: number
  /** Reads with no usable entry (1 plain GET). */
  misses: number
  /** Cache operations that threw, were answered by the store instead, or held an unusable value. */
  errors: number
}

/** Seconds a `'ttl'` entry is served without asking the store, unless configured (60). */
export const DEFAULT_RECORD_TTL_SECONDS = 60

/** Zeroed counters. */
export const emptyCacheStats = (): RecordCacheStats => ({ hits: 0, revalidated: 0, stale: 0, misses: 0, errors: 0 })

/**
 * Checks the `cache` option against the database's models.
 * @throws SettingsError for an unknown mode, a TTL that is not a positive finite number, or an override naming no model.
 */
export function checkCacheOptions(options: RecordCacheOptions, models: readonly Model[]): void {
  const check = (where: string, o: ModelCacheOptions) => {
    if (o.mode !== undefined && o.mode !== 'revalidate' && o.mode !== 'ttl') {
      throw new SettingsError(`${where}mode must be 'revalidate' or 'ttl', got ${JSON.stringify(o.mode)}`)
    }
    const ttl = o.ttlSeconds
    if (ttl !== undefined && (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0)) {
      throw new SettingsError(`${where}ttlSeconds must be a positive number of seconds, got ${String(ttl)}`)
    }
  }
  if (typeof options.backend?.get !== 'function') throw new SettingsError('cache.backend must be a RecordCache (see repositoryCache)')
  check('cache.', options)
  for (const [name, o] of Object.entries(options.models ?? {})) {
    if (!models.some((m) => m.name === name)) {
      throw new SettingsError(`cache.models.${name} names no model of this database (models: ${models.map((m) => m.name).join(', ')})`)
    }
    if (o) check(`cache.models.${name}.`, o)
  }
}

/** A write in progress on one record; `done` brings the cache in line once the store has answered. */
export interface RecordWrite {
  /** Call exactly once, after the write settled: with the new body and etag when it landed, without when it failed or deleted. Never throws. */
  done(written?: CachedRecord): Promise<void>
}
