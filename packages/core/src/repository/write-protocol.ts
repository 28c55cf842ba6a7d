import { isS3verlessError } from '../errors.js'
import { uuidv7 } from '../model/ids.js'
import { ConflictError, RecordNotFoundError } from '../model/model-errors.js'
import { encodeValue } from '../model/value-encoding.js'
import { unquoteEtag } from '../store/etag.js'
import { claimAll, claimedFields, confirmIfSlow, releaseAll, renewIfSlow } from './claim-set.js'
import { allOrFirstError, writeToken } from './concurrency.js'
import { removeEntries, writeEntries } from './entries-io.js'
import { fieldValue, indexDiff, indexKeysOf } from './index-entries.js'
import type { CachedRecord, RecordWrite } from './record-cache.js'
import { encodeRecord, type RawRecord, type RecordMeta, tombstoneBody, validateInput, withEtag } from './record-codec.js'
import type { RepoCore } from './repo-core.js'
import { writeRecord } from './write-record.js'

/** A record as stored: schema fields plus the server fields. */
export type StoredRecord = Record<string, unknown> & { id: string; createdAt: Date; updatedAt: Date }

const SERVER = new Set(['id', 'createdAt', 'updatedAt'])
const withoutServerFields = (data: Record<string, unknown>) => Object.fromEntries(Object.entries(data).filter(([k]) => !SERVER.has(k)))

/** Encodes every unique and indexed value now, so an unindexable value fails before anything is written. */
function prepareKeys(core: RepoCore, record: StoredRecord): string[] {
  for (const f of core.model.unique) encodeValue(fieldValue(record, f))
  return indexKeysOf(core.layout, core.plan, record)
}

/**
 * create (DESIGN.md §5): validate → claim unique values ∥ write index entries → write the record
 * (create-if-absent). A crash at any point leaves only extra claims/entries, never a record without
 * them. On failure what was claimed is released and the entries removed. The cached entry, if any, is
 * then set to the new version (or forgotten after a failure).
 * Requests: 1 + u + i PUTs, no GET and no LIST (plus, once per process, the index catalog's GET; the
 * first create of a collection also lists one key and writes the catalog). A caller-chosen id costs 1 GET more (an existing id is
 * refused before anything is written), and after a failure its entries and claims are left for
 * `verify` rather than removed: they share their keys with any record that has (or gets) that id.
 */
export async function createRecord(core: RepoCore, input: Record<string, unknown>): Promise<StoredRecord & { $etag: string }> {
  const now = new Date()
  // A server-made id carries the creation time, so id order (what a LIST yields) is creation order.
  const chosenId = input.id !== undefined
  const id = chosenId ? input.id : uuidv7(now.getTime())
  core.checkId(id)
  const data = validateInput(core.model, withoutServerFields(input))
  // Read (or, for a new collection, create) the index catalog before the first record lands.
  await core.catalog.ready()
  await core.catalog.require(...claimedFields(core, { ...data, id }).map((f) => `unique:${f}` as const))
  if (chosenId && (await core.store.get(core.layout.recordKey(id))) !== null) {
    throw new ConflictError(core.model.name, id, { message: `${core.model.name} ${id} already exists` })
  }
  const record: StoredRecord = { ...data, id, createdAt: now, updatedAt: now }
  const entries = prepareKeys(core, record)
  const w = writeToken()
  const started = performance.now()
  let claims: Record<string, string> = {}
  let etag: string | undefined
  let write: RecordWrite | undefined
  let written: CachedRecord | undefined
  try {
    ;[claims] = await allOrFirstError([claimAll(core, record, claimedFields(core, record)), writeEntries(core, entries)])
    claims = await renewIfSlow(core, record, claims, started)
    const writing = performance.now()
    const meta = { w, claims }
    write = core.beginWrite(id)
    etag = await writeRecord(core, record, meta, { ifNoneMatch: '*' })
    await confirmIfSlow(core, record, claims, writing)
    written = { body: encodeRecord(record, meta), etag }
    return withEtag(record, etag)
  } catch (error) {
    await rollback(core, record, chosenId ? [] : entries, chosenId ? {} : claims, etag)
    throw error
  } finally {
    await write?.done(written)
  }
}

/** Undoes a failed write: the record (if written), its new entries and claims. Best effort: leftovers are only extras. */
async function rollback(core: RepoCore, record: StoredRecord, entries: string[], claims: Record<string, string>, etag: string | undefined) {
  if (etag !== undefined) {
    // The record first: while it exists its entries and claims must stay, or queries would miss it.
    const gone = await core.store.delete(core.layout.recordKey(record.id), { ifMatch: etag }).then(
      () => true,
      () => false,
    )
    if (!gone) return
  }
  await Promise.allSettled([removeEntries(core, entries), releaseAll(core, record, claims)])
}

/** Options of update, replace and delete. */
export interface ConditionalOptions {
  /** Only if the record's etag is still this one; otherwise `ConflictError` and nothing changes. */
  ifMatch?: string
}

/** Reads a record for a write, enforcing `ifMatch`. @throws RecordNotFoundError, ConflictError */
export async function readForWrite(core: RepoCore, id: unknown, options: ConditionalOptions): Promise<RawRecord> {
  core.checkId(id)
  const raw = await core.readFresh(id) // the compare-and-swap needs the current etag, never a cached guess
  if (!raw) throw new RecordNotFoundError(core.model.name, id)
  if (options.ifMatch !== undefined && unquoteEtag(options.ifMatch) !== raw.etag) {
    throw new ConflictError(core.model.name, id, {
      message: `${core.model.name} ${id} has changed since version ${options.ifMatch}; re-read it and try again`,
    })
  }
  return raw
}

/**
 * update/replace (DESIGN.md §5): read + etag → merge → validate → claim new unique values ∥ add new
 * index entries → write with compare-and-swap → remove old entries and release old claims. The cached
 * entry, if any, is set to the new version (or forgotten after a failure).
 * Requests: 1 GET + 1 PUT + only the changed entries and claims.
 * @throws ValidationError, UniqueConstraintError, ConflictError (stale etag), RecordNotFoundError
 */
export async function updateRecord(
  core: RepoCore,
  id: unknown,
  change: { patch: Record<string, unknown> } | { replace: Record<string, unknown> },
  options: ConditionalOptions = {},
  raw?: RawRecord,
): Promise<StoredRecord & { $etag: string }> {
  const current = raw ?? (await readForWrite(core, id, options))
  const before = current.record
  const fields =
    'patch' in change ? { ...withoutServerFields(before), ...withoutServerFields(change.patch) } : withoutServerFields(change.replace)
  const data = validateInput(core.model, fields)
  const next: StoredRecord = { ...data, id: before.id, createdAt: before.createdAt, updatedAt: new Date() }
  prepareKeys(core, next)
  const diff = indexDiff(core.layout, core.plan, before, next)
  const changed = core.model.unique.filter((f) => encodeValue(fieldValue(before, f)) !== encodeValue(fieldValue(next, f)))
  const toClaim = claimedFields(core, next, changed)
  await core.catalog.require(...toClaim.map((f) => `unique:${f}` as const))
  const toRelease = claimedFields(core, before, changed)
  const kept = Object.fromEntries(Object.entries(current.meta.claims ?? {}).filter(([f]) => !changed.includes(f)))
  const w = writeToken()
  const started = performance.now()
  let claims: Record<string, string> = {}
  let etag: string
  let write: RecordWrite | undefined
  let written: CachedRecord | undefined
  let storedNew = false // the store holds `next`: its entries and claims must then stay
  try {
    ;[claims] = await allOrFirstError([claimAll(core, next, toClaim), writeEntries(core, diff.add)])
    claims = await renewIfSlow(core, next, claims, started)
    const writing = performance.now()
    const meta: RecordMeta & { w: string } = { w, claims: { ...kept, ...claims } }
    write = core.beginWrite(before.id)
    etag = await writeRecord(core, next, meta, { ifMatch: current.etag })
    storedNew = true
    try {
      await confirmIfSlow(core, next, claims, writing)
    } catch (error) {
      // Lost a new claim while writing: put the previous version back.
      await writeRecord(core, before, { ...current.meta, w: writeToken() }, { ifMatch: etag }).then(
        () => {
          storedNew = false
        },
        () => undefined,
      )
      throw error
    }
    written = { body: encodeRecord(next, meta), etag }
  } catch (error) {
    // Only undo the new entries and claims when no record holds them (else queries would miss it).
    if (!storedNew) await Promise.allSettled([removeEntries(core, diff.add), releaseAll(core, next, claims)])
    throw error
  } finally {
    await write?.done(written)
  }
  const oldClaims = Object.fromEntries(toRelease.map((f) => [f, current.meta.claims?.[f]]))
  await Promise.allSettled([removeEntries(core, diff.remove), releaseAll(core, before, oldClaims)])
  return withEtag(next, etag)
}

/**
 * delete (DESIGN.md §5): read → delete the record conditionally → remove its index entries in one
 * batched request → release its claims. Where the store ignores conditional DELETE (Ceph RGW), the
 * record is first replaced by a tombstone with compare-and-swap (so a concurrent update makes the
 * delete fail instead of being erased), then deleted. Requests: 1 GET + 1 DELETE (+1 PUT for the
 * tombstone) + 1 batched DeleteObjects + one conditional release per unique value held. The cached
 * entry, if any, is forgotten whatever the outcome (a conflict means it may be stale).
 */
export async function deleteRecord(core: RepoCore, raw: RawRecord): Promise<void> {
  const { record } = raw
  const write = core.beginWrite(record.id)
  const key = core.layout.recordKey(record.id)
  try {
    if (core.store.capabilities.conditionalDelete) await core.store.delete(key, { ifMatch: raw.etag })
    else {
      await writeTombstone(core, record.id, raw.etag)
      await core.store.delete(key)
    }
  } catch (error) {
    if (isS3verlessError(error, 'store.preconditionFailed') || isS3verlessError(error, 'model.conflict')) {
      throw new ConflictError(core.model.name, record.id, {
        cause: error,
        message: `${core.model.name} ${record.id} changed while it was being deleted; re-read it and try again`,
      })
    }
    throw error
  } finally {
    await write.done()
  }
  const held = claimedFields(core, record)
  await Promise.allSettled([
    removeEntries(core, indexKeysOf(core.layout, core.plan, record)),
    releaseAll(core, record, Object.fromEntries(held.map((f) => [f, raw.meta.claims?.[f]]))),
  ])
}

/** Replaces a record by a tombstone under compare-and-swap (a lost answer is settled by re-reading). */
async function writeTombstone(core: RepoCore, id: string, etag: string): Promise<void> {
  const key = core.layout.recordKey(id)
  const w = writeToken()
  try {
    await core.store.put(key, tombstoneBody(w), { ifMatch: etag, contentType: 'application/json' })
  } catch (error) {
    if (!isS3verlessError(error, 'store.conflict') && !isS3verlessError(error, 'store.unavailable')) throw error
    const now = await core.store.get(key).catch(() => null)
    if (!now || !new TextDecoder().decode(now.body).includes(w)) throw error
  }
}
