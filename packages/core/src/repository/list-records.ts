import { isS3verlessError, S3verlessError } from '../errors.js'
import type { ListedObject } from '../store/types.js'
import { mapLimit } from './concurrency.js'
import { readBesideMarker } from './intents.js'
import { PLACEHOLDER_MIN_BYTES, type RawRecord, TOMBSTONE_MAX_BYTES } from './record-codec.js'
import type { RepoCore } from './repo-core.js'

/** A stored object that could not be read as a record, reported instead of failing a listing. */
export interface SkippedRecord {
  key: string
  reason: string
}

/** One page of records. */
export interface RecordPage<T> {
  items: T[]
  /** Pass as `marker` for the next page; `undefined` on the last page. */
  nextMarker: string | undefined
  /** Objects under the model's prefix that could not be read as records (corrupt or foreign). */
  skipped: SkippedRecord[]
}

/**
 * Whether a listed object under a model's record prefix may be a record and must be read: records,
 * and the placeholders of creates in transactions (what they stand for is decided by reading them).
 * Tombstones (deletes on a store without conditional DELETE, and on every store a transaction's
 * deletes) are smaller than both and skipped unread.
 */
export const isRecordObject = (_core: RepoCore, object: ListedObject) => object.size >= PLACEHOLDER_MIN_BYTES

/** Whether a listed key is a transaction's delete marker (see `KeyLayout.deleteMarkerKey`): not a record, not foreign. */
const isMarker = (core: RepoCore, key: string) => core.layout.parseDeleteMarker(key) !== undefined

/**
 * Reads records by id in parallel (bounded); missing ones are left out and unreadable ones reported.
 */
export async function readMany(core: RepoCore, ids: readonly string[], skipped: SkippedRecord[] = []): Promise<RawRecord[]> {
  const read = await mapLimit(ids, core.settings.concurrency, async (id) => {
    try {
      return await core.read(id)
    } catch (error) {
      if (isS3verlessError(error, 'model.corrupt')) {
        skipped.push({ key: core.layout.recordKey(id), reason: error.message })
        return null
      }
      throw error
    }
  })
  return read.filter((r): r is RawRecord => r !== null)
}

/**
 * A page of records in creation order (ids are UUIDv7): 1 LIST + `limit` GETs, whatever the size of
 * the collection. `marker` is the id of the last record of the previous page. Tombstones (stores
 * without conditional DELETE) are told apart by size and skipped without a GET; a page may then hold
 * fewer than `limit` records while more follow.
 */
export async function listPage(core: RepoCore, options: { limit?: number; marker?: string | undefined }): Promise<RecordPage<RawRecord>> {
  const limit = options.limit ?? 100
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new S3verlessError('query.invalidArgument', `${core.model.name}: limit must be an integer from 1 to 1000, got ${limit}`)
  }
  const marker = options.marker !== undefined ? core.normalizeId(options.marker) : undefined
  const page = await core.store.list(core.layout.recordPrefix, {
    limit,
    // After the record and any delete markers beside it (transaction ids are hex, all before '~').
    ...(marker !== undefined ? { startAfter: core.layout.deleteMarkerKey(marker, '~') } : {}),
  })
  const skipped: SkippedRecord[] = []
  const ids: string[] = []
  for (const object of page.objects) {
    const id = core.layout.idOf(object.key)
    if (id === undefined) {
      if (!isMarker(core, object.key)) skipped.push({ key: object.key, reason: 'not a record key of this model' })
    } else if (isRecordObject(core, object)) ids.push(id)
  }
  const items = await readMany(core, ids, skipped)
  const last = page.objects.at(-1)
  const lastId = last ? (core.layout.idOf(last.key) ?? core.layout.parseDeleteMarker(last.key)?.id) : undefined
  return { items, nextMarker: page.cursor && lastId ? lastId : undefined, skipped }
}

/** Options of {@link iterateRecords}. */
export interface IterateOptions {
  /** Records read ahead of the consumer, at most (default 4 × the database's concurrency). */
  window?: number
  /** Unreadable records are reported here and skipped (default: skipped silently). */
  onSkipped?: (skipped: SkippedRecord) => void
}

/**
 * Every record in id order, streamed: one LIST per 1,000 keys and one GET per record, reading at most
 * `window` records ahead (in parallel, bounded by the database's concurrency). Memory holds one page
 * of keys and one window of records, whatever the size of the collection; the listing goes only as far
 * as the consumer reads, and a consumer that stops (`break`) leaves no request outstanding.
 */
export async function* iterateRecords(core: RepoCore, options: IterateOptions = {}): AsyncGenerator<RawRecord> {
  const window = checkWindow(core, options.window)
  const skipped: SkippedRecord[] = []
  let cursor: string | undefined
  do {
    const page = await core.store.list(core.layout.recordPrefix, cursor ? { cursor } : {})
    const ids: string[] = []
    for (const object of page.objects) {
      const id = core.layout.idOf(object.key)
      if (id === undefined) {
        if (!isMarker(core, object.key)) options.onSkipped?.({ key: object.key, reason: 'not a record key of this model' })
      } else if (isRecordObject(core, object)) ids.push(id)
    }
    for (let i = 0; i < ids.length; i += window) {
      const records = await readMany(core, ids.slice(i, i + window), skipped)
      for (const s of skipped.splice(0)) options.onSkipped?.(s)
      yield* records
    }
    cursor = page.cursor
  } while (cursor)
}

/** The read-ahead window: a positive integer (default 4 × concurrency). */
export function checkWindow(core: RepoCore, window: number | undefined): number {
  const value = window ?? 4 * core.settings.concurrency
  if (!Number.isInteger(value) || value < 1 || value > 10_000) {
    throw new S3verlessError(
      'query.invalidArgument',
      `${core.model.name}: window must be an integer from 1 to 10,000, got ${String(window)}`,
    )
  }
  return value
}

/**
 * Every live record's id in id order, as a LIST-only count would have them but exact: ⌈n/1000⌉ LISTs,
 * plus reads only where a listing cannot tell (objects a transaction left undecided): a create's
 * placeholder is read (1 GET, +1 GET and +1 PUT when its transaction is decided: rolled forward or
 * cleared), and a record with a delete marker beside it is read after its transaction's fate
 * (`readBesideMarker`). So a transaction committed whose committer died before rolling forward is
 * counted as committed, and one in flight or aborted as if it had not run.
 */
export async function listLiveIds(core: RepoCore): Promise<string[]> {
  const listed: string[] = []
  /** Ids a read must decide: placeholders (no marker) and records with delete markers beside them. */
  const undecided = new Map<string, { tx: string; ageMs: number }[]>()
  let cursor: string | undefined
  do {
    const page = await core.store.list(core.layout.recordPrefix, cursor ? { cursor } : {})
    for (const object of page.objects) {
      const id = core.layout.idOf(object.key)
      if (id !== undefined) {
        if (object.size < PLACEHOLDER_MIN_BYTES) continue // a tombstone
        listed.push(id)
        if (object.size < TOMBSTONE_MAX_BYTES && !undecided.has(id)) undecided.set(id, [])
        continue
      }
      const marker = core.layout.parseDeleteMarker(object.key)
      if (!marker) continue
      const at = { tx: marker.tx, ageMs: page.serverTime.getTime() - object.lastModified.getTime() }
      const markers = undecided.get(marker.id)
      if (markers) markers.push(at)
      else undecided.set(marker.id, [at])
    }
    cursor = page.cursor
  } while (cursor)
  if (undecided.size === 0) return listed
  const live = new Set<string>()
  await mapLimit([...undecided], core.settings.concurrency, async ([id, markers]) => {
    try {
      let record: RawRecord | null = markers.length === 0 ? await core.readAny(id) : null
      for (const marker of markers) record = await readBesideMarker(core, { id, ...marker })
      if (record && !record.meta.deleted) live.add(id)
    } catch (error) {
      // An unreadable record beside a marker is counted as a LIST-only count would (it is record-sized).
      if (!isS3verlessError(error, 'model.corrupt')) throw error
      if (markers.length > 0) live.add(id)
    }
  })
  return listed.filter((id) => !undecided.has(id) || live.has(id))
}

/** Every record key's id (tombstones left out, placeholders of creates kept), page by page: ⌈n/1000⌉ LISTs. */
export async function listAllIds(core: RepoCore): Promise<string[]> {
  const ids: string[] = []
  let cursor: string | undefined
  do {
    const page = await core.store.list(core.layout.recordPrefix, cursor ? { cursor } : {})
    for (const object of page.objects) {
      const id = core.layout.idOf(object.key)
      if (id !== undefined && isRecordObject(core, object)) ids.push(id)
    }
    cursor = page.cursor
  } while (cursor)
  return ids
}
