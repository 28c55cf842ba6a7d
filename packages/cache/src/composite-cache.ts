import { S3verlessError } from '@s3verless/core'
import { checkTtl, INVALID_OPTIONS } from './options.js'
import { hitRate } from './stats.js'
import type { CacheBackend, CacheStats } from './types.js'

/** The operation during which a tier failed, as reported to {@link CompositeCacheOptions.onError}. */
export type CacheOperation = 'get' | 'promote' | 'set' | 'delete' | 'exists' | 'clear' | 'deletePattern' | 'stats'

/** Where a tier failure happened, as reported to {@link CompositeCacheOptions.onError}. */
export interface TierErrorContext {
  /** Index of the failing tier in the list given to the constructor (0 is the fastest). */
  tier: number
  operation: CacheOperation
  /** The key or pattern concerned, if any. */
  key?: string
}

/** Options for {@link CompositeCache}. */
export interface CompositeCacheOptions {
  /**
   * Seconds a value found in a slower tier lives in the faster tiers it is copied into
   * (default: each tier's own default TTL). The remaining life of the value in the slower tier is
   * not known, so a promoted copy can outlive it: keep this no longer than you can serve stale data.
   */
  promoteTtl?: number
  /** Called with every tier failure, for logging; anything it throws is ignored. */
  onError?: (error: unknown, context: TierErrorContext) => void
}

/** Statistics of a {@link CompositeCache}: its own lookups, plus each tier's statistics. */
export interface CompositeCacheStats extends CacheStats {
  /** Tier operations that threw (and were treated as a miss or skipped); failures of `stats()` itself are not counted. */
  errors: number
  /** Each tier's own statistics, fastest first (zeros for a tier whose `stats()` threw). */
  tiers: CacheStats[]
}

const emptyStats = (): CacheStats => ({ hits: 0, misses: 0, hitRate: 0, size: 0, evictions: 0 })

/**
 * A multi-tier cache: tiers are listed fastest first (for example a small {@link LRUCache} in front
 * of a larger shared cache).
 *
 * - `get` asks the tiers in order and returns the first value found; a value found in a slower tier
 *   is copied ("promoted") into every faster tier before `get` returns. The composite counts one hit
 *   or one miss per `get`; each tier keeps its own counters (see {@link CompositeCacheStats.tiers}).
 * - `set`, `delete`, `clear` and `deletePattern` reach every tier, in parallel. `delete` is true
 *   when any tier held the key. `deletePattern` returns the largest count any one tier removed: the
 *   tiers' reports do not say which keys they removed, so this is a lower bound on the number of
 *   distinct keys removed, and exact whenever each faster tier holds a subset of the slower one's
 *   keys (which write-through and promotion keep true, evictions aside).
 * - `exists` is true when any tier has the key; it neither counts nor promotes.
 * - A tier that throws never fails an operation: on a read it counts as a miss and the next tier
 *   is asked; a failed write, delete or promotion is skipped. Each failure is counted in
 *   `stats().errors` and passed to `onError`.
 *
 * @throws S3verlessError with code `'cache.invalidOptions'` when `tiers` is empty or `promoteTtl`
 *   is negative or not finite.
 * @example
 * const cache = new CompositeCache([
 *   new LRUCache({ maxSize: 100, defaultTtl: 60 }),
 *   new InMemoryCache({ maxSize: 1000, defaultTtl: 300 }),
 * ])
 * await cache.set('k', 'v') // written to both tiers, each with its own default TTL
 */
export class CompositeCache implements CacheBackend {
  readonly #tiers: readonly CacheBackend[]
  readonly #promoteTtl: number | undefined
  readonly #onError: CompositeCacheOptions['onError']
  #hits = 0
  #misses = 0
  #errors = 0

  constructor(tiers: readonly CacheBackend[], options: CompositeCacheOptions = {}) {
    if (tiers.length === 0) {
      throw new S3verlessError(INVALID_OPTIONS, 'A CompositeCache needs at least one tier', { details: { option: 'tiers' } })
    }
    this.#tiers = [...tiers]
    this.#promoteTtl = options.promoteTtl === undefined ? undefined : checkTtl('promoteTtl', options.promoteTtl)
    this.#onError = options.onError
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    for (const [i, tier] of this.#tiers.entries()) {
      const value = await this.#attempt(i, 'get', key, () => tier.get<T>(key))
      if (value === undefined) continue
      this.#hits++
      await Promise.all(
        this.#tiers.slice(0, i).map((faster, j) => this.#attempt(j, 'promote', key, () => faster.set(key, value, this.#promoteTtl))),
      )
      return value
    }
    this.#misses++
    return undefined
  }

  /** @throws S3verlessError with code `'cache.invalidOptions'` for a negative or non-finite TTL (no tier is written). */
  async set(key: string, value: unknown, ttlSeconds?: number): Promise<void> {
    if (ttlSeconds !== undefined) checkTtl('ttl', ttlSeconds)
    await this.#everyTier('set', key, (tier) => tier.set(key, value, ttlSeconds))
  }

  async delete(key: string): Promise<boolean> {
    const removed = await this.#everyTier('delete', key, (tier) => tier.delete(key))
    return removed.some((r) => r === true)
  }

  async exists(key: string): Promise<boolean> {
    for (const [i, tier] of this.#tiers.entries()) {
      if ((await this.#attempt(i, 'exists', key, () => tier.exists(key))) === true) return true
    }
    return false
  }

  async clear(): Promise<void> {
    await this.#everyTier('clear', undefined, (tier) => tier.clear())
  }

  async deletePattern(pattern: string): Promise<number> {
    const counts = await this.#everyTier('deletePattern', pattern, (tier) => tier.deletePattern(pattern))
    return Math.max(0, ...counts.map((n) => n ?? 0))
  }

  /**
   * The composite's own hits and misses (one per `get`), tier failures, and each tier's statistics.
   * `size` is the largest tier's size; `evictions` and `expirations` are sums over the tiers.
   */
  stats(): CompositeCacheStats {
    const tiers = this.#tiers.map((tier, i) => {
      try {
        return tier.stats()
      } catch (error) {
        this.#report(error, { tier: i, operation: 'stats' }) // reported, not counted: reading stats must not change them
        return emptyStats()
      }
    })
    return {
      hits: this.#hits,
      misses: this.#misses,
      hitRate: hitRate(this.#hits, this.#misses),
      size: Math.max(0, ...tiers.map((t) => t.size)),
      evictions: tiers.reduce((sum, t) => sum + t.evictions, 0),
      expirations: tiers.reduce((sum, t) => sum + (t.expirations ?? 0), 0),
      errors: this.#errors,
      tiers,
    }
  }

  /** Runs `op` on every tier in parallel; a failing tier yields `undefined`. */
  #everyTier<R>(operation: CacheOperation, key: string | undefined, op: (tier: CacheBackend) => Promise<R>): Promise<(R | undefined)[]> {
    return Promise.all(this.#tiers.map((tier, i) => this.#attempt(i, operation, key, () => op(tier))))
  }

  /** Runs one tier operation; a throw (synchronous or not) is counted and becomes `undefined`. */
  async #attempt<R>(tier: number, operation: CacheOperation, key: string | undefined, op: () => Promise<R>): Promise<R | undefined> {
    try {
      return await op()
    } catch (error) {
      this.#failed(error, key === undefined ? { tier, operation } : { tier, operation, key })
      return undefined
    }
  }

  #failed(error: unknown, context: TierErrorContext): void {
    this.#errors++
    this.#report(error, context)
  }

  #report(error: unknown, context: TierErrorContext): void {
    try {
      this.#onError?.(error, context)
    } catch {
      // A failing logger must not fail the cache.
    }
  }
}
