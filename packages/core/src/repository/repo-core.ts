import { isS3verlessError } from '../errors.js'
import type { Model } from '../model/define-model.js'
import { isUuid } from '../model/ids.js'
import { InvalidIdError } from '../model/model-errors.js'
import type { Registry } from '../model/registry.js'
import { encodeValue } from '../model/value-encoding.js'
import type { ObjectStore, StoredObject } from '../store/types.js'
import { IndexCatalog } from './index-catalog.js'
import { fieldValue, type IndexPlan } from './index-entries.js'
import { resolveIntent } from './intents.js'
import { KeyLayout } from './key-layout.js'
import type { ModelRecordCache, RecordCacheOptions, RecordCacheStats, RecordWrite } from './record-cache.js'
import { cacheEngineOf } from './record-cache-port.js'
import { decodeRecord, type RawRecord } from './record-codec.js'
import type { ClaimContext } from './unique-claims.js'

/** How long a claim or index entry is presumed to belong to a write in flight (30 s). */
export const DEFAULT_LEASE_MS = 30_000

/** Settings shared by every repository of a database. */
export interface RepoSettings {
  store: ObjectStore
  basePath: string
  registry: Registry
  leaseMs: number
  concurrency: number
  /** Reads of records go through this cache (with the database's shared counters); absent: no cache. */
  cache?: { options: RecordCacheOptions; stats: RecordCacheStats }
}

const NO_CACHE: RecordWrite = { done: async () => undefined }

/**
 * The internals of one model's repository: its keys, index plan and record reads. Shared by the
 * write protocol, relations, verification and (through `@s3verless/core/internal`) the query engine.
 */
export class RepoCore {
  readonly layout: KeyLayout
  readonly plan: IndexPlan
  readonly claims: ClaimContext
  /** The model's record cache, or `undefined` when the database has none. */
  readonly cache: ModelRecordCache | undefined
  /** Which declared indexes and unique constraints are built (see {@link IndexCatalog}). */
  readonly catalog: IndexCatalog

  constructor(
    readonly model: Model,
    readonly settings: RepoSettings,
  ) {
    this.layout = new KeyLayout(model, settings.basePath)
    this.plan = { ascending: settings.registry.indexedFields(model), descending: model.indexedDescending }
    this.claims = {
      store: settings.store,
      layout: this.layout,
      model,
      leaseMs: settings.leaseMs,
      holderHolds: (id, field, encoded) => this.holds(id, field, encoded),
    }
    const cache = settings.cache
    this.cache = cache && cacheEngineOf(cache.options).make(cache.options, model, settings.store, cache.stats)
    this.catalog = new IndexCatalog(model, settings.store, settings.basePath, this.layout.recordPrefix, this.plan)
  }

  get store(): ObjectStore {
    return this.settings.store
  }

  /** Throws `InvalidIdError` (before any request) unless `id` is a UUID. */
  checkId(id: unknown): asserts id is string {
    if (!isUuid(id)) throw new InvalidIdError(this.model.name, id)
  }

  /**
   * The canonical (lower-case) form of an id, as records are stored and listed under it.
   * @throws InvalidIdError (before any request) unless `id` is a UUID.
   */
  normalizeId(id: unknown): string {
    this.checkId(id)
    return id.toLowerCase()
  }

  /**
   * Reads one record; `null` when missing. Without a cache: 1 GET. With one: 0 requests for a fresh
   * `'ttl'` entry, 1 conditional GET for any other entry, 1 GET otherwise (see `RecordCacheMode`).
   * @throws CorruptRecordError for an unreadable one.
   */
  read(id: string): Promise<RawRecord | null> {
    return this.#read(id, false)
  }

  /**
   * Reads the current version of one record (1 GET, conditional when cached), never trusting a
   * `'ttl'` entry unasked: for compare-and-swap writes and for decisions that must not act on a stale record.
   * @throws CorruptRecordError for an unreadable one.
   */
  readFresh(id: string): Promise<RawRecord | null> {
    return this.#read(id, true)
  }

  /**
   * Reads the current object of record `id` (1 GET, conditional when cached) as it is, a tombstone or
   * a record being deleted included (`meta.deleted`): for the delete protocol and repairs.
   * @throws CorruptRecordError for an unreadable one.
   */
  readAny(id: string): Promise<RawRecord | null> {
    return this.#read(id, true, true)
  }

  async #read(id: string, fresh: boolean, any = false): Promise<RawRecord | null> {
    const key = this.layout.recordKey(id)
    const decode = (body: Uint8Array, etag: string) => decodeRecord(this.model, key, body, etag)
    let object: StoredObject | null = null
    let raw: RawRecord | null
    if (this.cache) raw = await this.cache.read(id, key, decode, fresh)
    else {
      object = await this.store.get(key)
      raw = object && decode(object.body, object.etag)
    }
    if (raw?.meta.tx !== undefined) {
      // An intent of a transaction: its fate decides what this record is (1 GET, +1 PUT to roll it forward).
      object ??= await this.store.get(key)
      raw = object && (await resolveIntent(this, object, decode(object.body, object.etag)))
    }
    return raw?.meta.deleted && !any ? null : raw // a tombstone, or a record being deleted
  }

  /**
   * Announces a write of record `id` (call right before the store write) and returns the handle whose
   * `done` refreshes the cached entry with what was written, or forgets it, and invalidates the
   * model's cached queries. Without a cache it does nothing.
   */
  beginWrite(id: string): RecordWrite {
    this.#generation++
    this.#writing++
    const inner = this.cache ? this.cache.beginWrite(id) : NO_CACHE
    return {
      done: async (written) => {
        try {
          await inner.done(written)
        } finally {
          this.#generation++
          this.#writing--
        }
      },
    }
  }

  #generation = 0
  #writing = 0

  /**
   * Where this process's writes to the model stand: `generation` changes whenever a record write
   * begins or ends, `writing` counts writes under way. A query result may be cached only when both
   * show no write began or ended while it ran.
   */
  get writes(): { generation: number; writing: number } {
    return { generation: this.#generation, writing: this.#writing }
  }

  /**
   * Whether record `id` exists and holds `field` with the encoded value as stored (claims are for
   * stored values: a lazy upgrade that changes the value changes it for readers, not for claims until
   * the record is written again); an unreadable record counts as holding it.
   */
  async holds(id: string, field: string, encoded: string): Promise<boolean> {
    if (!isUuid(id)) return false
    try {
      const raw = await this.readAny(id) // a claim may be taken over on this answer: never a stale one
      if (raw?.pending !== undefined) return true // a transaction in flight may be giving the record this value
      if (raw?.meta.deleted) return false
      return raw !== null && encodeValue(fieldValue(raw.stored, field)) === encoded
    } catch (error) {
      if (isS3verlessError(error, 'model.corrupt')) return true
      throw error
    }
  }
}
