import { isS3verlessError, S3verlessError } from '../errors.js'
import type { InferCreate, InferRecord, InferUpdate, Model } from '../model/define-model.js'
import { uuidv7 } from '../model/ids.js'
import { ConflictError, RecordNotFoundError } from '../model/model-errors.js'
import { backoffDelay } from '../store/retry.js'
import { sleep, writeToken } from './concurrency.js'
import type { Database } from './database.js'
import { decideTx, type TxRecord } from './intents.js'
import { isOutcomeUnknown, unknownOutcome } from './outcome.js'
import { refuseServerFields, validateCreateInput, validateInput, withEtag } from './record-codec.js'
import type { RepoCore } from './repo-core.js'
import type { Stored } from './repository.js'
import { type TxRecordValue, TxSlot } from './tx-slot.js'
import { inTransaction } from './write-protocol.js'

/** The most records one transaction may read or write (each costs requests in both phases). */
export const MAX_TRANSACTION_RECORDS = 25

/** Options of {@link transaction}. */
export interface TransactionOptions {
  /**
   * How many times `fn` is run again after a conflict (`model.conflict` that certainly wrote
   * nothing: a record read or written changed, or is being changed by another transaction).
   * Default 0. Each retry waits a short jittered backoff.
   */
  retries?: number
}

/** A model's records as a transaction sees and changes them; writes are applied at commit, all or none. */
export interface TxRepository<M extends Model> {
  /** The record as this transaction sees it (its own writes included), or `null`. 1 GET the first time. */
  get(id: string): Promise<Stored<InferRecord<M>> | null>
  /** @throws RecordNotFoundError */
  getOrThrow(id: string): Promise<Stored<InferRecord<M>>>
  /** Validates now, writes at commit. A server-made id costs no request now; a caller-chosen one 1 GET. */
  create(input: InferCreate<M>): Promise<InferRecord<M>>
  /** Merges a patch (or what `fn` returns for the current record), validated now, written at commit. */
  update(id: string, patch: InferUpdate<M> | ((current: InferRecord<M>) => InferUpdate<M>)): Promise<InferRecord<M>>
  replace(id: string, input: Omit<InferCreate<M>, 'id'>): Promise<InferRecord<M>>
  /** Deletes at commit; false when there is no such record. Models whose deletes apply relation rules are refused. */
  delete(id: string): Promise<boolean>
}

/** What the function given to {@link transaction} works with. */
export interface Transaction {
  /** The transaction's view of a model of the database. */
  repository<M extends Model>(model: M): TxRepository<M>
}

/** A transaction asked to touch more records than {@link MAX_TRANSACTION_RECORDS}; nothing was written. */
export class TransactionTooLargeError extends S3verlessError {
  override readonly name: string = 'TransactionTooLargeError'
  constructor(count: number) {
    super(
      'transaction.tooLarge',
      `A transaction may read or write at most ${MAX_TRANSACTION_RECORDS} records; this one reached ${count} (nothing was written)`,
      { details: { limit: MAX_TRANSACTION_RECORDS, count } },
    )
  }
}

const txId = () => writeToken().slice(0, 16)

/**
 * Runs `fn` as one transaction: every write it makes through `tx` becomes visible together at the
 * commit, or none does (README "Transactions"). Records read through `tx` are validated at commit
 * (serializable for what it reads). Nothing is written while `fn` runs: a thrown error aborts with
 * nothing stored. Requests, for r records read and w written: r GETs while `fn` runs, then one
 * parallel round of w + r intent PUTs (plus the written values' claims and entries), 1 commit PUT,
 * and the roll-forward (1 PUT per record, plus the old values' cleanup as single writes do).
 * A transaction that only reads costs r more GETs (its reads validated again) and no write.
 * @throws ConflictError (`model.conflict` naming the record, nothing written) when a record changed
 *   or is being changed by another transaction (run again `retries` times first); whatever `fn`
 *   throws; ValidationError, UniqueConstraintError; TransactionTooLargeError; a store error with
 *   `details.outcome: 'unknown'` only when the commit's fate could not be learnt.
 * @example
 * await transaction(db, async (tx) => {
 *   const product = await tx.repository(Product).getOrThrow(productId)
 *   if (product.stock < qty) throw new OutOfStock()
 *   await tx.repository(Product).update(productId, { stock: product.stock - qty })
 *   await tx.repository(Order).create({ productId, qty })
 * }, { retries: 5 })
 */
export async function transaction<T>(db: Database, fn: (tx: Transaction) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  const retries = options.retries ?? 0
  if (!Number.isInteger(retries) || retries < 0) {
    throw new S3verlessError('settings.invalid', `transaction retries must be a whole number ≥ 0, got ${String(retries)}`, {
      details: { variables: ['retries'] },
    })
  }
  for (let attempt = 0; ; attempt++) {
    const run = new TxRun(db)
    try {
      const result = await fn(run.facade())
      await run.commit()
      return result
    } catch (error) {
      if (!isS3verlessError(error, 'model.conflict') || isOutcomeUnknown(error) || attempt >= retries) throw error
      await sleep(backoffDelay(Math.min(attempt, 6), { baseDelayMs: 10, maxDelayMs: 400 }))
    }
  }
}

/** One run of a transaction's function: the records it touched and their fate. */
class TxRun {
  readonly slots = new Map<string, TxSlot>()
  readonly #loading = new Map<string, Promise<TxSlot>>()

  constructor(readonly db: Database) {}

  facade(): Transaction {
    return { repository: <M extends Model>(model: M) => this.#repository(model) }
  }

  async #slot(core: RepoCore, id: string): Promise<TxSlot> {
    const key = core.layout.recordKey(id)
    const known = this.#loading.get(key)
    if (known) return known
    if (this.#loading.size >= MAX_TRANSACTION_RECORDS) throw new TransactionTooLargeError(this.#loading.size + 1)
    const loading = this.#read(core, id)
    this.#loading.set(key, loading)
    const slot = await loading
    this.slots.set(key, slot)
    return slot
  }

  async #read(core: RepoCore, id: string): Promise<TxSlot> {
    const raw = await core.readAny(id) // an intent met is resolved first; one still in flight is a conflict
    if (raw?.pending !== undefined) throw inTransaction(core, id, raw.pending)
    if (raw?.meta.cascade !== undefined)
      throw new ConflictError(core.model.name, id, { message: `${core.model.name} ${id} is being deleted` })
    const named = raw
      ? { etag: raw.etag, ...(raw.meta.w !== undefined ? { token: raw.meta.w } : {}) }
      : { absent: true as const, serverMadeId: false }
    return new TxSlot(core, id, raw && !raw.meta.deleted ? raw : null, named, raw?.meta)
  }

  #repository<M extends Model>(model: M): TxRepository<M> {
    const core = this.db.repository(model).core
    type R = InferRecord<M>
    const view = (slot: TxSlot) => {
      const value = slot.current()
      return value && (withEtag({ ...value }, slot.next === undefined ? (slot.base?.etag ?? '') : `tx.${slot.wf}`) as unknown as Stored<R>)
    }
    const existing = async (id: string) => {
      const slot = await this.#slot(core, core.normalizeId(id))
      const current = slot.current()
      if (!current) throw new RecordNotFoundError(model.name, slot.id)
      return { slot, current }
    }
    const write = (slot: TxSlot, current: TxRecordValue, fields: Record<string, unknown>) => {
      const data = validateInput(model, fields)
      slot.next = { ...data, id: current.id, createdAt: current.createdAt, updatedAt: new Date() }
      return { ...slot.next } as R
    }
    const strip = (record: Record<string, unknown>) => {
      const { id: _i, createdAt: _c, updatedAt: _u, ...rest } = record
      return rest
    }
    return {
      get: async (id) => view(await this.#slot(core, core.normalizeId(id))),
      getOrThrow: async (id) => {
        const found = view(await this.#slot(core, core.normalizeId(id)))
        if (!found) throw new RecordNotFoundError(model.name, String(id).toLowerCase())
        return found
      },
      create: async (input) => {
        const data = validateCreateInput(model, input)
        const chosen = (input as { id?: unknown }).id
        const now = new Date()
        const id = chosen !== undefined ? core.normalizeId(chosen) : uuidv7(now.getTime())
        let slot: TxSlot
        if (chosen === undefined) {
          if (this.#loading.size >= MAX_TRANSACTION_RECORDS) throw new TransactionTooLargeError(this.#loading.size + 1)
          slot = new TxSlot(core, id, null, { absent: true, serverMadeId: true }, undefined)
          this.#loading.set(slot.key, Promise.resolve(slot))
          this.slots.set(slot.key, slot)
        } else slot = await this.#slot(core, id)
        if (slot.current()) throw new ConflictError(model.name, id, { message: `${model.name} ${id} already exists` })
        slot.next = { ...data, id, createdAt: now, updatedAt: now }
        return { ...slot.next } as R
      },
      update: async (id, patch) => {
        const { slot, current } = await existing(id)
        const change = typeof patch === 'function' ? (patch as (c: R) => InferUpdate<M>)({ ...current } as R) : patch
        refuseServerFields(model, change, false, current)
        return write(slot, current, { ...strip(current), ...strip(change as Record<string, unknown>) })
      },
      replace: async (id, input) => {
        const { slot, current } = await existing(id)
        refuseServerFields(model, input, false, current)
        return write(slot, current, strip(input as Record<string, unknown>))
      },
      delete: async (id) => {
        refuseRelationRules(this.db, model)
        const slot = await this.#slot(core, core.normalizeId(id))
        if (!slot.current()) return false
        if (slot.base) slot.next = 'deleted'
        else {
          // Created and deleted in this transaction: nothing to write. Forgotten altogether, so that a
          // later get or create of the id reads it again (and a create is written).
          this.slots.delete(slot.key)
          this.#loading.delete(slot.key)
        }
        return true
      },
    }
  }

  /**
   * Commits (README "Transactions"): phase 1 writes every record's intent (and the new values'
   * claims and entries) in one parallel round; the commit point is one create-if-absent PUT of the
   * transaction record as `committed`, carrying each record's final body; phase 2 rolls every
   * record forward and removes what the old values held. A failure before the commit point aborts
   * (nothing can become visible); a lost commit answer is settled by deciding the record `aborted`
   * if no one has: whichever landed first holds.
   */
  async commit(): Promise<void> {
    const slots = [...this.slots.values()]
    if (!slots.some((s) => s.next !== undefined)) return this.#validateReads(slots)
    const core = slots[0]?.core as RepoCore
    const tx = txId()
    const started = performance.now()
    const prepared = await Promise.allSettled(slots.map((s) => s.prepare(tx)))
    const failed = prepared.find((p) => p.status === 'rejected')
    try {
      if (failed) throw failed.reason
      // Claims and entries must not look abandoned before the commit lands (see WriteAdditions).
      await Promise.all(slots.map((s) => s.additions?.beforeRecord()))
      // Intents older than the lease may be judged abandoned: a commit that late could meet some
      // cleared already. Half the lease leaves the commit request the other half to land.
      if (performance.now() - started > core.settings.leaseMs / 2) {
        const slow = slots[0] as TxSlot
        throw new ConflictError(slow.core.model.name, slow.id, {
          message: `transaction ${tx} took longer than half the lease (${core.settings.leaseMs} ms) to write its intents and was aborted; nothing was written`,
        })
      }
    } catch (error) {
      await this.#abort(core, tx, slots)
      throw definite(error)
    }
    const bodies = Object.fromEntries(slots.map((s) => [s.key, s.finalBody()]))
    // Announced before the commit point, as single writes announce theirs: databases sharing a cache
    // backend stop trusting their entries of these records even if this process dies right after it.
    const writes = slots.map((s) => s.core.beginWrite(s.id)) // (ended after the roll-forward or the undo)
    const finish = () => Promise.allSettled(writes.map((w) => w.done()))
    let fate: TxRecord
    try {
      fate = await decideTx(core, tx, { s: 'committed', r: bodies })
    } catch (lost) {
      // The commit's answer was lost and no fate is recorded yet: decide it aborted, unless the commit landed meanwhile.
      try {
        fate = await decideTx(core, tx, { s: 'aborted' })
      } catch {
        await finish()
        throw unknownOutcome('transaction', tx, lost, 'the commit')
      }
    }
    if (fate.s !== 'committed') {
      await Promise.allSettled(slots.map((s) => s.undo()))
      await finish()
      const slow = slots[0] as TxSlot
      throw new ConflictError(slow.core.model.name, slow.id, {
        message: `transaction ${tx} was judged abandoned (it took longer than the lease) and aborted; nothing was written`,
      })
    }
    await Promise.allSettled(slots.map((s) => s.rollForward(bodies[s.key] as string)))
    await finish()
  }

  async #abort(core: RepoCore, tx: string, slots: TxSlot[]): Promise<void> {
    // Only this run could have committed, and it will not: recording it aborted spares readers the lease.
    await decideTx(core, tx, { s: 'aborted' }).catch(() => undefined)
    await Promise.allSettled(slots.map((s) => s.undo()))
  }

  /** A transaction that only read: every record read is still the version read (r GETs). */
  async #validateReads(slots: TxSlot[]): Promise<void> {
    await Promise.all(
      slots.map(async (s) => {
        const now = await s.core.readAny(s.id)
        const same = s.named.absent ? now === null : now?.etag === s.named.etag
        if (!same)
          throw new ConflictError(s.core.model.name, s.id, {
            message: `${s.core.model.name} ${s.id} changed while the transaction read it`,
          })
      }),
    )
  }
}

/** Before the commit point nothing of the transaction can ever become visible: whatever failed, the outcome is failed. */
function definite(error: unknown): unknown {
  if (isS3verlessError(error) && error.details.outcome !== undefined) delete error.details.outcome
  return error
}

/** Deletes in a transaction do not apply relation rules: a model whose deletes would is refused. */
function refuseRelationRules(db: Database, model: Model): void {
  // (The registry resolved every relation, whether it names the model by name or by plural.)
  const ruled = db.registry.dependents(model).some((d) => d.onDelete !== 'doNothing')
  if (ruled) {
    throw new S3verlessError(
      'transaction.unsupported',
      `${model.name}: deleting inside a transaction does not apply relation rules (cascade, setNull, restrict) yet; delete it outside the transaction`,
      {
        details: { model: model.name },
      },
    )
  }
}
