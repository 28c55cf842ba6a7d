import { globMatcher } from './glob.js'
import { MinHeap } from './min-heap.js'
import { checkMaxSize, checkTtl, ttlMillis } from './options.js'
import { hitRate } from './stats.js'
import type { CacheBackend, CacheStats } from './types.js'

/** Options for {@link InMemoryCache}. */
export interface InMemoryCacheOptions {
  /** Seconds an entry lives when `set` is given no TTL (default 300); `0` means entries never expire. */
  defaultTtl?: number
  /** Most entries held at once (default 1000). */
  maxSize?: number
  /**
   * The clock, in milliseconds from any fixed origin; it must never go backwards
   * (default: `performance.now()`). Inject one in tests to move time without waiting.
   */
  now?: () => number
}

interface Entry {
  readonly key: string
  readonly value: unknown
  /** Clock reading after which the entry is expired; `Infinity` for no expiry. */
  readonly expiresAt: number
  /** Write order, to break expiry ties (older first). */
  readonly seq: number
}

const expiresFirst = (a: Entry, b: Entry): boolean => a.expiresAt < b.expiresAt || (a.expiresAt === b.expiresAt && a.seq < b.seq)

/**
 * A `Map`-backed cache with a time to live per entry and a bound on the number of entries.
 *
 * **Eviction policy:** when the cache is full and a new key is set, expired entries are purged first;
 * if none were, the entry that expires soonest is evicted (entries without expiry go last), and among
 * entries expiring at the same moment the one written longest ago. Reading does not protect an entry
 * (use `LRUCache` for recency-based eviction). `get`, `set` and `delete` take O(log n) amortised
 * time; `deletePattern` scans every key.
 *
 * An entry set with a TTL of `t` seconds is returned for `t` seconds (inclusive) and never after.
 * Expired entries are purged lazily: when looked up, when matched by `deletePattern`, or when room
 * is needed. Values are stored by reference: do not mutate them after `set` or after `get`.
 *
 * @throws S3verlessError with code `'cache.invalidOptions'` for a negative or non-finite
 *   `defaultTtl` or TTL, or a `maxSize` that is not an integer ≥ 1.
 * @example
 * const cache = new InMemoryCache({ defaultTtl: 300, maxSize: 1000 })
 * await cache.set('greeting', 'hello', 60) // lives 60 s instead of 300
 * await cache.get<string>('greeting') // 'hello'
 */
export class InMemoryCache implements CacheBackend {
  readonly #entries = new Map<string, Entry>()
  /** Every live entry, plus superseded ones (skipped lazily, compacted when they pile up). */
  readonly #byExpiry = new MinHeap<Entry>(expiresFirst)
  readonly #defaultTtl: number
  readonly #maxSize: number
  readonly #now: () => number
  #seq = 0
  #hits = 0
  #misses = 0
  #evictions = 0
  #expirations = 0

  constructor(options: InMemoryCacheOptions = {}) {
    this.#defaultTtl = checkTtl('defaultTtl', options.defaultTtl ?? 300)
    this.#maxSize = checkMaxSize(options.maxSize ?? 1000)
    this.#now = options.now ?? (() => performance.now())
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const entry = this.#live(key)
    if (entry === undefined) {
      this.#misses++
      return undefined
    }
    this.#hits++
    return entry.value as T
  }

  async set(key: string, value: unknown, ttlSeconds?: number): Promise<void> {
    const ttl = ttlMillis(ttlSeconds, this.#defaultTtl)
    if (value === undefined) {
      this.#remove(key)
      return
    }
    if (!this.#entries.has(key) && this.#entries.size >= this.#maxSize) this.#makeRoom()
    const entry: Entry = { key, value, expiresAt: ttl === 0 ? Number.POSITIVE_INFINITY : this.#now() + ttl, seq: this.#seq++ }
    this.#entries.set(key, entry)
    this.#byExpiry.push(entry)
    this.#compactIfNeeded()
  }

  async delete(key: string): Promise<boolean> {
    const live = this.#live(key) !== undefined
    this.#remove(key)
    return live
  }

  async exists(key: string): Promise<boolean> {
    return this.#live(key) !== undefined
  }

  async clear(): Promise<void> {
    this.#entries.clear()
    this.#byExpiry.clear()
  }

  async deletePattern(pattern: string): Promise<number> {
    const matches = globMatcher(pattern)
    const now = this.#now()
    let removed = 0
    for (const [key, entry] of this.#entries) {
      if (!matches(key)) continue
      this.#entries.delete(key)
      if (now > entry.expiresAt) this.#expirations++
      else removed++
    }
    this.#compactIfNeeded()
    return removed
  }

  stats(): CacheStats {
    return {
      hits: this.#hits,
      misses: this.#misses,
      hitRate: hitRate(this.#hits, this.#misses),
      size: this.#entries.size,
      evictions: this.#evictions,
      expirations: this.#expirations,
    }
  }

  /** The entry under `key` if it is live; an expired one is purged and counted. */
  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    if (this.#now() > entry.expiresAt) {
      this.#entries.delete(key)
      this.#expirations++
      return undefined
    }
    return entry
  }

  #remove(key: string): void {
    if (this.#entries.delete(key)) this.#compactIfNeeded()
  }

  /** Frees at least one slot: purges every expired entry, or else evicts the one expiring soonest. */
  #makeRoom(): void {
    const now = this.#now()
    let freed = false
    for (;;) {
      const next = this.#byExpiry.peek()
      if (next === undefined) return
      if (this.#entries.get(next.key) !== next) {
        this.#byExpiry.pop() // superseded or already removed
        continue
      }
      if (now > next.expiresAt) {
        this.#byExpiry.pop()
        this.#entries.delete(next.key)
        this.#expirations++
        freed = true
        continue
      }
      if (freed) return
      this.#byExpiry.pop()
      this.#entries.delete(next.key)
      this.#evictions++
      return
    }
  }

  /** Drops superseded heap nodes once they outnumber the live entries. */
  #compactIfNeeded(): void {
    if (this.#byExpiry.size <= 2 * this.#entries.size + 64) return
    this.#byExpiry.rebuild([...this.#entries.values()])
  }
}
