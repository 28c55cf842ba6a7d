import { SettingsError } from '../errors.js'
import type { Model } from '../model/define-model.js'
import { fromUtf8, toBytes } from '../store/bytes.js'
import type { ObjectStore } from '../store/types.js'

/**
 * What a record cache holds for one record: the object's body exactly as stored and its etag. Core
 * writes the body as JSON text (immutable, and it survives backends that serialise values); a
 * backend may hand back the UTF-8 bytes instead. Every hit is decoded afresh, so no caller can
 * change what the next one reads.
 */
export interface CachedRecord {
  readonly body: string | Uint8Array
  readonly etag: string
}

/**
 * The cache port the repositories read records through (DESIGN.md §2: core defines it, another
 * package implements it; `repositoryCache(backend)` from `@s3verless/cache` adapts any
 * `CacheBackend`). Entries are addressed by the model's plural and the record id, so databases that
 * share one backend but not one bucket or base path need distinct key prefixes in the adapter.
 * Any method may throw or reject: reads and writes then fall back to the store and count an error.
 */
export interface RecordCache {
  /** The entry of record `id` of `model` (a plural), or `undefined`. */
  get(model: string, id: string): Promise<CachedRecord | undefined>
  /** Stores an entry; `ttlSeconds` `undefined` means the backend's default time to live. */
  set(model: string, id: string, value: CachedRecord, ttlSeconds?: number): Promise<void>
  /** Removes an entry (no error when there is none). */
  delete(model: string, id: string): Promise<void>
  /** Called after every write to a record of `model`: drop what depends on the whole model (cached query results). */
  invalidateModel?(model: string): Promise<void>
  /** A cached query result of `model` under `key` (used by `@s3verless/query`), or `undefined`. */
  getQuery?(model: string, key: string): Promise<unknown>
  /** Caches a query result; it must be dropped by the next `invalidateModel(model)`. */
  setQuery?(model: string, key: string, value: unknown, ttlSeconds?: number): Promise<void>
}

/**
 * How a cached record is used.
 * - `'revalidate'` (strong): every read asks the store with a conditional GET on the cached etag;
 *   1 request either way, with no body when unchanged. Never serves a stale record.
 * - `'ttl'` (eventual): a fresh entry answers with no request at all; a record changed by another
 *   process may be served for up to `ttlSeconds`. Writes made through this database are seen at once.
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

/** Ids whose entry failed to update are remembered up to this many; past it every entry is revalidated. */
const MAX_SUSPECTS = 10_000
/** Write stamps kept before the oldest are forgotten (reads older than that then never fill the cache). */
const MAX_STAMPS = 10_000

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

/** Turns a stored body and its etag into what callers get (throws on a record that does not decode). */
type Decode<T> = (body: Uint8Array, etag: string) => T

const isCachedRecord = (value: unknown): value is CachedRecord => {
  if (typeof value !== 'object' || value === null) return false
  const { body, etag } = value as Partial<CachedRecord>
  return typeof etag === 'string' && (typeof body === 'string' || body instanceof Uint8Array)
}

/**
 * One model's records read through a {@link RecordCache}, kept coherent with the writes made by this
 * process: a write stamps the record's id when it starts and when it ends, and a read only fills the
 * cache when no write of that record started since the read did (so a slow read can never put back
 * the version a write replaced). An entry whose update failed is not trusted until rewritten.
 */
export class ModelRecordCache {
  readonly #stamps = new Map<string, number>()
  readonly #pending = new Map<string, number>()
  readonly #suspects = new Set<string>()
  #clock = 0
  #floor = 0
  #distrustAll = false

  constructor(
    readonly plural: string,
    readonly store: ObjectStore,
    readonly backend: RecordCache,
    /** `'off'`: the model opted out: records are read from the store, writes only invalidate the model. */
    readonly mode: RecordCacheMode | 'off',
    readonly ttlSeconds: number | undefined,
    readonly stats: RecordCacheStats,
  ) {}

  /** The cache of `model` under `options` (mode `'off'` when the model opts out). */
  static of(options: RecordCacheOptions, model: Model, store: ObjectStore, stats: RecordCacheStats): ModelRecordCache {
    const own = options.models?.[model.name]
    const mode = own === false ? 'off' : (own?.mode ?? options.mode ?? 'revalidate')
    const ttl = (own || undefined)?.ttlSeconds ?? options.ttlSeconds ?? (mode === 'ttl' ? DEFAULT_RECORD_TTL_SECONDS : undefined)
    return new ModelRecordCache(model.plural, store, options.backend, mode, ttl, stats)
  }

  /**
   * Reads record `id` (object `key`): a trusted `'ttl'` entry answers with no request; any other
   * entry is revalidated with one conditional GET; no entry means one GET. `fresh` never trusts an
   * entry without asking the store (what a compare-and-swap needs). `decode` errors on a store body propagate.
   */
  async read<T extends object>(id: string, key: string, decode: Decode<T>, fresh: boolean): Promise<T | null> {
    if (this.mode === 'off') {
      const object = await this.store.get(key)
      return object ? decode(object.body, object.etag) : null
    }
    const started = this.#clock
    const cached = await this.#get(id)
    if (cached && this.mode === 'ttl' && !fresh && !this.#distrustAll && !this.#suspects.has(id)) {
      const value = this.#decodeCached(cached, decode)
      if (value) {
        this.stats.hits++
        return value
      }
    } else if (cached) {
      const answer = await this.#revalidate(id, key, cached, decode, started)
      if (answer) return answer.value
    }
    this.stats.misses++
    const object = await this.store.get(key)
    return object ? this.#decodeAndFill(id, object.body, object.etag, decode, started) : null
  }

  /** One conditional GET on the cached etag; `undefined` when the cached body turned out unusable. */
  async #revalidate<T extends object>(id: string, key: string, cached: CachedRecord, decode: Decode<T>, started: number) {
    const object = await this.store.get(key, { ifNoneMatch: cached.etag })
    if (object?.notModified) {
      const value = this.#decodeCached(cached, decode)
      if (!value) return undefined
      this.stats.revalidated++
      if (this.mode === 'ttl') await this.#fill(id, cached, started) // confirmed current: fresh for another TTL
      return { value }
    }
    this.stats.stale++
    if (!object) {
      await this.#fill(id, undefined, started)
      return { value: null }
    }
    return { value: await this.#decodeAndFill(id, object.body, object.etag, decode, started) }
  }

  /** Marks record `id` as being written; call right before the store write. */
  beginWrite(id: string): RecordWrite {
    if (this.mode === 'off') return { done: () => this.#invalidateModel() }
    const stamp = this.#stamp(id)
    this.#pending.set(id, (this.#pending.get(id) ?? 0) + 1)
    return {
      done: async (written) => {
        // Refresh only when no other write of this record overlapped this one; otherwise forget it.
        const alone = this.#stamps.get(id) === stamp && this.#pending.get(id) === 1
        const left = (this.#pending.get(id) ?? 1) - 1
        if (left > 0) this.#pending.set(id, left)
        else this.#pending.delete(id)
        this.#stamp(id)
        await this.#put(id, alone ? written : undefined)
        await this.#invalidateModel()
      },
    }
  }

  async #invalidateModel(): Promise<void> {
    await this.#guard(() => this.backend.invalidateModel?.(this.plural))
  }

  #stamp(id: string): number {
    if (this.#stamps.size >= MAX_STAMPS) {
      this.#stamps.clear()
      this.#floor = this.#clock + 1
    }
    const stamp = ++this.#clock
    this.#stamps.set(id, stamp)
    return stamp
  }

  async #decodeAndFill<T>(id: string, body: Uint8Array, etag: string, decode: Decode<T>, started: number) {
    let value: T
    try {
      value = decode(body, etag)
    } catch (error) {
      await this.#fill(id, undefined, started)
      throw error
    }
    await this.#fill(id, { body: fromUtf8(body), etag }, started)
    return value
  }

  #decodeCached<T>(cached: CachedRecord, decode: Decode<T>): T | undefined {
    try {
      return decode(toBytes(cached.body), cached.etag)
    } catch {
      this.stats.errors++ // what the store held decoded when cached: the entry is damaged, read the store
      return undefined
    }
  }

  /** Stores (or with `undefined`, removes) what a read found, unless a write of the record began since the read did. */
  async #fill(id: string, value: CachedRecord | undefined, started: number): Promise<void> {
    if (started < this.#floor || this.#pending.has(id) || (this.#stamps.get(id) ?? 0) > started) return
    await this.#put(id, value)
  }

  async #put(id: string, value: CachedRecord | undefined): Promise<void> {
    const ok = await this.#guard(() =>
      value
        ? this.backend.set(this.plural, id, Object.freeze({ body: value.body, etag: value.etag }), this.ttlSeconds)
        : this.backend.delete(this.plural, id),
    )
    if (ok) this.#suspects.delete(id)
    else if (this.#suspects.size >= MAX_SUSPECTS) this.#distrustAll = true
    else this.#suspects.add(id)
  }

  async #get(id: string): Promise<CachedRecord | undefined> {
    let value: unknown
    const ok = await this.#guard(async () => {
      value = await this.backend.get(this.plural, id)
    })
    if (!ok || value === undefined || value === null) return undefined
    if (isCachedRecord(value)) return value
    this.stats.errors++
    return undefined
  }

  /** Runs a cache operation; a throw or rejection is counted, never raised. True when it succeeded. */
  async #guard(work: () => Promise<unknown> | undefined): Promise<boolean> {
    try {
      await work()
      return true
    } catch {
      this.stats.errors++
      return false
    }
  }
}
