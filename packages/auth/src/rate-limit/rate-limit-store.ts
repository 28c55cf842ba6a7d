import { AuthError } from '../errors.js'

/**
 * Where rate-limit counters live. The default keeps them in memory, per instance; implement this
 * over a shared store (Redis `INCR` + `PEXPIRE`, `SET … PX` and `PTTL`; a KV with atomic counters, …) so several
 * instances enforce one limit together.
 */
export interface RateLimitStore {
  /**
   * Adds one hit to the counter `key` and returns its count including this hit. A new counter
   * starts at 0 and disappears `ttlMs` after its first hit.
   */
  increment(key: string, ttlMs: number): Promise<number>
  /** How long `key` stays blocked, in ms, or `null` when it is not blocked. */
  blockedFor(key: string): Promise<number | null>
  /** Blocks `key` for `ttlMs`. */
  block(key: string, ttlMs: number): Promise<void>
  /** Forgets a counter or block. */
  delete(key: string): Promise<void>
  /** Optional: forgets every counter and block (what `RateLimiter.resetAll()` calls). */
  clear?(): Promise<void>
}

/** Options of {@link memoryRateLimitStore}. */
export interface MemoryRateLimitStoreOptions {
  /** Most counters held (default 100,000). Past it, expired ones go first, then the oldest. */
  maxKeys?: number
  /** Clock in ms (default `Date.now`). */
  now?: () => number
}

/** A {@link RateLimitStore} in memory that also reports its size. */
export interface MemoryRateLimitStore extends RateLimitStore {
  /** Counters and blocks held now. */
  readonly size: number
}

/**
 * Rate-limit counters in memory, bounded: a counter lives only as long as its window, expired
 * ones are swept as new ones arrive, and past `maxKeys` the oldest are dropped (which can only let
 * a client through early, never block one wrongly).
 * @throws AuthError `auth.invalidOptions` for a `maxKeys` below 1.
 */
export const memoryRateLimitStore = (options: MemoryRateLimitStoreOptions = {}): MemoryRateLimitStore => {
  const maxKeys = options.maxKeys ?? 100_000
  const now = options.now ?? Date.now
  if (!Number.isInteger(maxKeys) || maxKeys < 1)
    throw new AuthError('auth.invalidOptions', `maxKeys must be a positive integer, got ${maxKeys}`)
  const entries = new Map<string, { count: number; expiresAt: number }>()
  let writes = 0

  const sweep = (at: number) => {
    for (const [key, entry] of entries) if (entry.expiresAt <= at) entries.delete(key)
    const keep = Math.floor(maxKeys * 0.9)
    for (const key of entries.keys()) {
      if (entries.size <= keep) break
      entries.delete(key)
    }
  }
  const live = (key: string, at: number) => {
    const entry = entries.get(key)
    if (entry && entry.expiresAt <= at) {
      entries.delete(key)
      return undefined
    }
    return entry
  }
  const set = (key: string, entry: { count: number; expiresAt: number }, at: number) => {
    entries.set(key, entry)
    writes++
    if (entries.size > maxKeys || writes % 1000 === 0) sweep(at)
  }

  return {
    get size() {
      return entries.size
    },
    async increment(key, ttlMs) {
      const at = now()
      const entry = live(key, at)
      if (entry) {
        entry.count++
        return entry.count
      }
      set(key, { count: 1, expiresAt: at + ttlMs }, at)
      return 1
    },
    async blockedFor(key) {
      const at = now()
      const entry = live(key, at)
      return entry ? entry.expiresAt - at : null
    },
    async block(key, ttlMs) {
      const at = now()
      entries.delete(key)
      set(key, { count: 0, expiresAt: at + ttlMs }, at)
    },
    async delete(key) {
      entries.delete(key)
    },
    async clear() {
      entries.clear()
    },
  }
}
