import { type CachedRecord, type RecordCache, recordCache } from '@s3verless/core'
import { cacheKeys } from './keys.js'
import type { CacheBackend } from './types.js'

/** Options for {@link repositoryCache}. */
export interface RepositoryCacheOptions {
  /**
   * First segment of every key (default `'s3verless'`, see `cacheKeys`). Give each database its own
   * prefix when several share one backend but not one bucket and base path: entries are keyed by
   * model plural and id only.
   */
  prefix?: string
  /**
   * Offer query-result caching to `@s3verless/query` and drop the model's cached results
   * (`cacheKeys().queryPattern(model)`) after every write to one of its records (default true). Turn
   * off when no query results are cached: `deletePattern` scans every key of an in-memory backend.
   */
  invalidateQueries?: boolean
}

/**
 * Adapts any {@link CacheBackend} to the record cache of core's `createDatabase({ cache })`. Records
 * live under `cacheKeys({ prefix }).record(plural, id)`. After a write only that record's entry
 * changes, plus the model's query results: the other records of the model stay cached (a write to
 * one record cannot change another).
 *
 * It also keeps the **guard tokens** (`cacheKeys().generation(plural, name)`) through which
 * databases sharing the backend stay coherent: every write renews its record's and its model's
 * tokens, every entry is stored with the tokens current when its content was read, and an entry is
 * only served while they are still current — so one database's slow read can never bring back
 * what another's write replaced. Query results are keyed by the canonical form of their
 * parameters (`cacheKeys().query`).
 *
 * Errors from the backend propagate to core, which counts them and falls back to the store.
 * @example
 * const db = createDatabase({
 *   store, models: [Product],
 *   cache: { backend: repositoryCache(new LRUCache({ maxSize: 10_000 })), mode: 'ttl', ttlSeconds: 30 },
 * })
 */
export const repositoryCache = (backend: CacheBackend, options: RepositoryCacheOptions = {}): RecordCache => {
  const keys = cacheKeys(options.prefix === undefined ? {} : { prefix: options.prefix })
  const cache: RecordCache = {
    get: (model, id) => backend.get<CachedRecord>(keys.record(model, id)),
    set: (model, id, value, ttlSeconds) => backend.set(keys.record(model, id), value, ttlSeconds),
    delete: async (model, id) => {
      await backend.delete(keys.record(model, id))
    },
    getGeneration: (model, name) => backend.get<string>(keys.generation(model, name)),
    setGeneration: (model, name, token, ttlSeconds) => backend.set(keys.generation(model, name), token, ttlSeconds),
  }
  if (options.invalidateQueries !== false) {
    cache.invalidateModel = async (model) => {
      await backend.deletePattern(keys.queryPattern(model))
    }
    cache.getQuery = async (model, params) => backend.get(keys.query(model, params))
    cache.setQuery = async (model, params, value, ttlSeconds) => backend.set(keys.query(model, params), value, ttlSeconds)
  }
  return recordCache(cache)
}
