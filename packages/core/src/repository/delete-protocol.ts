import { isS3verlessError, S3verlessError } from '../errors.js'
import type { Model } from '../model/define-model.js'
import { CascadeForbiddenError, RestrictError } from '../model/model-errors.js'
import type { DependentRule } from '../model/registry.js'
import { encodeValue } from '../model/value-encoding.js'
import { mapLimit, writeToken } from './concurrency.js'
import { fieldValue } from './index-entries.js'
import { type IndexHit, listIndex, readHits } from './index-lookup.js'
import { lineageAfter } from './lineage.js'
import { isOutcomeUnknown } from './outcome.js'
import { encodeRecord, type RawRecord, type RecordMeta } from './record-codec.js'
import { deleteRecord, removeHoldings, removeRecordObject } from './record-removal.js'
import type { CoreOf } from './relations-ops.js'
import type { RepoCore } from './repo-core.js'
import { updateRecord } from './write-protocol.js'
import { writeObject } from './write-record.js'

/**
 * Deleting a record whose model has relation rules (DESIGN.md §5, relations):
 * 1. **Plan**: find the dependents of every rule through the foreign-key indexes, following
 *    `cascade` down the whole tree; a `restrict` rule with dependents anywhere in it refuses the
 *    delete before anything is written (`model.restricted`), and so does a record the cascade
 *    would delete that the caller's `mayCascade` guard refuses (`access.cascadeForbidden`).
 * 2. **Commit**: with dependents to touch, the record is first marked as being deleted
 *    (compare-and-swap to a version with `_s3v.deleted` and `_s3v.cascade`): from then on readers
 *    treat it as deleted and the delete is finished, never undone. Without dependents it is deleted
 *    at once, as any record.
 * 3. **Finish**: each rule's dependents are found again and cascaded (each with this same protocol)
 *    or set to null (only while the foreign key still names the record); then the marked record is
 *    removed with its index entries and claims. A delete that stops here (a fault, a crash, a
 *    dependent that must not be deleted) is finished by the next `delete` of the same id or by
 *    `verify({ repair: true })`; the call reports it with `model.deleteIncomplete`.
 * Requests beyond a plain delete: the plan's LISTs and GETs, 1 PUT for the mark, and the
 * dependents' own writes.
 * @throws RestrictError (nothing written); ConflictError when the record changed before the mark
 *   (nothing written); DeleteIncompleteError once committed but not finished.
 */
export async function deleteWithRules(core: RepoCore, raw: RawRecord, coreOf: CoreOf, mayCascade?: CascadeGuard): Promise<void> {
  const planned = await planDelete(core, raw, coreOf, mayCascade)
  if (![...planned.values()].some((dependents) => dependents === null || dependents.length > 0)) return deleteRecord(core, raw)
  const marked = await markDeleting(core, raw)
  if (marked) await finishDelete(core, marked, coreOf, planned, mayCascade)
}

/**
 * May the caller delete this record, which a cascade would delete? Called while planning, for every
 * record of the cascade tree (not the record deleted itself), before anything is written.
 */
export type CascadeGuard = (model: Model, record: Record<string, unknown>) => boolean | Promise<boolean>

/**
 * Step 1 of {@link deleteWithRules} alone: walks the cascade tree, checking `restrict` rules and
 * `mayCascade`, and writes nothing. Returns the record's own dependents by rule.
 * @throws RestrictError, CascadeForbiddenError
 */
export function planDelete(core: RepoCore, raw: RawRecord, coreOf: CoreOf, mayCascade?: CascadeGuard): Promise<Planned> {
  return planDependents(core, raw.record, coreOf, new Set([visitKey(core, raw.record.id)]), mayCascade)
}

/**
 * The dependents each acting rule found (restrict rules have none: they refused otherwise); `null`
 * where there were more than a window of them: found again, a window at a time, while finishing.
 */
type Planned = Map<DependentRule, RawRecord[] | null>

/** How many dependents of one rule are read (and held) at a time. */
const WINDOW = 1000

/** The relation rules that act when a record of `core`'s model is deleted. */
const actingRules = (core: RepoCore): readonly DependentRule[] =>
  core.settings.registry.dependents(core.model).filter((r) => r.onDelete !== 'doNothing')

const visitKey = (core: RepoCore, id: string) => `${core.model.name}/${id}`

/** The live dependents of one rule, read fresh a window at a time (each record once). */
async function* dependentsOf(rule: DependentRule, id: string, coreOf: CoreOf): AsyncGenerator<RawRecord[]> {
  const other = coreOf(rule.model)
  await other.catalog.require(`asc:${rule.foreignKey}`)
  const encoded = encodeValue(id)
  const hits: IndexHit[] = []
  let last = ''
  const read = async () => {
    const records = await readHits(other, hits.splice(0), (r) => encodeValue(fieldValue(r, rule.foreignKey)) === encoded, { fresh: true })
    // Two entries of one record (a write in flight, a leftover) are next to each other in the listing.
    const out: RawRecord[] = []
    for (const r of records) {
      if (r === null || r.record.id === last) continue
      last = r.record.id
      out.push(r)
    }
    return out
  }
  for await (const hit of listIndex(other, rule.foreignKey, other.layout.indexValuePrefix(rule.foreignKey, encoded))) {
    if (hits.push(hit) >= WINDOW) yield await read()
  }
  yield await read()
}

/**
 * Walks the dependents of `record` (cascades down the whole tree, a window at a time) and refuses
 * the delete when a `restrict` rule has dependents anywhere in it. Returns the record's own
 * dependents by rule (see {@link Planned}).
 * @throws RestrictError naming the record and relation that refuse it.
 */
async function planDependents(
  core: RepoCore,
  record: RawRecord['record'],
  coreOf: CoreOf,
  visited: Set<string>,
  mayCascade: CascadeGuard | undefined,
): Promise<Planned> {
  const rules = actingRules(core)
  const planned: Planned = new Map()
  await Promise.all(
    rules
      .filter((rule) => rule.onDelete === 'restrict')
      .map(async (rule) => {
        for await (const window of dependentsOf(rule, record.id, coreOf))
          if (window.length > 0) throw new RestrictError(core.model.name, record.id, rule.via, rule.model.name)
      }),
  )
  await Promise.all(
    rules
      .filter((rule) => rule.onDelete !== 'restrict')
      .map(async (rule) => {
        const other = coreOf(rule.model)
        let held: RawRecord[] | null = []
        for await (const window of dependentsOf(rule, record.id, coreOf)) {
          held = held && held.length + window.length <= WINDOW ? [...held, ...window] : null
          if (rule.onDelete !== 'cascade') {
            if (held) continue
            break // set to null: that there are dependents is all the plan needs
          }
          for (const dependent of window) {
            const key = visitKey(other, dependent.record.id)
            if (visited.has(key)) continue
            visited.add(key)
            if (mayCascade && !(await mayCascade(rule.model, dependent.record)))
              throw new CascadeForbiddenError(core.model.name, record.id, rule.via, rule.model.name)
            await planDependents(other, dependent.record, coreOf, visited, mayCascade)
          }
        }
        planned.set(rule, held)
      }),
  )
  return planned
}

/**
 * Marks a record as being deleted: the commit point of a delete with dependents. The marked version
 * keeps the record as stored (so whoever finishes knows its entries and claims), reads as deleted.
 * Returns it, or `null` when it was already finished by someone else by the time a lost answer was settled.
 */
async function markDeleting(core: RepoCore, raw: RawRecord): Promise<RawRecord | null> {
  const w = writeToken()
  const meta: RecordMeta = { ...raw.meta, deleted: true, cascade: { w, at: new Date().toISOString() }, w, h: lineageAfter(raw.meta) }
  const write = core.beginWrite(raw.record.id)
  try {
    const named = { etag: raw.etag, ...(raw.meta.w !== undefined ? { token: raw.meta.w } : {}) }
    const { etag } = await writeObject(core, raw.record.id, encodeRecord(raw.stored, meta), w, named)
    if (etag !== undefined) return { ...raw, meta, etag }
    const now = await core.readAny(raw.record.id)
    return now?.meta.cascade !== undefined ? now : null
  } finally {
    await write.done()
  }
}

/**
 * Finishes a delete whose record is marked (see {@link deleteWithRules}): cascades and nulls the
 * dependents (those `planned` just before the mark, or else found now), then removes the record.
 * Safe to run by several callers at once (each step is conditional, and re-checks that a dependent
 * still points at the record). @throws DeleteIncompleteError when a dependent could not be dealt
 * with (the mark stays).
 */
export async function finishDelete(
  core: RepoCore,
  marked: RawRecord,
  coreOf: CoreOf,
  planned?: Planned,
  mayCascade?: CascadeGuard,
): Promise<void> {
  const id = marked.record.id
  const failures: unknown[] = []
  for (const rule of actingRules(core)) {
    if (rule.onDelete === 'restrict') continue // checked before the commit point; one created since is not held back
    const other = coreOf(rule.model)
    const held = planned?.get(rule)
    try {
      for await (const window of held ? [held] : dependentsOf(rule, id, coreOf)) {
        await mapLimit(window, core.settings.concurrency, async (dependent) => {
          try {
            if (rule.onDelete === 'cascade') await cascadeTo(other, dependent, rule.foreignKey, id, coreOf, mayCascade)
            else await nullForeignKey(other, dependent, rule.foreignKey, id)
          } catch (error) {
            failures.push(error)
          }
        })
      }
    } catch (error) {
      failures.push(error) // finding the dependents failed
    }
  }
  if (failures.length > 0) throw new DeleteIncompleteError(core.model.name, id, failures)
  const write = core.beginWrite(id)
  try {
    await removeRecordObject(core, id, { etag: marked.etag, w: marked.meta.w }).catch(async (error) => {
      // Finished meanwhile by someone else (the mark is gone or a tombstone): nothing left to do here.
      if (isS3verlessError(error, 'model.conflict') && (await core.readAny(id))?.meta.cascade === undefined) return
      throw new DeleteIncompleteError(core.model.name, id, [error])
    })
    await removeHoldings(core, marked)
  } finally {
    await write.done()
  }
}

/** Deletes a dependent (with its own rules), unless it no longer points at the parent. */
async function cascadeTo(
  other: RepoCore,
  dependent: RawRecord,
  foreignKey: string,
  parentId: string,
  coreOf: CoreOf,
  mayCascade: CascadeGuard | undefined,
): Promise<void> {
  let current: RawRecord | null = dependent
  for (let attempt = 0; attempt < 5; attempt++) {
    if (!current || fieldValue(current.record, foreignKey) !== parentId) return // moved to another parent, or gone
    try {
      // The dependent's own dependents are planned (and guarded) again: any created since the plan are checked too.
      await deleteWithRules(other, current, coreOf, mayCascade)
      return
    } catch (error) {
      if (!isS3verlessError(error, 'model.conflict')) throw error
    }
    current = await other.readFresh(dependent.record.id)
  }
  throw new S3verlessError('model.conflict', `${other.model.name} ${dependent.record.id} kept changing while its parent was being deleted`)
}

/** Sets a dependent's foreign key to null, only while it still names the parent. */
async function nullForeignKey(other: RepoCore, dependent: RawRecord, foreignKey: string, parentId: string): Promise<void> {
  let current: RawRecord | null = dependent
  for (let attempt = 0; attempt < 5; attempt++) {
    if (!current || fieldValue(current.record, foreignKey) !== parentId) return // moved to another parent, or gone
    try {
      await updateRecord(other, current.record.id, { patch: { [foreignKey]: null } }, {}, current)
      return
    } catch (error) {
      if (!isS3verlessError(error, 'model.conflict')) throw error
    }
    current = await other.readFresh(dependent.record.id)
  }
  throw new S3verlessError('model.conflict', `${other.model.name} ${dependent.record.id} kept changing while its parent was being deleted`)
}

/**
 * A delete passed its commit point (the record reads as deleted) but could not finish applying its
 * relation rules: some dependents are still there. Nothing is undone; `delete(id)` again, or
 * `verify({ repair: true })`, finishes it. `details.outcome` is `'partial'` (`'unknown'` when a
 * dependent's own write had an unknown outcome); `details.causes` lists the codes of what stopped it.
 */
export class DeleteIncompleteError extends S3verlessError {
  override readonly name: string = 'DeleteIncompleteError'
  constructor(model: string, id: string, causes: readonly unknown[]) {
    const codes = causes.map((c) => (isS3verlessError(c) ? c.code : c instanceof Error ? c.message : String(c)))
    const first = causes[0]
    super(
      'model.deleteIncomplete',
      `${model} ${id} is deleted, but applying its relation rules stopped (${[...new Set(codes)].join(', ')}): some dependents remain; delete it again or run verify({ repair: true }) to finish`,
      {
        cause: first,
        details: { model, id, outcome: causes.some(isOutcomeUnknown) ? 'unknown' : 'partial', causes: codes },
      },
    )
  }
}
