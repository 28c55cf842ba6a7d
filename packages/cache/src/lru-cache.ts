import { LRUCache as LRU } from 'lru-cache'
import { globMatcher } from './glob.js'
import { checkMaxSize, checkTtl, ttlMillis } from './options.js'
import { hitRate } from './stats.js'
import type { CacheBackend, CacheStats } from './types.js'

/** Options for {@link LRUCache}. */
export interface LRUCacheOptions {
  /** Most entries held at once (default 1000). */
  maxSize?: number
  /** Seconds an entry lives when `set` is given no TTL (default 300); `0` means entries never expire. */
  defaultTtl?: number
  /**
   * The clock, in milliseconds from any fixed origin; it must never go backwards
   * (default: `performance.now()`). Inject one in tests to move time without waiting.
   */
  now?: () => number
}

/** What the underlying cache holds: the value boxed (so `null` is storable) with its expiry. */
interface Box {
  readonly value: unknown
  /** Clock reading after which the entry is expired; `Infinity` for no expiry. */
  readonly expiresAt: number
}

/**
 * A least-recently-used cache with a time to live per entry, built on the `lru-cache` package.
 *
 * **Eviction policy:** when the cache is full and a new key is set, the least recently used entry
 * is evicted. `get` and `set` make a key the most recently used; `exists` does not (it only looks),
 * and neither `exists` nor `delete` count as hits or misses. An expired entry keeps its slot until
 * it is looked up or reaches the least-recently-used end, where its removal counts as an
 * expiration, not an eviction.
 *
 * An entry set with a TTL of `t` seconds is returned for `t` seconds (inclusive) and never after.
 * Values are stored by reference: do not mutate them after `set` or after `get`.
 *
 * @throws S3verlessError with code `'cache.invalidOptions'` for a negative or non-finite
 *   `defaultTtl` or TTL, or a `maxSize` that is not an integer ≥ 1.
 * @example
 * const cache = new LRUCache({ maxSize: 100, defaultTtl: 60 })
 * await cache.set('a', 1)
 * await cache.get<number>('a') // 1, and 'a' is now the most recently used key
 * cache.stats().hitRate // 1
 */
export class LRUCache implements CacheBackend {
  readonly #lru: LRU<string, Box>
  readonly #defaultTtl: number
  readonly #now: () => number
  #hits = 0
  #misses = 0
  #evictions = 0
  #expirations = 0

  constructor(options: LRUCacheOptions = {}) {
    this.#defaultTtl = checkTtl('defaultTtl', options.defaultTtl ?? 300)
    const now = options.now ?? (() => performance.now())
    // lru-cache treats a start time of 0 as "no TTL", so shift the clock to start at 1.
    const origin = now() - 1
    this.#now = () => now() - origin
    this.#lru = new LRU<string, Box>({
      max: checkMaxSize(options.maxSize ?? 1000),
      perf: { now: this.#now },
      // Read the clock on every check instead of caching it behind a timer: exact with any clock.
      ttlResolution: 0,
      dispose: (box, _key, reason) => {
        if (reason === 'expire' || (reason === 'evict' && this.#now() > box.expiresAt)) this.#expirations++
        else if (reason === 'evict') this.#evictions++
      },
    })
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const box = this.#lru.get(key) // removes an expired entry, reporting 'expire'
    if (box === undefined) {
      this.#misses++
      return undefined
    }
    this.#hits++
    return box.value as T
  }

  async set(key: string, value: unknown, ttlSeconds?: number): Promise<void> {
    const ttl = ttlMillis(ttlSeconds, this.#defaultTtl)
    if (value === undefined) {
      this.#lru.delete(key)
      return
    }
    const expiresAt = ttl === 0 ? Number.POSITIVE_INFINITY : this.#now() + ttl
    this.#lru.set(key, { value, expiresAt }, { ttl })
  }

  async delete(key: string): Promise<boolean> {
    if (this.#lru.has(key)) return this.#lru.delete(key)
    this.#lru.get(key) // purges an expired entry, if any, as an expiration
    return false
  }

  async exists(key: string): Promise<boolean> {
    return this.#lru.has(key)
  }

  async clear(): Promise<void> {
    this.#lru.clear()
  }

  async deletePattern(pattern: string): Promise<number> {
    const matches = globMatcher(pattern)
    const doomed = [...this.#lru.keys()].filter(matches) // live keys only
    for (const key of doomed) this.#lru.delete(key)
    return doomed.length
  }

  stats(): CacheStats {
    return {
      hits: this.#hits,
      misses: this.#misses,
      hitRate: hitRate(this.#hits, this.#misses),
      size: this.#lru.size,
      evictions: this.#evictions,
      expirations: this.#expirations,
    }
  }
}
