import { DEFAULT_BASE_PATH, deleteAll, listAll, type ObjectStore, S3ClientManager } from '@s3verless/core'
import { mapLimit } from '@s3verless/core/internal'
import * as z from 'zod'
import { AuthError } from '../errors.js'
import { AuthKeys } from '../tokens/auth-keys.js'
import { readJson, writeJson } from '../tokens/stored-json.js'

/** Options of {@link TokenBlacklist}. */
export interface TokenBlacklistOptions {
  /** Where entries live: any ObjectStore, or an `S3ClientManager` (its configured bucket). */
  store: ObjectStore | S3ClientManager
  /** Key prefix of all data (default `s3verless-data/`); entries are `{basePath}_auth/revoked/{jti}`. */
  basePath?: string
  /**
   * How long a "not revoked" answer read from the store is reused, in ms (default 0: never). Each
   * instance sees its own revocations at once; with a value above 0, a revocation made by *another*
   * instance can go unnoticed here for up to that long, in exchange for fewer GETs on busy tokens.
   */
  negativeCacheMs?: number
  /** Most entries kept in memory (default 10,000). Forgetting one costs a GET later, never a wrong answer. */
  maxEntries?: number
  /** Clock (default `() => new Date()`). */
  now?: () => Date
}

const entrySchema = z.object({ jti: z.string(), expiresAt: z.string() })
const JTI = /^[A-Za-z0-9_-]{1,200}$/

/**
 * Revoked access tokens by their `jti`, kept until the token would have expired anyway. Each
 * entry is its own object (`{base}_auth/revoked/{jti}`), so concurrent revocations from any number
 * of instances are never lost, and an instance started later sees them all. Checks answer from
 * memory when they can; otherwise they cost 1 GET, whatever the number of entries.
 * @example
 * const blacklist = new TokenBlacklist({ store })
 * await blacklist.add(claims.jti, new Date(claims.exp * 1000))
 * await blacklist.isBlacklisted(claims.jti) // true, here and on every other instance
 */
export class TokenBlacklist {
  private readonly store: ObjectStore
  private readonly keys: AuthKeys
  private readonly negativeCacheMs: number
  private readonly maxEntries: number
  private readonly now: () => Date
  /** jti → expiry (ms) of entries known to exist. */
  private readonly revoked = new Map<string, number>()
  /** jti → until when (ms) a "not revoked" answer may be reused. */
  private readonly notRevoked = new Map<string, number>()

  constructor(options: TokenBlacklistOptions) {
    this.store = options.store instanceof S3ClientManager ? options.store.store() : options.store
    this.keys = new AuthKeys(options.basePath ?? DEFAULT_BASE_PATH)
    this.negativeCacheMs = options.negativeCacheMs ?? 0
    this.maxEntries = options.maxEntries ?? 10_000
    this.now = options.now ?? (() => new Date())
    if (!Number.isFinite(this.negativeCacheMs) || this.negativeCacheMs < 0) {
      throw new AuthError('auth.invalidOptions', `TokenBlacklist negativeCacheMs must be 0 or more, got ${this.negativeCacheMs}`)
    }
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) {
      throw new AuthError('auth.invalidOptions', `TokenBlacklist maxEntries must be a positive integer, got ${this.maxEntries}`)
    }
  }

  /**
   * Revokes a token until `expiresAt` (its `exp`): 1 PUT, unless it has already expired (then
   * nothing needs doing).
   * @throws AuthError `auth.invalidToken` for a jti that is not 1–200 characters of A–Z, a–z, 0–9, `_`, `-`.
   */
  async add(jti: string, expiresAt: Date): Promise<void> {
    checkJti(jti)
    const until = expiresAt.getTime()
    if (!(until > this.now().getTime())) return
    await writeJson(this.store, this.keys.revoked(jti), { jti, expiresAt: expiresAt.toISOString() })
    this.remember(this.revoked, jti, until)
    this.notRevoked.delete(jti)
  }

  /** Whether a token is revoked: from memory, or 1 GET. A malformed jti is never revoked. */
  async isBlacklisted(jti: string): Promise<boolean> {
    if (typeof jti !== 'string' || !JTI.test(jti)) return false
    const now = this.now().getTime()
    const known = this.revoked.get(jti)
    if (known !== undefined) {
      if (known > now) return true
      this.revoked.delete(jti)
      return false
    }
    const fresh = this.notRevoked.get(jti)
    if (fresh !== undefined && fresh > now) return false
    const stored = await readJson(this.store, this.keys.revoked(jti), entrySchema)
    const until = stored?.value ? Date.parse(stored.value.expiresAt) : Number.NaN
    if (stored && (Number.isNaN(until) || until > now)) {
      // An unreadable entry still means someone revoked the token: keep refusing it until cleanup.
      this.remember(this.revoked, jti, Number.isNaN(until) ? Number.POSITIVE_INFINITY : until)
      this.notRevoked.delete(jti)
      return true
    }
    if (this.negativeCacheMs > 0) this.remember(this.notRevoked, jti, now + this.negativeCacheMs)
    return false
  }

  /**
   * Removes expired entries, from memory and from the store. Lists every entry (1 LIST per 1000 +
   * 1 GET each, to read its expiry): a maintenance job. Returns how many stored entries it removed.
   */
  async cleanup(): Promise<number> {
    const now = this.now().getTime()
    for (const [jti, until] of this.revoked) if (until <= now) this.revoked.delete(jti)
    for (const [jti, until] of this.notRevoked) if (until <= now) this.notRevoked.delete(jti)
    const keys: string[] = []
    for await (const object of listAll(this.store, this.keys.revokedPrefix)) keys.push(object.key)
    const expired = await mapLimit(keys, 16, async (key) => {
      const stored = await readJson(this.store, key, entrySchema)
      const until = stored?.value ? Date.parse(stored.value.expiresAt) : Number.NaN
      return stored?.value && until <= now ? key : undefined
    })
    return deleteAll(
      this.store,
      expired.filter((k) => k !== undefined),
    )
  }

  /** Entries held in memory (revoked tokens known to this instance). */
  get size(): number {
    return this.revoked.size
  }

  private remember(map: Map<string, number>, jti: string, until: number): void {
    map.delete(jti)
    map.set(jti, until)
    if (map.size <= this.maxEntries) return
    const now = this.now().getTime()
    for (const [key, value] of map) if (value <= now) map.delete(key)
    // Still full: forget the oldest tenth. The store keeps every entry, so this costs a GET, not an answer.
    const keep = Math.floor(this.maxEntries * 0.9)
    for (const key of map.keys()) {
      if (map.size <= keep) break
      map.delete(key)
    }
  }
}

function checkJti(jti: string): void {
  if (typeof jti !== 'string' || !JTI.test(jti)) {
    throw new AuthError('auth.invalidToken', `A token id (jti) must be 1-200 characters of A-Z a-z 0-9 _ -, got ${JSON.stringify(jti)}`)
  }
}
