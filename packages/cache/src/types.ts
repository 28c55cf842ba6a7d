/**
 * The cache port: every backend (in-memory, LRU, multi-tier, or your own over Redis or KV)
 * implements {@link CacheBackend}.
 */

/**
 * Counters every backend reports. They start at zero and are never reset (not even by `clear()`).
 */
export interface CacheStats {
  /** Lookups (`get`) that found a live value. */
  hits: number
  /** Lookups (`get`) that found nothing or only an expired entry. */
  misses: number
  /** `hits / (hits + misses)`, between 0 and 1; 0 before the first lookup. */
  hitRate: number
  /** Entries currently held. Expired entries not yet purged are included. */
  size: number
  /** Live entries removed to make room for new ones. */
  evictions: number
  /** Entries removed because their time to live ran out (purged lazily, so counted when noticed). */
  expirations?: number
}

/**
 * An asynchronous key-value cache with per-entry time to live (TTL, in seconds).
 *
 * - `ttlSeconds` of `0` or `undefined` on {@link CacheBackend.set} means "the backend's default TTL";
 *   a default of `0` means entries never expire.
 * - Values are kept as given, without copying or serialising: do not mutate a value after
 *   `set`, nor one returned by `get`, or every later reader sees the change.
 * - `undefined` is not a cacheable value (`get` uses it to say "absent"): setting it removes the key.
 *   `null` is cached like any other value, which makes negative caching possible.
 *
 * @example
 * const cache: CacheBackend = new InMemoryCache({ defaultTtl: 60 })
 * await cache.set('user:1', { name: 'Ada' })
 * const user = await cache.get<{ name: string }>('user:1')
 */
export interface CacheBackend {
  /** The live value under `key`, or `undefined` when absent or expired. Counts a hit or a miss. */
  get<T = unknown>(key: string): Promise<T | undefined>
  /**
   * Stores `value` under `key`, replacing any previous value.
   * @param ttlSeconds seconds to live; `0` or `undefined` uses the backend's default.
   */
  set(key: string, value: unknown, ttlSeconds?: number): Promise<void>
  /** Removes `key`; true when a live entry was removed. */
  delete(key: string): Promise<boolean>
  /** True when a live entry exists under `key`. Does not count as a hit or a miss. */
  exists(key: string): Promise<boolean>
  /** Removes every entry (the statistics counters are kept). */
  clear(): Promise<void>
  /**
   * Removes every live entry whose key matches `pattern`, a glob in which `*` matches any run of
   * characters (including none and including `:`) and `?` exactly one character; every other
   * character matches itself. Returns how many live entries were removed.
   */
  deletePattern(pattern: string): Promise<number>
  /** A snapshot of the counters. */
  stats(): CacheStats
}
