import { isS3verlessError } from '../errors.js'
import type { Model } from '../model/define-model.js'
import { isUuid } from '../model/ids.js'
import { InvalidIdError } from '../model/model-errors.js'
import type { Registry } from '../model/registry.js'
import { encodeValue } from '../model/value-encoding.js'
import type { ObjectStore } from '../store/types.js'
import { fieldValue, type IndexPlan } from './index-entries.js'
import { KeyLayout } from './key-layout.js'
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
}

/**
 * The internals of one model's repository: its keys, index plan and record reads. Shared by the
 * write protocol, relations, verification and (through `@s3verless/core/internal`) the query engine.
 */
export class RepoCore {
  readonly layout: KeyLayout
  readonly plan: IndexPlan
  readonly claims: ClaimContext

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
  }

  get store(): ObjectStore {
    return this.settings.store
  }

  /** Throws `InvalidIdError` (before any request) unless `id` is a UUID. */
  checkId(id: unknown): asserts id is string {
    if (!isUuid(id)) throw new InvalidIdError(this.model.name, id)
  }

  /** Reads one record (1 GET); `null` when missing. @throws CorruptRecordError for an unreadable one. */
  async read(id: string): Promise<RawRecord | null> {
    const key = this.layout.recordKey(id)
    const object = await this.store.get(key)
    if (!object) return null
    return decodeRecord(this.model, key, object.body, object.etag)
  }

  /** Whether record `id` exists and holds `field` with the encoded value; an unreadable record counts as holding it. */
  async holds(id: string, field: string, encoded: string): Promise<boolean> {
    if (!isUuid(id)) return false
    try {
      const raw = await this.read(id)
      return raw !== null && encodeValue(fieldValue(raw.record, field)) === encoded
    } catch (error) {
      if (isS3verlessError(error, 'model.corrupt')) return true
      throw error
    }
  }
}
