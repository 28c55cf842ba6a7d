import { isS3verlessError, S3verlessError, SettingsError } from '../errors.js'
import type { FieldOf, InferCreate, InferRecord, InferUpdate, Model } from '../model/define-model.js'
import { isUuid } from '../model/ids.js'
import { ConflictError, ModelDefinitionError, RecordNotFoundError, ValidationError } from '../model/model-errors.js'
import { encodeValue, type IndexValue } from '../model/value-encoding.js'
import { unquoteEtag } from '../store/etag.js'
import { backoffDelay } from '../store/retry.js'
import { takeBack } from './batch-rollback.js'
import { mapLimit, sleep } from './concurrency.js'
import type { CascadeGuard } from './delete-protocol.js'
import { fieldValue } from './index-entries.js'
import { findByIndex } from './index-lookup.js'
import { type IterateOptions, iterateRecords, listLiveIds, listPage, type RecordPage, readMany } from './list-records.js'
import { type RawRecord, validateCreateInput, withEtag } from './record-codec.js'
import { deleteRecord } from './record-removal.js'
import type { RelationEngine } from './relation-engine.js'
import type { CoreOf } from './relations-ops.js'
import type { RepoCore } from './repo-core.js'
import { claimHolder } from './unique-claims.js'
import { type VerifyOptions, type VerifyReport, verifyModel } from './verify.js'
import { type ConditionalOptions, createRecord, readForWrite, updateRecord } from './write-protocol.js'

/** A record as returned by reads and writes, with its etag (non-enumerable: JSON and spreads leave it out). */
export type Stored<T> = T & { readonly $etag: string }

export type { CascadeGuard } from './delete-protocol.js'

/** Options of {@link Repository.delete}. */
export interface RecordDeleteOptions extends ConditionalOptions {
  /**
   * Called while the delete is planned for every record a `cascade` relation would delete (the
   * whole tree, not the record itself); `false` refuses the whole delete with `CascadeForbiddenError`
   * (`access.cascadeForbidden`) before anything is written. The HTTP adapter passes the caller's
   * `delete` access rule of each dependent's model. Default: every cascade is allowed.
   */
  mayCascade?: CascadeGuard
}

/** Options of {@link Repository.update}. */
export interface UpdateOptions extends ConditionalOptions {
  /** For a functional update: how many times to re-read and retry after a conflict (default 100). */
  maxAttempts?: number
}

/** Result of {@link Repository.paginate}. */
export interface PageResult<T> {
  items: T[]
  totalCount: number
  page: number
  pageSize: number
  totalPages: number
  hasNext: boolean
  hasPrev: boolean
}

const invalidArgument = (message: string) => new S3verlessError('query.invalidArgument', message)

const stored = <T>(raw: RawRecord): Stored<T> => withEtag(raw.record, raw.etag) as unknown as Stored<T>

/**
 * The typed repository of one model. Writes follow the crash-safe protocol of DESIGN.md §5 with
 * conditional writes; reads return records with their etag for optimistic concurrency.
 * Get one from a database: `createDatabase({ store, models }).repository(Product)`.
 * @example
 * const products = db.repository(Product)
 * const p = await products.create({ name: 'Lamp', sku: 'L-1', price: 30, category: 'home' })
 * await products.update(p.id, { price: 25 }, { ifMatch: p.$etag })
 * await products.update(p.id, (cur) => ({ price: cur.price + 1 }))   // re-read and retry on conflict
 */
export class Repository<M extends Model> {
  constructor(
    readonly model: M,
    /** Internals shared with the query engine. */
    readonly core: RepoCore,
    private readonly coreOf: CoreOf,
  ) {}

  /**
   * Creates a record (server sets `id` unless a valid UUID is given, `createdAt`, `updatedAt`).
   * Requests: 1 + u + i PUTs. @throws ValidationError, UniqueConstraintError, ConflictError (id exists)
   */
  async create(input: InferCreate<M>): Promise<Stored<InferRecord<M>>> {
    return (await createRecord(this.core, input as Record<string, unknown>)) as unknown as Stored<InferRecord<M>>
  }

  /**
   * Creates several records after validating all of them (and their unique values among themselves):
   * one bad input fails the whole call before anything is written. After the first failed create no
   * further one starts; the ones under way finish, then every record this call created is taken back
   * (deleted only in the version it made, with compare-and-swap and without relation rules) and the
   * first failure is rethrown. When that cannot be done completely (a record changed or gained
   * dependents since, a delete failed, or a create's outcome is unknown) the call throws
   * `model.batchIncomplete` instead, listing the records left (`details.kept`) and the inputs whose
   * create may have landed (`details.unknown`).
   */
  async createMany(inputs: readonly InferCreate<M>[]): Promise<Stored<InferRecord<M>>[]> {
    if (!Array.isArray(inputs)) {
      throw new ValidationError(this.model.name, [{ path: [], message: `createMany expects an array of inputs, got ${typeof inputs}` }])
    }
    const issues = inputs.flatMap((input, i) => {
      try {
        validateCreateInput(this.model, input)
        return []
      } catch (error) {
        if (error instanceof ValidationError) return error.issues.map((issue) => ({ ...issue, path: [i, ...issue.path] }))
        throw error
      }
    })
    for (const field of this.model.unique) {
      const seen = new Map<string, number>()
      inputs.forEach((input, i) => {
        if (typeof input !== 'object' || input === null) return // already reported
        const value = fieldValue(input as Record<string, unknown>, field)
        if (value === null) return
        const key = encodeValue(value)
        if (seen.has(key)) issues.push({ path: [i, field], message: `duplicates item ${seen.get(key)} (must be unique)` })
        else seen.set(key, i)
      })
    }
    if (issues.length > 0) throw new ValidationError(this.model.name, issues)
    const created: (Stored<InferRecord<M>> | undefined)[] = new Array(inputs.length)
    const failures: { index: number; error: unknown }[] = []
    // After the first failure no further create starts; the ones under way finish, then all are taken back.
    await mapLimit(inputs, this.core.settings.concurrency, async (input, index) => {
      if (failures.length > 0) return
      try {
        created[index] = await this.create(input)
      } catch (error) {
        failures.push({ index, error })
      }
    })
    if (failures.length === 0) return created as Stored<InferRecord<M>>[]
    return takeBack(this.core, created, failures, this.coreOf)
  }

  /** The record, or `null`. 1 GET. @throws InvalidIdError (before any request), CorruptRecordError naming the key */
  async get(id: string): Promise<Stored<InferRecord<M>> | null> {
    const raw = await this.core.read(this.core.normalizeId(id))
    return raw ? stored(raw) : null
  }

  /** Like {@link get}, but a missing record is a `RecordNotFoundError`. */
  async getOrThrow(id: string): Promise<Stored<InferRecord<M>>> {
    const record = await this.get(id)
    if (!record) throw new RecordNotFoundError(this.model.name, id)
    return record
  }

  /** Reads many records in parallel (bounded); missing ids are left out. */
  async getMany(ids: readonly string[]): Promise<Stored<InferRecord<M>>[]> {
    const normalized = ids.map((id) => this.core.normalizeId(id))
    return (await readMany(this.core, normalized)).map((raw) => stored(raw))
  }

  /** Whether a record exists: 1 GET (none with a fresh `'ttl'` cache entry). A record being deleted does not. */
  async exists(id: string): Promise<boolean> {
    const normalized = this.core.normalizeId(id)
    try {
      return (await this.core.read(normalized)) !== null
    } catch (error) {
      if (isS3verlessError(error, 'model.corrupt')) return true // there is an object, just an unreadable one
      throw error
    }
  }

  /**
   * Changes some fields. With `ifMatch`, only if the record is still that version (else `ConflictError`).
   * Given a function, reads the record, applies the function's patch and retries on conflict, so
   * concurrent increments are never lost. Requests: 1 GET + 1 PUT + the changed entries.
   * @throws ValidationError, UniqueConstraintError, ConflictError, RecordNotFoundError
   */
  async update(
    id: string,
    patch: InferUpdate<M> | ((current: Stored<InferRecord<M>>) => InferUpdate<M> | Promise<InferUpdate<M>>),
    options: UpdateOptions = {},
  ): Promise<Stored<InferRecord<M>>> {
    if (typeof patch !== 'function') {
      return (await updateRecord(this.core, id, { patch: patch as Record<string, unknown> }, options)) as unknown as Stored<InferRecord<M>>
    }
    const attempts = options.maxAttempts ?? 100
    for (let attempt = 0; ; attempt++) {
      const raw = await readForWrite(this.core, id, options)
      const change = await patch(stored(raw))
      try {
        return (await updateRecord(this.core, id, { patch: change as Record<string, unknown> }, {}, raw)) as unknown as Stored<
          InferRecord<M>
        >
      } catch (error) {
        if (!isS3verlessError(error, 'model.conflict') || attempt + 1 >= attempts) throw error
        await sleep(backoffDelay(Math.min(attempt, 6), { baseDelayMs: 5, maxDelayMs: 250 }))
      }
    }
  }

  /** Replaces every schema field (server fields are kept). Same protocol and errors as {@link update}. */
  async replace(id: string, input: Omit<InferCreate<M>, 'id'>, options: ConditionalOptions = {}): Promise<Stored<InferRecord<M>>> {
    return (await updateRecord(this.core, id, { replace: input as Record<string, unknown> }, options)) as unknown as Stored<InferRecord<M>>
  }

  /**
   * Deletes a record and its index entries and claims, applying relation rules: `restrict` is
   * checked over the whole cascade tree before anything changes; with dependents to cascade or null,
   * the record is first marked as being deleted (from then on it reads as deleted, and the delete is
   * finished, never undone). Returns false when there was no such record (a delete left unfinished
   * is finished then).
   * @throws ConflictError (stale `ifMatch`, or the record changed while being deleted), RestrictError,
   *   CascadeForbiddenError (`options.mayCascade` refused a dependent; nothing written),
   *   DeleteIncompleteError (deleted, but some dependents remain: delete again to finish)
   */
  async delete(id: string, options: RecordDeleteOptions = {}): Promise<boolean> {
    const normalized = this.core.normalizeId(id)
    const raw = await this.core.readAny(normalized)
    if (raw?.meta.deleted) {
      if (raw.meta.cascade !== undefined) await this.relations().finishDelete(this.core, raw, this.coreOf) // left unfinished: finish it
      return false
    }
    if (!raw) return false
    if (options.ifMatch !== undefined && unquoteEtag(options.ifMatch) !== raw.etag) {
      throw new ConflictError(this.model.name, normalized, {
        message: `${this.model.name} ${normalized} has changed since version ${options.ifMatch}; re-read it and try again`,
      })
    }
    const engine = this.core.settings.registry.relationEngine
    if (engine) await engine.deleteWithRules(this.core, raw, this.coreOf, options.mayCascade)
    else await deleteRecord(this.core, raw) // no model declares a relation: no rule can apply
    return true
  }

  /**
   * Plans the delete of a record without writing anything: walks its cascade tree, checking
   * `restrict` relations and `options.mayCascade` as {@link delete} would. Returns false when there
   * is no such record. Its LISTs and GETs are those of the delete's own plan.
   * @throws RestrictError, CascadeForbiddenError
   */
  async checkDelete(id: string, options: Pick<RecordDeleteOptions, 'mayCascade'> = {}): Promise<boolean> {
    const raw = await this.core.readAny(this.core.normalizeId(id))
    if (!raw || raw.meta.deleted) return false
    await this.core.settings.registry.relationEngine?.planDelete(this.core, raw, this.coreOf, options.mayCascade)
    return true
  }

  /**
   * The relation engine, for a record some other database marked as being deleted under relation
   * rules. @throws SettingsError when this database's models declare no relation.
   */
  private relations(): RelationEngine {
    const engine = this.core.settings.registry.relationEngine
    if (engine) return engine
    throw new SettingsError(
      `${this.model.name}: a record marked as being deleted under relation rules needs the models that declare them; this database's models declare no relation`,
    )
  }

  /** Deletes records by id (bounded parallelism); returns how many existed. `mayCascade` as in {@link delete}. */
  async deleteMany(ids: readonly string[], options: Pick<RecordDeleteOptions, 'mayCascade'> = {}): Promise<number> {
    for (const id of ids) this.core.checkId(id)
    const deleted = await mapLimit(ids, this.core.settings.concurrency, (id) => this.delete(id, options))
    return deleted.filter(Boolean).length
  }

  /**
   * The record holding a unique value, or `null`: 2 GETs (the claim, then the record, verified).
   * @throws ModelDefinitionError when `field` is not unique.
   */
  async findBy<F extends FieldOf<M>>(field: F, value: InferRecord<M>[F] & IndexValue): Promise<Stored<InferRecord<M>> | null> {
    if (!this.model.unique.includes(field)) {
      throw new ModelDefinitionError(
        `${this.model.name}.findBy needs a unique field; "${field}" is not one (unique: ${this.model.unique.join(', ') || 'none'})`,
      )
    }
    await this.core.catalog.require(`unique:${field}`)
    const id = await claimHolder(this.core.claims, field, value)
    if (!id || !isUuid(id)) return null
    const raw = await this.core.read(id)
    if (!raw || encodeValue(fieldValue(raw.record, field)) !== encodeValue(value)) return null
    return stored(raw)
  }

  /** Every record whose indexed `field` equals `value`: 1 LIST per 1000 hits + 1 GET per hit, verified. */
  async findAllBy<F extends FieldOf<M>>(field: F, value: InferRecord<M>[F] & IndexValue): Promise<Stored<InferRecord<M>>[]> {
    if (!this.core.plan.ascending.includes(field)) {
      throw new ModelDefinitionError(
        `${this.model.name}.findAllBy needs an indexed field; "${field}" is not one (indexed: ${this.core.plan.ascending.join(', ') || 'none'})`,
      )
    }
    await this.core.catalog.require(`asc:${field}`)
    return (await findByIndex(this.core, field, value)).map((raw) => stored(raw))
  }

  /**
   * Which declared indexes and unique constraints are built for the stored data (`ready`) and which
   * still need `reindex()` (`building`). One GET per process every few minutes.
   */
  async indexStatus(): Promise<{ ready: string[]; building: string[] }> {
    const ready = await this.core.catalog.ready()
    const declared = this.core.catalog.declared
    return { ready: declared.filter((t) => ready.has(t)), building: declared.filter((t) => !ready.has(t)) }
  }

  /**
   * A page of records in creation order: 1 LIST + `limit` GETs whatever the collection size.
   * Unreadable objects are skipped and reported in `skipped`. (The spec's `list_by_prefix`.)
   */
  async listByPrefix(options: { limit?: number; marker?: string } = {}): Promise<RecordPage<Stored<InferRecord<M>>>> {
    const page = await listPage(this.core, options)
    return { ...page, items: page.items.map((raw) => stored(raw)) }
  }

  /**
   * Every record in id order (creation order for server-made ids), streamed in bounded memory: at
   * most `window` records (default 4 × concurrency) are read ahead, one LIST per 1,000 keys.
   * @example
   * for await (const product of products.iterate()) { total += product.price }
   */
  async *iterate(options: IterateOptions = {}): AsyncGenerator<Stored<InferRecord<M>>> {
    for await (const raw of iterateRecords(this.core, options)) yield stored<InferRecord<M>>(raw)
  }

  /**
   * Page `page` (1-based) of `pageSize` records with totals. Costs ⌈n/1000⌉ LISTs to count and
   * locate the page, plus `pageSize` GETs; prefer {@link listByPrefix} (cursors) for large collections.
   */
  async paginate(options: { page?: number; pageSize?: number } = {}): Promise<PageResult<Stored<InferRecord<M>>>> {
    const page = options.page ?? 1
    const pageSize = options.pageSize ?? 20
    if (!Number.isInteger(page) || page < 1)
      throw invalidArgument(`${this.model.name}.paginate: page must be a positive integer, got ${page}`)
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
      throw invalidArgument(`${this.model.name}.paginate: pageSize must be an integer from 1 to 1000, got ${pageSize}`)
    }
    const ids = await listLiveIds(this.core)
    const slice = ids.slice((page - 1) * pageSize, page * pageSize)
    const items = (await readMany(this.core, slice)).map((raw) => stored<InferRecord<M>>(raw))
    const totalPages = Math.ceil(ids.length / pageSize)
    return { items, totalCount: ids.length, page, pageSize, totalPages, hasNext: page < totalPages, hasPrev: page > 1 }
  }

  /**
   * How many records there are: ⌈n/1000⌉ LISTs, plus reads only of what a transaction left undecided
   * (a create's placeholder, a record with a delete marker beside it), so that every committed
   * transaction is counted, and none in flight or aborted.
   */
  async count(): Promise<number> {
    return (await listLiveIds(this.core)).length
  }

  /** Loads one relation for many records in batched lookups: a map from each record's id to its related record(s). */
  async loadRelated(records: readonly InferRecord<M>[], relation: string): Promise<Map<string, unknown>> {
    const engine = this.core.settings.registry.relationEngine
    if (!engine) {
      throw new S3verlessError('model.unknownRelation', `${this.model.name} has no relation "${relation}" (relations: none)`, {
        details: { model: this.model.name, relation },
      })
    }
    return engine.loadRelation(this.core, records as unknown as { id: string }[], relation, this.coreOf)
  }

  /** Checks index entries and claims against the records; `{ repair: true }` fixes what it finds. */
  verify(options: VerifyOptions = {}): Promise<VerifyReport> {
    return verifyModel(this.core, options, (marked) => this.relations().finishDelete(this.core, marked, this.coreOf))
  }

  /** Rebuilds the model's index entries and claims from its records (verify with repair). */
  reindex(options: Omit<VerifyOptions, 'repair'> = {}): Promise<VerifyReport> {
    return verifyModel(this.core, { ...options, repair: true }, (marked) => this.relations().finishDelete(this.core, marked, this.coreOf))
  }
}
