import { isS3verlessError } from '../errors.js'
import { encodeValue, type IndexValue } from '../model/value-encoding.js'
import { backoffDelay } from '../store/retry.js'
import { deleteAll } from '../store/store-helpers.js'
import type { ListedObject } from '../store/types.js'
import { mapLimit, sleep } from './concurrency.js'
import { writeEntries } from './entries-io.js'
import { fieldValue, indexKeysOf } from './index-entries.js'
import type { RawRecord } from './record-codec.js'
import type { RepoCore } from './repo-core.js'

/** One index entry found by a LIST: the record id it names and how old it is by the store's clock. */
export interface IndexHit {
  id: string
  key: string
  /** The encoded value in the key. */
  encoded: string
  /** The token of the write that made the entry (absent for token-less entries). */
  token?: string
  /** The entry's etag, when the listing gives it: a removal is judged on this version only. */
  etag?: string
  ageMs: number
}

/** Lists the index entries under `prefix` page by page (one LIST per 1000 entries). */
export async function* listIndex(
  core: RepoCore,
  field: string,
  prefix: string,
  options: { descending?: boolean; startAfter?: string; pageSize?: number; firstPage?: number } = {},
): AsyncGenerator<IndexHit> {
  let cursor: string | undefined
  do {
    const page = await core.store.list(prefix, {
      // The first page as large as the caller expects to read (listing time grows with the keys asked for).
      limit: (cursor ? undefined : options.firstPage) ?? options.pageSize ?? 1000,
      ...(cursor ? { cursor } : options.startAfter ? { startAfter: options.startAfter } : {}),
    })
    for (const object of page.objects) {
      const parsed = core.layout.parseIndexKey(field, object.key, options.descending)
      if (parsed) yield { ...parsed, key: object.key, ageMs: age(object, page.serverTime), ...(object.etag ? { etag: object.etag } : {}) }
    }
    cursor = page.cursor
  } while (cursor)
}

const age = (object: ListedObject, serverTime: Date) => serverTime.getTime() - object.lastModified.getTime()

/**
 * Reads the records that index hits name, in parallel (bounded). The result is aligned with `hits`:
 * the record where it really holds the entry's value (`holds`), otherwise `null`. An entry the
 * record does not need (its value or its write token is not the record's) that is older than the
 * lease is removed on the spot: see {@link removeUnneededEntries}. Unreadable records are reported
 * through `onCorrupt`.
 */
export async function readHits(
  core: RepoCore,
  hits: readonly IndexHit[],
  holds: (record: RawRecord['record'], hit: IndexHit) => boolean,
  options: { fresh?: boolean; onCorrupt?: (key: string, error: unknown) => void } = {},
): Promise<(RawRecord | null)[]> {
  const unneeded: EntryVersion[] = []
  const read = (id: string) => (options.fresh ? core.readFresh(id) : core.read(id))
  const results = await mapLimit(hits, core.settings.concurrency, async (hit) => {
    try {
      const old = hit.ageMs > core.settings.leaseMs
      let raw = await read(hit.id)
      // Before judging an old entry unneeded, make sure a cached record did not mislead us.
      if (old && !(raw && needsEntry(core, raw, hit.key)) && core.cache && !options.fresh) raw = await core.readFresh(hit.id)
      const result = raw && holds(raw.record, hit) ? raw : null
      if (old && !(raw && needsEntry(core, raw, hit.key))) unneeded.push(hit)
      return result
    } catch (error) {
      if (isS3verlessError(error, 'model.corrupt')) {
        options.onCorrupt?.(core.layout.recordKey(hit.id), error)
        return null
      }
      if (!isS3verlessError(error, 'model.invalidId')) throw error
    }
    return null
  })
  if (unneeded.length > 0) await removeUnneededEntries(core, unneeded.slice(0, 1000)).catch(() => undefined)
  return results
}

/**
 * Whether the stored record needs the index entry `key` (it is one of its keys, token included):
 * judged on the values as stored, which a lazy upgrade may have changed for readers.
 */
export function needsEntry(core: RepoCore, raw: RawRecord, key: string): boolean {
  return indexKeysOf(core.layout, core.plan, raw.stored, raw.meta.ix ?? {}).includes(key)
}

/** An index entry as listed: its key and (where the listing gives it) its etag. */
export interface EntryVersion {
  key: string
  etag?: string
}

/**
 * Removes index entries judged unneeded (their record, read after the listing, does not need them)
 * and older than the lease. A write slow enough to land after that judgement puts its entries back
 * after landing, with a new body: so where the store deletes conditionally, each entry is deleted
 * only if it is still the version listed (one DELETE each), and a rewrite either came first (the
 * delete fails) or comes after (the entry is back). Elsewhere (Ceph RGW) the entries go in one
 * batched request, then their records are read again and any entry a record needs after all is put
 * back (1 GET per record named); a crash between those two steps is the one window in which a
 * record that landed at that very moment can be left without an entry until the next `verify`.
 * Returns how many were removed for good.
 */
export async function removeUnneededEntries(core: RepoCore, entries: readonly EntryVersion[]): Promise<number> {
  if (entries.length === 0) return 0
  if (core.store.capabilities.conditionalDelete && entries.every((e) => e.etag !== undefined)) {
    const removed = await mapLimit(entries, core.settings.concurrency, (e) =>
      core.store.delete(e.key, { ifMatch: e.etag as string }).then(
        () => 1,
        (error) => {
          if (isS3verlessError(error, 'store.preconditionFailed')) return 0
          throw error
        },
      ),
    )
    return removed.reduce((a, b) => a + b, 0)
  }
  const removed = await deleteAll(
    core.store,
    entries.map((e) => e.key),
  )
  const back: string[] = []
  const named = [...groupByRecord(core, entries)].filter(([id]) => id !== '')
  await mapLimit(named, core.settings.concurrency, async ([id, ofId]) => {
    const raw = await retrying(() => core.readFresh(id)).catch(() => undefined)
    // A record that cannot be read now may need them: put them back (an extra is harmless, a gap is not).
    back.push(...ofId.filter((e) => raw === undefined || (raw !== null && needsEntry(core, raw, e.key))).map((e) => e.key))
  })
  await retrying(() => writeEntries(core, back, true))
  return removed - back.length
}

/** Runs `fn`, trying again twice after a failure (for the steps that must not be skipped). */
async function retrying<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn()
    } catch (error) {
      if (attempt >= 2 || isS3verlessError(error, 'model.corrupt')) throw error
    }
    await sleep(backoffDelay(attempt, { baseDelayMs: 20, maxDelayMs: 500 }))
  }
}

/** Index entries grouped by the record id their keys name (`''` for a key that names none). */
export function groupByRecord<E extends EntryVersion>(core: RepoCore, entries: readonly E[]): Map<string, E[]> {
  const byId = new Map<string, E[]>()
  for (const e of entries) {
    const id = entryId(core, e.key) ?? ''
    byId.set(id, [...(byId.get(id) ?? []), e])
  }
  return byId
}

/** The record id an index key of this model names. */
function entryId(core: RepoCore, key: string): string | undefined {
  for (const descending of [false, true]) {
    const root = descending ? core.layout.descIndexRoot : core.layout.indexRoot
    if (!key.startsWith(root)) continue
    const field = key.slice(root.length).split('/')[0] as string
    return core.layout.parseIndexKey(field, key, descending)?.id
  }
  return undefined
}

/**
 * Every record whose indexed `field` equals `value`, verified against the records. 1 LIST per 1000
 * entries + 1 GET per hit. `fresh` bypasses a `'ttl'` record cache (for decisions that write).
 */
export async function findByIndex(
  core: RepoCore,
  field: string,
  value: IndexValue,
  options: { fresh?: boolean } = {},
): Promise<RawRecord[]> {
  const encoded = encodeValue(value)
  const hits: IndexHit[] = []
  for await (const hit of listIndex(core, field, core.layout.indexValuePrefix(field, encoded))) hits.push(hit)
  const read = await readHits(core, hits, (record) => encodeValue(fieldValue(record, field)) === encoded, options)
  // One record can have two entries for a moment (a write in flight, a leftover): each record once.
  const seen = new Set<string>()
  return read.filter((r): r is RawRecord => r !== null && !seen.has(r.record.id) && seen.add(r.record.id) !== undefined)
}
