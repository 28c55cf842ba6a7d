import type { Model } from '../model/define-model.js'
import { fromUtf8, toBytes } from '../store/bytes.js'
import type { ObjectStore } from '../store/types.js'
import { type Announcement, Generations, type Guard, guardAdmits } from './cache-generations.js'
import {
  CACHE_ENGINE,
  type CachedRecord,
  checkCacheOptions,
  DEFAULT_RECORD_TTL_SECONDS,
  type RecordCache,
  type RecordCacheMode,
  type RecordCacheOptions,
  type RecordCacheStats,
  type RecordWrite,
} from './record-cache-port.js'

// The port and its options live in record-cache-port.ts; re-exported here for existing importers.
export type {
  CachedRecord,
  ModelCacheOptions,
  RecordCache,
  RecordCacheMode,
  RecordCacheOptions,
  RecordCacheStats,
  RecordWrite,
} from './record-cache-port.js'
export { checkCacheOptions, DEFAULT_RECORD_TTL_SECONDS, emptyCacheStats } from './record-cache-port.js'

/**
 * Makes `backend` usable as a database's record cache: attaches the engine that reads and writes
 * records through it (so that a database without a cache does not bundle the engine). Returns `backend`.
 * `repositoryCache()` from `@s3verless/cache` does this already; call it for a RecordCache of your own.
 * @example
 * createDatabase({ store, models, cache: { backend: recordCache(myRecordCache), mode: 'ttl' } })
 */
export function recordCache<T extends RecordCache>(backend: T): T {
  return Object.assign(backend, { [CACHE_ENGINE]: { check: checkCacheOptions, make: ModelRecordCache.of } })
}

/** Ids whose entry failed to update are remembered up to this many; past it every entry is revalidated. */
const MAX_SUSPECTS = 10_000
/** Write stamps kept before the oldest are forgotten (reads older than that then never fill the cache). */
const MAX_STAMPS = 10_000

/** Turns a stored body and its etag into what callers get (throws on a record that does not decode). */
type Decode<T> = (body: Uint8Array, etag: string) => T

/** When a read began: the local write clock, and the guard read before the store was (`undefined`: store none). */
interface Started {
  at: number
  guard: Guard | undefined
}

const isCachedRecord = (value: unknown): value is CachedRecord => {
  if (typeof value !== 'object' || value === null) return false
  const { body, etag } = value as Partial<CachedRecord>
  return typeof etag === 'string' && (typeof body === 'string' || body instanceof Uint8Array)
}

/**
 * One model's records read through a {@link RecordCache}, kept coherent with the writes:
 * - with this process's writes: a write stamps the record's id when it starts and when it ends, and
 *   a read only fills the cache when no write of that record started since the read did;
 * - with the writes of every database sharing the backend (in `'ttl'` mode, where entries are served
 *   unasked): through guard tokens kept in the backend (see {@link Generations}) that every write
 *   renews; an entry carries the tokens current when its content was read, and is served only while
 *   they still are.
 * So a slow read can never bring back the version a write replaced, here or elsewhere. An entry
 * whose update failed is not trusted until rewritten.
 */
export class ModelRecordCache {
  readonly #stamps = new Map<string, number>()
  readonly #pending = new Map<string, number>()
  readonly #suspects = new Set<string>()
  readonly #generations: Generations
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
  ) {
    this.#generations = new Generations(backend, plural, () => {
      this.stats.errors++
    })
  }

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
    const at = this.#clock
    // In 'ttl' mode entries are served unasked, so they carry (and are checked against) the guard,
    // read before the store is: a fill stores the guard it read here.
    const [cached, guard] = await Promise.all([this.#get(id), this.mode === 'ttl' ? this.#generations.recordGuard(id) : undefined])
    const started: Started = { at, guard }
    const trusted =
      cached && this.mode === 'ttl' && !fresh && !this.#distrustAll && !this.#suspects.has(id) && guardAdmits(cached.guard, guard ?? null)
    if (cached && trusted) {
      const value = this.#decodeCached(cached, decode)
      if (value) {
        this.stats.hits++
        return value
      }
    }
    if (cached && !trusted) {
      const answer = await this.#revalidate(id, key, cached, decode, started)
      if (answer) return answer.value
    }
    this.stats.misses++
    const object = await this.store.get(key)
    return object ? this.#decodeAndFill(id, object.body, object.etag, decode, started) : null
  }

  /** One conditional GET on the cached etag; `undefined` when the cached body turned out unusable. */
  async #revalidate<T extends object>(id: string, key: string, cached: CachedRecord, decode: Decode<T>, started: Started) {
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

  /**
   * Marks record `id` as being written; call right before the store write (the record's `begun`
   * guard token is renewed at once). `done` renews `ended`, refreshes or removes the entry, then
   * renews the model's `queries` token and drops its cached queries.
   */
  beginWrite(id: string): RecordWrite {
    if (this.mode === 'off') return { done: () => this.#invalidateModel() }
    const stamp = this.#stamp(id)
    this.#pending.set(id, (this.#pending.get(id) ?? 0) + 1)
    const announcement = this.#generations.announce(id)
    return {
      done: async (written) => {
        // Refresh only when no other write of this record overlapped this one; otherwise forget it.
        const alone = this.#stamps.get(id) === stamp && this.#pending.get(id) === 1
        const left = (this.#pending.get(id) ?? 1) - 1
        if (left > 0) this.#pending.set(id, left)
        else this.#pending.delete(id)
        this.#stamp(id)
        await this.#refresh(id, alone ? written : undefined, announcement)
        await this.#invalidateModel()
      },
    }
  }

  /**
   * Sets the entry to what a write stored, with the write's own guard tokens (so it is not served
   * once another write of the record, here or in another database, began or ended since); removes
   * it when another write of this database overlapped, or the tokens could not be renewed (the
   * record is then distrusted here until rewritten).
   */
  async #refresh(id: string, written: CachedRecord | undefined, announcement: Announcement): Promise<void> {
    const guard = await this.#generations.settle(id, announcement)
    if (written && guard !== null) await this.#put(id, typeof guard === 'string' ? { ...written, guard } : written)
    else {
      await this.#put(id, undefined)
      if (guard === null) this.#suspect(id)
    }
  }

  /** Renews the model's `queries` token, then drops its cached queries. */
  async #invalidateModel(): Promise<void> {
    const renewed = await this.#generations.bump()
    const dropped = await this.#attempt(() => this.backend.invalidateModel?.(this.plural))
    // Results cached before this write are unusable once either step worked (without tokens, only the drop counts).
    this.#queriesSuspect = !renewed || (!this.#generations.enabled && !dropped)
  }

  /**
   * For `@s3verless/query`'s result cache: what a cached result of the model is checked against and
   * stored with (read it before computing the result); `null` when results must neither be served
   * nor stored (the guard is unreadable, or a write could not invalidate them).
   */
  async queryGuard(): Promise<{ readonly token: string | undefined; admits(stored: unknown): boolean } | null> {
    const guard = await this.#generations.queryGuard()
    if (guard === null || this.#queriesSuspect) return null
    return { token: typeof guard === 'string' ? guard : undefined, admits: (stored) => guardAdmits(stored, guard) }
  }

  #queriesSuspect = false

  #stamp(id: string): number {
    if (this.#stamps.size >= MAX_STAMPS) {
      this.#stamps.clear()
      this.#floor = this.#clock + 1
    }
    const stamp = ++this.#clock
    this.#stamps.set(id, stamp)
    return stamp
  }

  async #decodeAndFill<T>(id: string, body: Uint8Array, etag: string, decode: Decode<T>, started: Started) {
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

  /**
   * Stores (or with `undefined`, removes) what a read found, with the guard read before the store
   * was, unless a write of the record began here since the read did.
   */
  async #fill(id: string, value: CachedRecord | undefined, started: Started): Promise<void> {
    if (started.at < this.#floor || this.#pending.has(id) || (this.#stamps.get(id) ?? 0) > started.at) return
    if (value === undefined) {
      await this.#put(id, undefined) // removing is always safe
      return
    }
    const { guard } = started
    if (guard === null) return // unreadable: an entry stored now could not be checked
    await this.#put(id, typeof guard === 'string' ? { body: value.body, etag: value.etag, guard } : { body: value.body, etag: value.etag })
  }

  #suspect(id: string): void {
    if (this.#suspects.size >= MAX_SUSPECTS) this.#distrustAll = true
    else this.#suspects.add(id)
  }

  /** Sets or removes the entry; when the backend fails, the entry is distrusted until rewritten. */
  async #put(id: string, value: CachedRecord | undefined): Promise<void> {
    const ok = await this.#attempt(() =>
      value ? this.backend.set(this.plural, id, Object.freeze({ ...value }), this.ttlSeconds) : this.backend.delete(this.plural, id),
    )
    if (ok) this.#suspects.delete(id)
    else this.#suspect(id)
  }

  async #get(id: string): Promise<CachedRecord | undefined> {
    let value: unknown
    const ok = await this.#attempt(async () => {
      value = await this.backend.get(this.plural, id)
    })
    if (!ok || value === undefined || value === null) return undefined
    if (isCachedRecord(value)) return value
    this.stats.errors++
    return undefined
  }

  /** Runs a cache operation; a throw or rejection is counted, never raised. True when it succeeded. */
  async #attempt(work: () => Promise<unknown> | undefined): Promise<boolean> {
    try {
      await work()
      return true
    } catch {
      this.stats.errors++
      return false
    }
  }
}
