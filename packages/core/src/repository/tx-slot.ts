import { ConflictError } from '../model/model-errors.js'
import { encodeValue } from '../model/value-encoding.js'
import { fromUtf8 } from '../store/bytes.js'
import { claimedFields, claimRef, releaseAll } from './claim-set.js'
import { writeToken } from './concurrency.js'
import { removeEntries } from './entries-io.js'
import { fieldValue, indexDiff, indexKeysOf, nextTokens } from './index-entries.js'
import { WriteAdditions } from './lease-guard.js'
import { lineageAfter, type NamedVersion } from './lineage.js'
import { type ClaimRef, encodeRecord, placeholderBody, type RawRecord, type RecordMeta, tombstoneBody } from './record-codec.js'
import { removeHoldings } from './record-removal.js'
import type { RepoCore } from './repo-core.js'
import { writeObject } from './write-record.js'

/** A record as a transaction sees it: stored fields plus the server fields. */
export type TxRecordValue = Record<string, unknown> & { id: string; createdAt: Date; updatedAt: Date }

/**
 * One record a transaction touches: the version it read (`base`: a record, or absent, with the
 * object its intent must replace) and what it makes of it (`next`: a new value, `'deleted'`, or
 * `undefined` when it only reads it). Phase 1 writes its claims, entries and intent; the commit
 * record carries its final body; phase 2 rolls it forward and cleans up after it.
 */
export class TxSlot {
  next: TxRecordValue | 'deleted' | undefined
  /** Token of the intent version, and of the final version it rolls forward to. */
  readonly wi = writeToken()
  readonly wf = writeToken()
  intentEtag: string | undefined
  additions: WriteAdditions | undefined
  /** The delete marker written beside a deleting intent (see `KeyLayout.deleteMarkerKey`). */
  marker: string | undefined
  #remove: string[] = []
  #released: Record<string, ClaimRef | undefined> = {}
  #final: RecordMeta | undefined
  #kept: Record<string, ClaimRef> = {}

  constructor(
    readonly core: RepoCore,
    readonly id: string,
    /** The record read, or `null` when absent. */
    readonly base: RawRecord | null,
    /** The object the intent replaces: the record's version, a tombstone's, or an absent key. */
    readonly named: NamedVersion,
    /** Bookkeeping of the object replaced (a record's or a tombstone's), for the lineage. */
    readonly namedMeta: RecordMeta | undefined,
  ) {}

  get key(): string {
    return this.core.layout.recordKey(this.id)
  }

  /** What the transaction sees now: its own write, else the version read. */
  current(): TxRecordValue | null {
    if (this.next === 'deleted') return null
    return this.next ?? (this.base?.record as TxRecordValue | undefined) ?? null
  }

  /**
   * Phase 1: claims the new unique values and writes the new index entries (as a single write does,
   * keys and claim versions carrying the final version's token), in parallel with the intent: a
   * compare-and-swap of the record object on the version read that keeps its committed value and
   * names the transaction. @throws what the first failing request threw (the rest stay for `undo`)
   */
  async prepare(tx: string): Promise<void> {
    const next = this.next
    if (next !== undefined) await this.core.catalog.ready() // (a new collection's catalog is made before its first object lands)
    const work: Promise<unknown>[] = [this.#writeIntent(tx)]
    if (this.#deletes()) {
      // Beside the intent, so that a LIST-only count knows this record may be gone once the commit lands.
      this.marker = this.core.layout.deleteMarkerKey(this.id, tx)
      work.push(this.core.store.put(this.marker, '', { contentType: 'application/octet-stream' }))
    }
    if (next !== undefined && next !== 'deleted') {
      const stored = this.base?.stored
      const beforeIx = this.base?.meta.ix ?? {}
      const ix = nextTokens(this.core.plan, stored, beforeIx, next, this.wf)
      const diff = stored
        ? indexDiff(this.core.layout, this.core.plan, { record: stored, tokens: beforeIx }, { record: next, tokens: ix })
        : { add: indexKeysOf(this.core.layout, this.core.plan, next, ix), remove: [] }
      const changed = this.core.model.unique.filter(
        (f) => !stored || encodeValue(fieldValue(stored, f)) !== encodeValue(fieldValue(next, f)),
      )
      const toClaim = claimedFields(this.core, next, changed)
      await this.core.catalog.require(...toClaim.map((f) => `unique:${f}` as const))
      const meta = this.base?.meta ?? {}
      const kept: Record<string, ClaimRef> = {}
      for (const f of this.core.model.unique) {
        const ref = claimRef(meta, f)
        if (!changed.includes(f) && ref) kept[f] = ref
      }
      this.#released = stored ? Object.fromEntries(claimedFields(this.core, stored, changed).map((f) => [f, claimRef(meta, f)])) : {}
      const rel: Record<string, string> = {}
      for (const [f, w] of Object.entries(meta.rel ?? {})) if (!changed.includes(f)) rel[f] = w
      for (const [f, ref] of Object.entries(this.#released)) if (ref?.w !== undefined) rel[f] = ref.w
      this.#remove = diff.remove
      const additions = new WriteAdditions(this.core, next, this.wf)
      this.additions = additions
      this.#final = {
        ix,
        ...(Object.keys(rel).length > 0 ? { rel } : {}),
        ...(meta.m ? { m: meta.m } : {}),
        ...(this.core.model.version > 1 ? { v: this.core.model.version } : {}),
      }
      this.#kept = kept
      work.push(additions.add(toClaim, diff.add, meta.rel))
    }
    const settled = await Promise.allSettled(work)
    const failed = settled.find((s) => s.status === 'rejected')
    if (failed) throw failed.reason
  }

  /** Whether this slot deletes a record that exists. */
  #deletes(): boolean {
    return this.next === 'deleted' && this.base !== null
  }

  async #writeIntent(tx: string): Promise<void> {
    const meta: RecordMeta = { w: this.wi, tx, ...(this.#deletes() ? { td: true as const } : {}) }
    // A create's intent is a placeholder smaller than any record and larger than any tombstone.
    const body = this.base
      ? encodeRecord(this.base.stored, { ...this.base.meta, ...meta, h: lineageAfter(this.base.meta) })
      : placeholderBody(this.wi, tx)
    const { etag } = await writeObject(this.core, this.id, body, this.wi, this.named)
    // Landed, then replaced before its answer came: only a reader that found it abandoned (older than
    // the lease) replaces an intent before the commit, after recording the transaction aborted. So it
    // can never commit: a conflict like any lost race, nothing of it visible.
    if (etag === undefined) {
      throw new ConflictError(this.core.model.name, this.id, {
        message: `${this.core.model.name} ${this.id}: the transaction's intent was judged abandoned before its answer came; try again`,
      })
    }
    this.intentEtag = etag
  }

  /** The body the record rolls forward to once the transaction is committed. */
  finalBody(): string {
    const next = this.next
    const h = lineageAfter({ w: this.wi, ...(this.base ? { h: lineageAfter(this.base.meta) } : {}) })
    if (next === 'deleted' || (next === undefined && !this.base)) return tombstoneBody(this.wf, this.wi)
    if (next === undefined) {
      const { tx: _tx, ...meta } = (this.base as RawRecord).meta
      return encodeRecord((this.base as RawRecord).stored, { ...meta, w: this.wf, h })
    }
    // (Claims renewed before the commit are named by their new versions.)
    return encodeRecord(next, { w: this.wf, h, ...this.#final, claims: { ...this.#kept, ...this.additions?.refs() } })
  }

  /** Phase 2: replaces the intent with the final body (compare-and-swap), then removes what the old version held. */
  async rollForward(body: string): Promise<void> {
    // (The commit announced this write to the cache before its commit point and ends it after this.)
    try {
      await this.core.store.put(this.key, body, { ifMatch: this.intentEtag as string, contentType: 'application/json' })
      await this.#removeMarker()
    } catch {
      // Rolled forward by a reader already (then the old version's holdings go as below), or to be
      // rolled forward by the next one that meets it: then what the old version held stays, so that
      // lookups still lead to the intent (a record deleted here would otherwise be left carrying it
      // where no lookup leads, and counted by count()).
      const now = await this.core.store.get(this.key).catch(() => null)
      if (!now || !fromUtf8(now.body).includes(`"w":"${this.wf}"`)) return
    }
    if (this.next === 'deleted' && this.base) await removeHoldings(this.core, this.base)
    else if (this.next !== undefined && this.base) {
      await Promise.allSettled([removeEntries(this.core, this.#remove), releaseAll(this.core, this.base.stored, this.#released)])
    }
  }

  /** Removes the delete marker once the intent it stands beside is gone (best effort: a count removes a leftover). */
  async #removeMarker(): Promise<void> {
    if (this.marker) await this.core.store.delete(this.marker).catch(() => undefined)
  }

  /** After an abort: removes what phase 1 added and puts the version read back in place of the intent. */
  async undo(): Promise<void> {
    const cleared = this.base
      ? encodeRecord(this.base.stored, {
          ...this.base.meta,
          w: writeToken(),
          h: lineageAfter({ w: this.wi, h: lineageAfter(this.base.meta) }),
        })
      : tombstoneBody(writeToken(), this.wi)
    const { store } = this.core
    const clear = (etag: string) =>
      !this.base && store.capabilities.conditionalDelete
        ? store.delete(this.key, { ifMatch: etag }) // a create's placeholder goes where DELETE is conditional
        : store.put(this.key, cleared, { ifMatch: etag, contentType: 'application/json' })
    await Promise.allSettled([this.additions?.undo(), this.intentEtag && clear(this.intentEtag)])
    await this.#removeMarker()
  }
}
