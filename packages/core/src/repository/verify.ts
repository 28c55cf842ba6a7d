import { isS3verlessError } from '../errors.js'
import { encodeValue, type IndexValue } from '../model/value-encoding.js'
import { listAll } from '../store/store-helpers.js'
import type { ListedObject } from '../store/types.js'
import { claimedFields } from './claim-set.js'
import { mapLimit, writeToken } from './concurrency.js'
import { writeEntries } from './entries-io.js'
import { fieldValue, indexKeysOf } from './index-entries.js'
import { type EntryVersion, groupByRecord, needsEntry, removeUnneededEntries } from './index-lookup.js'
import { readBesideMarker, resolveIntent } from './intents.js'
import { isRecordObject } from './list-records.js'
import { decodeRecord, type RawRecord } from './record-codec.js'
import type { RepoCore } from './repo-core.js'
import { claimUnique, parseClaim, releaseJudged } from './unique-claims.js'

/** What {@link verifyModel} found (and, with `repair`, fixed). */
export interface VerifyReport {
  model: string
  records: number
  /** Record objects that could not be read, by key. */
  corrupt: string[]
  /** Index entries a record should have but lacks (a query could miss the record). */
  missingIndexEntries: string[]
  /** Index entries naming no record, or a record that no longer holds the value (older than the lease). */
  danglingIndexEntries: string[]
  /** Unique values a record holds without a claim. */
  missingClaims: { field: string; value: unknown; id: string }[]
  /** Claims naming no record, or one that no longer holds the value (older than the lease). */
  staleClaims: string[]
  /** Two records holding one unique value (only possible through data written outside S3verless). */
  duplicates: { field: string; value: unknown; ids: string[] }[]
  /**
   * Tombstones that can be removed safely: on stores that delete conditionally, where deletes leave
   * none, those of an earlier layout (older than the lease); repair deletes them. (Where DELETE
   * ignores If-Match, as on Ceph RGW, tombstones are how deletes work: they stay and are not listed.)
   */
  tombstones: { key: string; etag: string }[]
  /**
   * Deletes that passed their commit point but stopped while applying relation rules (the record is
   * marked as being deleted; older than the lease), by key. Repair finishes them.
   */
  pendingDeletes: string[]
  /** Leftovers younger than the lease: possibly a write in flight, left alone. */
  inFlight: string[]
  /** What repair changed. */
  repaired: {
    indexEntriesAdded: number
    indexEntriesRemoved: number
    claimsAdded: number
    claimsReleased: number
    tombstonesRemoved: number
    deletesFinished: number
  }
}

/** Options of {@link verifyModel}. */
export interface VerifyOptions {
  /** Fix what is found (default false: report only). */
  repair?: boolean
  /** Called as work progresses (records read so far, of the total). */
  onProgress?: (done: number, total: number) => void
}

/** The suspect entries whose records, read now, still do not need them (1 GET per record named). */
async function stillUnneeded(core: RepoCore, suspects: readonly EntryVersion[]): Promise<EntryVersion[]> {
  const out: EntryVersion[] = []
  await mapLimit([...groupByRecord(core, suspects)], core.settings.concurrency, async ([id, entries]) => {
    let raw: RawRecord | null = null
    try {
      raw = id === '' ? null : await core.readFresh(id)
    } catch (error) {
      if (!isS3verlessError(error, 'model.corrupt') && !isS3verlessError(error, 'model.invalidId')) throw error
      return // an unreadable record: leave its entries for a person to look at
    }
    out.push(...entries.filter((e) => !(raw && needsEntry(core, raw, e.key))))
  })
  return out
}

/** Whether the record a claim names holds the claimed value now (an unreadable record counts as holding it). */
function holderHoldsNow(core: RepoCore, claimKey: string, id: string): Promise<boolean> {
  const [field, ...rest] = claimKey.slice(core.layout.uniqueRoot.length).split('/')
  return core.holds(id, field as string, rest.join('/'))
}

/**
 * Checks a model's index entries and unique claims against its records and, with `repair`, adds what
 * is missing and removes leftovers of crashed writes (older than the lease; younger ones may be a
 * write in flight and are only reported). Cost grows with the collection: a maintenance operation.
 */
export async function verifyModel(
  core: RepoCore,
  options: VerifyOptions = {},
  finish?: (marked: RawRecord) => Promise<void>,
): Promise<VerifyReport> {
  const { store, layout, model } = core
  const report: VerifyReport = {
    model: model.name,
    records: 0,
    corrupt: [],
    missingIndexEntries: [],
    danglingIndexEntries: [],
    missingClaims: [],
    staleClaims: [],
    duplicates: [],
    tombstones: [],
    pendingDeletes: [],
    inFlight: [],
    repaired: { indexEntriesAdded: 0, indexEntriesRemoved: 0, claimsAdded: 0, claimsReleased: 0, tombstonesRemoved: 0, deletesFinished: 0 },
  }
  const conditionalDelete = store.capabilities.conditionalDelete
  const isRecord = (object: ListedObject) => layout.idOf(object.key) !== undefined && isRecordObject(core, object)
  // Records stream through one listed page at a time: of each, only the keys it needs are kept (its
  // index entries; its claims with their holders), never the record itself. The first pass counts
  // them (LISTs only) for the progress total.
  let total = 0
  if (options.onProgress) for await (const object of listAll(store, layout.recordPrefix)) if (isRecord(object)) total++
  /** Index entry keys the records need and the listing has not shown yet (what is left: missing). */
  const expected = new Set<string>()
  /** Claim key → the records holding its value (by id), the value, and whether the claim was listed. */
  const holders = new Map<string, { ids: string[]; value: IndexValue; listed?: boolean }>()
  const marked: RawRecord[] = []
  const see = (raw: RawRecord) => {
    report.records++
    const { stored, meta } = raw
    // Judged on the values as stored: a lazy upgrade changes what readers see, not what was indexed.
    for (const key of indexKeysOf(layout, core.plan, stored, meta.ix ?? {})) expected.add(key)
    for (const field of claimedFields(core, stored)) {
      const value = fieldValue(stored, field)
      const key = layout.claimKey(field, encodeValue(value))
      const holder = holders.get(key)
      if (holder) holder.ids.push(stored.id)
      else holders.set(key, { ids: [stored.id], value })
    }
  }
  const read = async (id: string) => {
    const key = layout.recordKey(id)
    try {
      const object = await store.get(key)
      if (!object) return
      let raw = decodeRecord(model, key, object.body, object.etag)
      // A transaction's intent: judged on what it stands for (rolled forward or cleared, as a reader would).
      if (raw.meta.tx !== undefined) {
        const resolved = await resolveIntent(core, object, raw)
        if (!resolved) return // an abandoned create's placeholder, deleted as it was judged
        raw = resolved
      }
      if (raw.meta.tx !== undefined) report.inFlight.push(key) // in flight: its committed value holds meanwhile
      if (!raw.meta.deleted) return see(raw)
      const young = object.serverTime.getTime() - object.lastModified.getTime() < core.settings.leaseMs
      if (raw.meta.cascade !== undefined) {
        // A delete that stopped while applying relation rules (or is still at it).
        if (young) report.inFlight.push(key)
        else {
          report.pendingDeletes.push(key)
          marked.push(raw)
        }
      } else if (conditionalDelete) {
        // A tombstone of an earlier layout (deletes no longer leave any where DELETE is conditional).
        if (young) report.inFlight.push(key)
        else report.tombstones.push({ key, etag: object.etag })
      }
    } catch (error) {
      if (!isS3verlessError(error, 'model.corrupt') && !isS3verlessError(error, 'model.invalidId')) throw error
      report.corrupt.push(key)
    }
  }
  let done = 0
  let window: string[] = []
  const drain = async () => {
    await mapLimit(window, core.settings.concurrency, async (id) => {
      await read(id)
      options.onProgress?.(++done, Math.max(total, done))
    })
    window = []
  }
  /** Delete markers met (transactions' deletes, see `KeyLayout.deleteMarkerKey`): settled once their transaction is decided. */
  const markers: { id: string; tx: string }[] = []
  for await (const object of listAll(store, layout.recordPrefix)) {
    // Tombstones are told apart by size; where DELETE is not conditional they are how deletes work.
    if (isRecord(object)) window.push(layout.idOf(object.key) as string)
    else {
      const marker = layout.parseDeleteMarker(object.key)
      if (marker) markers.push(marker)
    }
    if (window.length >= 1000) await drain()
  }
  await drain()
  // As a count would (without deciding anything itself: age 0), so that leftovers do not cost every count a read.
  await mapLimit(markers, core.settings.concurrency, async (m) => {
    try {
      await readBesideMarker(core, { ...m, ageMs: 0 })
    } catch (error) {
      if (!isS3verlessError(error, 'model.corrupt')) throw error // (its record is reported above)
    }
  })

  const lease = core.settings.leaseMs
  const suspects: EntryVersion[] = []
  for (const root of [layout.indexRoot, layout.descIndexRoot]) {
    let cursor: string | undefined
    do {
      const page = await store.list(root, cursor ? { cursor } : {})
      for (const object of page.objects) {
        if (expected.delete(object.key)) continue
        if (page.serverTime.getTime() - object.lastModified.getTime() < lease) report.inFlight.push(object.key)
        else suspects.push({ key: object.key, ...(object.etag ? { etag: object.etag } : {}) })
      }
      cursor = page.cursor
    } while (cursor)
  }
  report.missingIndexEntries = [...expected]
  // The records were read before the listing: judge each suspect against its record as it is now.
  const dangling = await stillUnneeded(core, suspects)
  report.danglingIndexEntries = dangling.map((e) => e.key)

  // The etag each stale claim was judged by: a repair releases that version only, never one made since.
  const judged = new Map<string, string>()
  const judge = async (key: string) => {
    const claim = await store.get(key)
    if (!claim) return
    const body = parseClaim(claim)
    if (body.released || (body.id !== undefined && holders.get(key)?.ids.includes(body.id))) return
    if (claim.serverTime.getTime() - claim.lastModified.getTime() < lease) report.inFlight.push(key)
    else if (!(body.id !== undefined && (await holderHoldsNow(core, key, body.id)))) {
      // Judged after reading the claim, like a takeover: a writer landing later renews it first.
      report.staleClaims.push(key)
      judged.set(key, claim.etag)
    }
  }
  let claims: string[] = []
  for await (const object of listAll(store, layout.uniqueRoot)) {
    const holder = holders.get(object.key)
    if (holder) holder.listed = true
    claims.push(object.key)
    if (claims.length >= 1000) {
      await mapLimit(claims, core.settings.concurrency, judge)
      claims = []
    }
  }
  await mapLimit(claims, core.settings.concurrency, judge)
  for (const [key, { ids, value, listed }] of holders) {
    const field = key.slice(layout.uniqueRoot.length).split('/')[0] as string
    if (ids.length > 1) report.duplicates.push({ field, value, ids })
    else if (!listed) report.missingClaims.push({ field, value, id: ids[0] as string })
  }

  if (options.repair) {
    await writeEntries(core, report.missingIndexEntries)
    report.repaired.indexEntriesAdded = report.missingIndexEntries.length
    // Removal re-checks the records and puts back what a write that landed meanwhile needs.
    report.repaired.indexEntriesRemoved = await removeUnneededEntries(core, dangling)
    for (const tombstone of report.tombstones) {
      // Listed only where DELETE is conditional: removed only if it is still the tombstone judged.
      await store.delete(tombstone.key, { ifMatch: tombstone.etag }).then(
        () => report.repaired.tombstonesRemoved++,
        (error) => {
          if (!isS3verlessError(error, 'store.preconditionFailed')) throw error
        },
      )
    }
    const blocked = new Set(report.duplicates.map((d) => d.field))
    for (const missing of report.missingClaims) {
      try {
        await claimUnique(core.claims, missing.field, missing.value as IndexValue, missing.id, writeToken())
        report.repaired.claimsAdded++
      } catch (error) {
        if (isS3verlessError(error, 'model.unique'))
          blocked.add(missing.field) // another record holds it: a duplicate to resolve by hand
        else if (!isS3verlessError(error, 'model.conflict')) throw error // (a write of that record is under way: leave it)
      }
    }
    for (const key of report.staleClaims) {
      if (await releaseJudged(core.claims, key, judged.get(key) as string)) report.repaired.claimsReleased++
    }
    for (const raw of marked) {
      if (!finish) break
      // Finishing applies relation rules to other models; one that still cannot finish stays reported.
      await finish(raw).then(
        () => report.repaired.deletesFinished++,
        () => undefined,
      )
    }
    // Every entry and claim the records need now exists: the declared indexes are ready for queries,
    // except unique constraints that duplicates still violate, or that records we could not read
    // may hold (their values are unknown, so none of them is claimed).
    if (report.corrupt.length > 0) for (const f of core.model.unique) blocked.add(f)
    await core.catalog.markReady(core.catalog.declared.filter((t) => !(t.startsWith('unique:') && blocked.has(t.slice('unique:'.length)))))
  }
  return report
}
