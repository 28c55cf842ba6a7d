import { S3verlessError } from '@s3verless/core'
import { checkTtl, INVALID_OPTIONS } from './options.js'
import { hitRate } from './stats.js'
import { TierTrust } from './tier-trust.js'
import type { CacheBackend, CacheStats } from './types.js'
import { WriteTracker } from './write-tracker.js'

/** Error code of a write that failed on a tier which may therefore still hold what the write replaced. */
export const TIER_FAILED = 'cache.tierFailed'

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
  /** Tier operations that threw (a read counted as a miss, a write settled as described on the class); failures of `stats()` itself are not counted. */
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
 *   is copied ("promoted") into every faster tier before `get` returns — but only when no write
 *   that could touch the key (`set`, `delete`, `deletePattern`, `clear`) ran, began or ended since
 *   the `get` began, so a promotion never puts back a value that a write replaced meanwhile. The
 *   composite counts one hit or one miss per `get`; each tier keeps its own counters (see
 *   {@link CompositeCacheStats.tiers}).
 * - `set`, `delete`, `clear` and `deletePattern` reach every tier, in parallel. `delete` is true
 *   when any tier held the key. `deletePattern` returns the largest count any one tier removed: the
 *   tiers' reports do not say which keys they removed, so this is a lower bound on the number of
 *   distinct keys removed, and exact whenever each faster tier holds a subset of the slower one's
 *   keys (which write-through and promotion keep true, evictions aside).
 * - `exists` is true when any tier has the key; it neither counts nor promotes.
 * - A tier that throws on a read counts as a miss and the next tier is asked. A tier that fails a
 *   `set` or `delete` is asked to drop the key instead; if it cannot, it may still hold the value
 *   the write replaced, so this composite stops reading that tier for the key (for keys matching a
 *   failed `deletePattern`; for every key after a failed `clear`) until a later write to it
 *   succeeds, and the write **rejects** with code `'cache.tierFailed'` after every other tier was
 *   written — the failure is not hidden from the caller (a database then stops trusting the entry).
 *   Each failure is counted in `stats().errors` and passed to `onError`.
 *
 * Tiers are assumed to apply one client's operations in the order it issued them (true of
 * in-process tiers and of one connection to a server such as Redis).
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
  readonly #trust: readonly TierTrust[]
  readonly #writes = new WriteTracker()
  readonly #promoteTtl: number | undefined
  readonly #onError: CompositeCacheOptions['onError']
  /** Sequence number of the last write issued (see {@link TierTrust}). */
  #issued = 0
  #hits = 0
  #misses = 0
  #errors = 0

  constructor(tiers: readonly CacheBackend[], options: CompositeCacheOptions = {}) {
    if (tiers.length === 0) {
      throw new S3verlessError(INVALID_OPTIONS, 'A CompositeCache needs at least one tier', { details: { option: 'tiers' } })
    }
    this.#tiers = [...tiers]
    this.#trust = this.#tiers.map(() => new TierTrust())
    this.#promoteTtl = options.promoteTtl === undefined ? undefined : checkTtl('promoteTtl', options.promoteTtl)
    this.#onError = options.onError
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const since = this.#writes.now()
    for (const [i, tier] of this.#tiers.entries()) {
      if (!this.#trust[i]?.trusts(key)) continue
      const value = await this.#attempt(i, 'get', key, () => tier.get<T>(key))
      if (value === undefined) continue
      this.#hits++
      // Checked and issued with no await in between: a write that begins later is issued after the copy.
      if (i > 0 && this.#writes.quietSince(key, since)) await this.#promote(key, value, i)
      return value
    }
    this.#misses++
    return undefined
  }

  /**
   * @throws S3verlessError with code `'cache.invalidOptions'` for a negative or non-finite TTL (no tier is written).
   * @throws S3verlessError with code `'cache.tierFailed'` when a tier failed and may still hold the previous value.
   */
  async set(key: string, value: unknown, ttlSeconds?: number): Promise<void> {
    if (ttlSeconds !== undefined) checkTtl('ttl', ttlSeconds)
    await this.#writeKey('set', key, (tier) => tier.set(key, value, ttlSeconds))
  }

  /** @throws S3verlessError with code `'cache.tierFailed'` when a tier failed and may still hold the key. */
  async delete(key: string): Promise<boolean> {
    const removed = await this.#writeKey('delete', key, (tier) => tier.delete(key))
    return removed.some((r) => r === true)
  }

  async exists(key: string): Promise<boolean> {
    for (const [i, tier] of this.#tiers.entries()) {
      if (!this.#trust[i]?.trusts(key)) continue
      if ((await this.#attempt(i, 'exists', key, () => tier.exists(key))) === true) return true
    }
    return false
  }

  /** @throws S3verlessError with code `'cache.tierFailed'` when a tier could not be cleared. */
  async clear(): Promise<void> {
    await this.#writeAll('clear', undefined, (tier) => tier.clear(), {
      settled: (trust, issued) => trust.cleared(issued),
      failed: (trust, issued) => trust.clearFailed(issued),
    })
  }

  /** @throws S3verlessError with code `'cache.tierFailed'` when a tier could not remove the matching keys. */
  async deletePattern(pattern: string): Promise<number> {
    const counts = await this.#writeAll('deletePattern', pattern, (tier) => tier.deletePattern(pattern), {
      settled: (trust, issued) => trust.patternSettled(pattern, issued),
      failed: (trust, issued) => trust.patternFailed(pattern, issued),
    })
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

  /** Copies a value read from tier `from` into every faster tier; a copy that lands settles the key there. */
  async #promote(key: string, value: unknown, from: number): Promise<void> {
    const issued = ++this.#issued
    await Promise.all(
      this.#tiers.slice(0, from).map(async (faster, j) => {
        const ok = await this.#attempt(j, 'promote', key, async () => {
          await faster.set(key, value, this.#promoteTtl)
          return true
        })
        if (ok) this.#trust[j]?.settled(key, issued)
      }),
    )
  }

  /**
   * A `set` or `delete` of one key on every tier in parallel. A tier that fails is asked to drop the
   * key; if it cannot, it is no longer read for the key and the write rejects once every tier answered.
   */
  async #writeKey<R>(operation: 'set' | 'delete', key: string, op: (tier: CacheBackend) => Promise<R>): Promise<(R | undefined)[]> {
    const issued = ++this.#issued
    const end = this.#writes.begin(key)
    const failed: number[] = []
    let results: (R | undefined)[]
    try {
      results = await Promise.all(
        this.#tiers.map(async (tier, i) => {
          const trust = this.#trust[i] as TierTrust
          try {
            const result = await op(tier)
            trust.settled(key, issued)
            return result
          } catch (error) {
            this.#failed(error, { tier: i, operation, key })
            const dropped = await this.#attempt(i, 'delete', key, async () => {
              await tier.delete(key)
              return true
            })
            if (dropped) trust.settled(key, issued)
            else {
              trust.failed(key, issued)
              failed.push(i)
            }
            return undefined
          }
        }),
      )
    } finally {
      end()
    }
    if (failed.length > 0) throw tierFailed(operation, key, failed)
    return results
  }

  /** A `clear` or `deletePattern` on every tier in parallel; a tier that fails is no longer read for the keys concerned. */
  async #writeAll<R>(
    operation: 'clear' | 'deletePattern',
    pattern: string | undefined,
    op: (tier: CacheBackend) => Promise<R>,
    trust: { settled: (trust: TierTrust, issued: number) => void; failed: (trust: TierTrust, issued: number) => void },
  ): Promise<(R | undefined)[]> {
    const issued = ++this.#issued
    const end = this.#writes.begin(undefined)
    const failed: number[] = []
    let results: (R | undefined)[]
    try {
      results = await Promise.all(
        this.#tiers.map(async (tier, i) => {
          try {
            const result = await op(tier)
            trust.settled(this.#trust[i] as TierTrust, issued)
            return result
          } catch (error) {
            this.#failed(error, pattern === undefined ? { tier: i, operation } : { tier: i, operation, key: pattern })
            trust.failed(this.#trust[i] as TierTrust, issued)
            failed.push(i)
            return undefined
          }
        }),
      )
    } finally {
      end()
    }
    if (failed.length > 0) throw tierFailed(operation, pattern, failed)
    return results
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

const tierFailed = (operation: CacheOperation, key: string | undefined, tiers: number[]) =>
  new S3verlessError(
    TIER_FAILED,
    `CompositeCache: ${operation}${key === undefined ? '' : ` of "${key}"`} failed on tier ${tiers.join(', ')}, which may still hold what it replaced (no longer read for it)`,
    { details: { operation, ...(key === undefined ? {} : { key }), tiers } },
  )
