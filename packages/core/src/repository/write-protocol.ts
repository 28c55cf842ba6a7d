import { SERVER_FIELDS } from '../model/define-model.js'
import { uuidv7 } from '../model/ids.js'
import { ConflictError, RecordNotFoundError } from '../model/model-errors.js'
import { encodeValue } from '../model/value-encoding.js'
import { unquoteEtag } from '../store/etag.js'
import { claimedFields, claimRef, releaseAll } from './claim-set.js'
import { writeToken } from './concurrency.js'
import { removeEntries, writeEntries } from './entries-io.js'
import { fieldValue, indexDiff, indexKeysOf, nextTokens } from './index-entries.js'
import { EntriesNotRestored, WriteAdditions } from './lease-guard.js'
import { lineageAfter, metaOf, type NamedVersion } from './lineage.js'
import { asUnknown, isOutcomeUnknown, outcomeOf } from './outcome.js'
import type { CachedRecord, RecordWrite } from './record-cache.js'
import {
  type ClaimRef,
  checkInputObject,
  encodeRecord,
  type RawRecord,
  type RecordMeta,
  refuseServerFields,
  validateCreateInput,
  validateInput,
  withEtag,
} from './record-codec.js'
import { unstoreRecord } from './record-removal.js'
import type { RepoCore } from './repo-core.js'
import { claimUnique, renewUnique } from './unique-claims.js'
import { writeObject, writeRecord } from './write-record.js'

/** A record as stored: schema fields plus the server fields. */
export type StoredRecord = Record<string, unknown> & { id: string; createdAt: Date; updatedAt: Date }

const SERVER: ReadonlySet<string> = new Set(SERVER_FIELDS)
const withoutServerFields = (data: Record<string, unknown>) => Object.fromEntries(Object.entries(data).filter(([k]) => !SERVER.has(k)))

/** Encodes every unique value now, so an unindexable value fails before anything is written. */
function checkUniqueValues(core: RepoCore, record: StoredRecord): void {
  for (const f of core.model.unique) encodeValue(fieldValue(record, f))
}

/**
 * Where a write stands, which decides what a failure may undo: while `adding` (or when its record
 * write was refused) nothing stored needs what it added; once the record write is under way and its
 * outcome unknown (`writing`), or it landed (`stored`), its additions stay.
 */
type Phase = 'adding' | 'writing' | 'stored'

/**
 * Undoes what a failed write added, unless its record may have landed (then they are only extras);
 * when the record write's outcome is unknown, keeps them fresh for the while it may still land.
 */
async function undoUnlessStored(additions: WriteAdditions, phase: Phase, error: unknown): Promise<void> {
  // A record write that failed for certain (a lost race, or refused by the store) stored nothing.
  const refused = phase === 'adding' || (phase === 'writing' && outcomeOf(error) === 'failed')
  if (refused) await additions.undo()
  else if (phase === 'writing' && isOutcomeUnknown(error)) await additions.afterUnknown()
}

/**
 * create (DESIGN.md §5): validate → claim unique values ∥ write index entries → write the record
 * (create-if-absent). A crash at any point leaves only extra claims/entries, never a record without
 * them. Entry keys carry this write's token and claims are versions only it made, so undoing them
 * after a refused write can never remove what another record needs; after an unknown outcome they
 * stay. The cached entry, if any, is then set to the new version (or forgotten after a failure).
 * Requests: 1 + u + i PUTs, no GET and no LIST (plus, once per process, the index catalog's GET; the
 * first create of a collection also lists one key and writes the catalog). A caller-chosen id costs
 * 1 GET more (an existing id is refused before anything is written).
 */
export async function createRecord(core: RepoCore, input: Record<string, unknown>): Promise<StoredRecord & { $etag: string }> {
  const now = new Date()
  // A server-made id carries the creation time, so id order (what a LIST yields) is creation order.
  const data = validateCreateInput(core.model, input)
  const chosen = input.id
  const id = chosen !== undefined ? core.normalizeId(chosen) : uuidv7(now.getTime())
  // Read (or, for a new collection, create) the index catalog before the first record lands.
  await core.catalog.ready()
  await core.catalog.require(...claimedFields(core, { ...data, id }).map((f) => `unique:${f}` as const))
  const { named, previous } =
    chosen !== undefined ? await namedForCreate(core, id) : { named: { absent: true as const, serverMadeId: true } }
  const record: StoredRecord = { ...data, id, createdAt: now, updatedAt: now }
  checkUniqueValues(core, record)
  const w = writeToken()
  const ix = nextTokens(core.plan, undefined, {}, record, w)
  const additions = new WriteAdditions(core, record, w)
  let phase: Phase = 'adding'
  let write: RecordWrite | undefined
  let written: CachedRecord | undefined
  try {
    await additions.add(claimedFields(core, record), indexKeysOf(core.layout, core.plan, record, ix))
    await additions.beforeRecord()
    write = core.beginWrite(id)
    phase = 'writing'
    const meta: RecordMeta & { w: string } = { w, h: lineageAfter(previous), claims: additions.refs(), ix }
    const { etag } = await writeRecord(core, record, meta, named)
    phase = 'stored'
    try {
      await additions.afterRecord()
    } catch (error) {
      // Lost a claim while the record was being written: take the record back, if no one changed it
      // since; if that fails (or the entries could not be put back), the record stays: not a failure.
      const lostClaim = !(error instanceof EntriesNotRestored)
      if (etag !== undefined && lostClaim && (await unstoreRecord(core, id, etag, w))) phase = 'adding'
      else {
        if (lostClaim) await reclaimLost(core, record)
        throw asUnknown(error, core.model.name, id)
      }
      throw error
    }
    if (etag === undefined) return withEtag(record, supersededEtag(w))
    written = { body: encodeRecord(record, meta), etag }
    return withEtag(record, etag)
  } catch (error) {
    await undoUnlessStored(additions, phase, error)
    throw error
  } finally {
    await write?.done(written)
  }
}

/**
 * What a create of a caller-chosen id writes over (1 GET): nothing, or a tombstone (a record deleted
 * on a store without conditional DELETE, replaced with compare-and-swap on it). A record, or a delete
 * still applying its relation rules, makes the id taken: nothing is written.
 * @throws ConflictError
 */
async function namedForCreate(core: RepoCore, id: string): Promise<{ named: NamedVersion; previous?: RecordMeta }> {
  const existing = await core.store.get(core.layout.recordKey(id))
  if (existing === null) return { named: { absent: true, serverMadeId: false } }
  let meta = metaOf(existing)
  let etag = existing.etag
  if (meta?.tx !== undefined) {
    // An intent of a transaction: write over what it resolves to, never over the intent itself.
    const raw = await core.readAny(id)
    if (raw?.pending !== undefined) throw inTransaction(core, id, raw.pending)
    if (raw === null) return namedForCreate(core, id)
    meta = raw.meta
    etag = raw.etag
  }
  if (meta?.deleted === true && meta.cascade === undefined) {
    return { named: { etag, ...(meta.w !== undefined ? { token: meta.w } : {}) }, previous: meta }
  }
  const message =
    meta?.deleted === true
      ? `${core.model.name} ${id} is being deleted (its relation rules are being applied); try again once that is done`
      : `${core.model.name} ${id} already exists`
  throw new ConflictError(core.model.name, id, { message })
}

/**
 * The `$etag` returned by a write that landed but whose version had already been replaced when its
 * lost answer was settled: it matches no stored version, so an `ifMatch` on it is a conflict.
 */
export const supersededEtag = (w: string) => `superseded.${w}`

/**
 * A write stored its record, then found a claim it made released or taken over (it landed later than
 * its lease allowed), and could not take the record back because another write built on it: the
 * value stays on the record. Claims it again for the record where it is free (released, or judged
 * abandoned meanwhile), so no other record can take it; where another record holds it, the duplicate
 * stays for a person to resolve (`verify()` reports it). Best effort: failures are left to `verify`.
 */
async function reclaimLost(core: RepoCore, record: StoredRecord): Promise<void> {
  await Promise.allSettled(
    claimedFields(core, record).map((f) => claimUnique(core.claims, f, fieldValue(record, f), record.id, writeToken())),
  )
}

/** A record a transaction in flight is changing: a conflict (a functional update re-reads and retries). */
export const inTransaction = (core: RepoCore, id: string, tx: string) =>
  new ConflictError(core.model.name, id, { message: `${core.model.name} ${id} is being changed by transaction ${tx}; try again` })

/** Options of update, replace and delete. */
export interface ConditionalOptions {
  /** Only if the record's etag is still this one; otherwise `ConflictError` and nothing changes. */
  ifMatch?: string
}

/** Reads a record for a write, enforcing `ifMatch`. @throws InvalidIdError, RecordNotFoundError, ConflictError */
export async function readForWrite(core: RepoCore, rawId: unknown, options: ConditionalOptions): Promise<RawRecord> {
  const id = core.normalizeId(rawId)
  const raw = await core.readFresh(id) // the compare-and-swap needs the current etag, never a cached guess
  if (raw?.pending !== undefined) throw inTransaction(core, id, raw.pending)
  if (!raw) throw new RecordNotFoundError(core.model.name, id)
  if (options.ifMatch !== undefined && unquoteEtag(options.ifMatch) !== raw.etag) {
    throw new ConflictError(core.model.name, id, {
      message: `${core.model.name} ${id} has changed since version ${options.ifMatch}; re-read it and try again`,
    })
  }
  return raw
}

/** The claims a record holds, as its bookkeeping remembers them, for the given fields. */
const heldRefs = (meta: RecordMeta, fields: readonly string[]): Record<string, ClaimRef | undefined> =>
  Object.fromEntries(fields.map((f) => [f, claimRef(meta, f)]))

/**
 * Puts the previous version of a record back over the version this write stored (compare-and-swap),
 * after a slow write lost a claim. Its entries are still there (cleanup had not run), but while the
 * new version was stored its old unique values looked free and its old entries unneeded: the claims
 * are first renewed (compare-and-swap on the version it held, so a taker that judged them abandoned
 * fails; if one was taken over meanwhile nothing is put back), and the entries are put back after.
 * True when the previous version is stored again.
 */
async function restorePrevious(
  core: RepoCore,
  previous: RawRecord,
  released: Record<string, ClaimRef | undefined>,
  entries: readonly string[],
  ours: { etag: string; w: string },
): Promise<boolean> {
  const stored = previous.stored // the version as it was stored (its claims and entries are for these values)
  const claims = { ...(previous.meta.claims ?? {}) }
  try {
    for (const [field, ref] of Object.entries(released)) {
      if (!ref) continue
      const w = ref.w ?? writeToken()
      claims[field] = { e: await renewUnique(core.claims, field, fieldValue(stored, field), stored.id, w, ref.e), w }
    }
    const w = writeToken()
    const meta: RecordMeta = { ...previous.meta, claims, w, h: lineageAfter({ w: ours.w, h: lineageAfter(previous.meta) }) }
    await writeObject(core, stored.id, encodeRecord(stored, meta), w, { etag: ours.etag, token: ours.w })
    // A reader may have judged the previous version's entries unneeded meanwhile: put them back with a
    // new body, so a removal judged on the old version fails or comes before this.
    await writeEntries(core, entries, true).catch(() => undefined)
    return true
  } catch {
    return false
  }
}

/** The `rel` bookkeeping of a new version: the claims it gives up, and those its predecessor gave up on fields it leaves alone. */
function releasedTokens(
  meta: RecordMeta,
  changed: readonly string[],
  released: Record<string, ClaimRef | undefined>,
): Record<string, string> | undefined {
  const out: Record<string, string> = {}
  for (const [f, w] of Object.entries(meta.rel ?? {})) if (!changed.includes(f)) out[f] = w
  for (const [f, ref] of Object.entries(released)) if (ref?.w !== undefined) out[f] = ref.w
  return Object.keys(out).length > 0 ? out : undefined
}

/**
 * update/replace (DESIGN.md §5): read + etag → merge → validate → claim new unique values ∥ add new
 * index entries (keys with this write's token) → write with compare-and-swap → remove the previous
 * version's old entries and release its old claims, in parallel. The cached entry, if any, is set to
 * the new version (or forgotten after a failure) once that cleanup is done.
 * Requests: 1 GET + 1 PUT + only the changed entries and claims.
 * @throws ValidationError, UniqueConstraintError, ConflictError (stale etag), RecordNotFoundError
 */
export async function updateRecord(
  core: RepoCore,
  id: unknown,
  change: { patch: Record<string, unknown> } | { replace: Record<string, unknown> },
  options: ConditionalOptions = {},
  raw?: RawRecord,
  extra: { stamp?: RecordMeta['m'] } = {},
): Promise<StoredRecord & { $etag: string }> {
  const given = 'patch' in change ? change.patch : change.replace
  checkInputObject(core.model, given) // before any request
  const current = raw ?? (await readForWrite(core, id, options))
  // The record as callers see it (upgraded to the model's version) is what a patch applies to; the
  // record as stored is what its index entries and claims were written for, so the diff starts there.
  const { record: before, stored } = current
  refuseServerFields(core.model, given, false, before)
  const fields =
    'patch' in change ? { ...withoutServerFields(before), ...withoutServerFields(change.patch) } : withoutServerFields(change.replace)
  const data = validateInput(core.model, fields)
  const next: StoredRecord = { ...data, id: before.id, createdAt: before.createdAt, updatedAt: new Date() }
  checkUniqueValues(core, next)
  const w = writeToken()
  const beforeIx = current.meta.ix ?? {}
  const ix = nextTokens(core.plan, stored, beforeIx, next, w)
  const diff = indexDiff(core.layout, core.plan, { record: stored, tokens: beforeIx }, { record: next, tokens: ix })
  const changed = core.model.unique.filter((f) => encodeValue(fieldValue(stored, f)) !== encodeValue(fieldValue(next, f)))
  const toClaim = claimedFields(core, next, changed)
  await core.catalog.require(...toClaim.map((f) => `unique:${f}` as const))
  const kept = heldRefs(
    current.meta,
    core.model.unique.filter((f) => !changed.includes(f) && current.meta.claims?.[f] !== undefined),
  ) as Record<string, ClaimRef>
  const released = heldRefs(current.meta, claimedFields(core, stored, changed))
  const rel = releasedTokens(current.meta, changed, released)
  const additions = new WriteAdditions(core, next, w)
  let phase: Phase = 'adding'
  let write: RecordWrite | undefined
  let written: CachedRecord | undefined
  try {
    await additions.add(toClaim, diff.add, current.meta.rel)
    await additions.beforeRecord()
    write = core.beginWrite(before.id)
    phase = 'writing'
    const meta: RecordMeta & { w: string } = {
      w,
      h: lineageAfter(current.meta),
      claims: { ...kept, ...additions.refs() },
      ix,
      ...(rel ? { rel } : {}),
      ...(extra.stamp ? { m: extra.stamp } : current.meta.m ? { m: current.meta.m } : {}),
    }
    const named = { etag: current.etag, ...(current.meta.w !== undefined ? { token: current.meta.w } : {}) }
    const { etag } = await writeRecord(core, next, meta, named)
    phase = 'stored'
    try {
      await additions.afterRecord()
    } catch (error) {
      // Lost a new claim while writing: put the previous version back; if that fails (or the entries
      // could not be put back), the new version stays and the outcome is not a failure.
      const lostClaim = !(error instanceof EntriesNotRestored)
      if (etag !== undefined && lostClaim && (await restorePrevious(core, current, released, diff.remove, { etag, w }))) phase = 'adding'
      else {
        if (lostClaim) await reclaimLost(core, next)
        throw asUnknown(error, core.model.name, before.id)
      }
      throw error
    }
    // Past the commit point: the previous version's entries and claims go, in parallel.
    await Promise.allSettled([removeEntries(core, diff.remove), releaseAll(core, stored, released)])
    if (etag === undefined) return withEtag(next, supersededEtag(w))
    written = { body: encodeRecord(next, meta), etag }
    return withEtag(next, etag)
  } catch (error) {
    await undoUnlessStored(additions, phase, error)
    throw error
  } finally {
    await write?.done(written)
  }
}
