import { isS3verlessError } from '../errors.js'
import { encodeValue, type IndexValue } from '../model/value-encoding.js'
import type { ListedObject } from '../store/types.js'
import { mapLimit } from './concurrency.js'
import { fieldValue } from './index-entries.js'
import type { RawRecord } from './record-codec.js'
import type { RepoCore } from './repo-core.js'

/** One index entry found by a LIST: the record id it names and how old it is by the store's clock. */
export interface IndexHit {
  id: string
  key: string
  /** The encoded value in the key. */
  encoded: string
  ageMs: number
}

/** Lists the index entries under `prefix` page by page (one LIST per 1000 entries). */
export async function* listIndex(
  core: RepoCore,
  field: string,
  prefix: string,
  options: { descending?: boolean; startAfter?: string; pageSize?: number } = {},
): AsyncGenerator<IndexHit> {
  let cursor: string | undefined
  do {
    const page = await core.store.list(prefix, {
      limit: options.pageSize ?? 1000,
      ...(cursor ? { cursor } : options.startAfter ? { startAfter: options.startAfter } : {}),
    })
    for (const object of page.objects) {
      const parsed = core.layout.parseIndexKey(field, object.key, options.descending)
      if (parsed) yield { ...parsed, key: object.key, ageMs: age(object, page.serverTime) }
    }
    cursor = page.cursor
  } while (cursor)
}

const age = (object: ListedObject, serverTime: Date) => serverTime.getTime() - object.lastModified.getTime()

/**
 * Reads the records that index hits name, in parallel (bounded). The result is aligned with `hits`:
 * the record where it really holds the entry's value (`holds`), otherwise `null`. A dangling entry
 * older than the lease is deleted on the spot. Unreadable records are reported through `onCorrupt`.
 */
export async function readHits(
  core: RepoCore,
  hits: readonly IndexHit[],
  holds: (record: RawRecord['record'], hit: IndexHit) => boolean,
  options: { fresh?: boolean; onCorrupt?: (key: string, error: unknown) => void } = {},
): Promise<(RawRecord | null)[]> {
  const dangling: string[] = []
  const read = (id: string) => (options.fresh ? core.readFresh(id) : core.read(id))
  const results = await mapLimit(hits, core.settings.concurrency, async (hit) => {
    try {
      const raw = await read(hit.id)
      if (raw && holds(raw.record, hit)) return raw
      if (hit.ageMs > core.settings.leaseMs) {
        // Before deleting an entry as stale, make sure a cached record did not mislead us.
        const current = core.cache && !options.fresh ? await core.readFresh(hit.id) : raw
        if (current && holds(current.record, hit)) return current
        dangling.push(hit.key)
      }
    } catch (error) {
      if (isS3verlessError(error, 'model.corrupt')) {
        options.onCorrupt?.(core.layout.recordKey(hit.id), error)
        return null
      }
      if (!isS3verlessError(error, 'model.invalidId')) throw error
    }
    return null
  })
  if (dangling.length > 0) await core.store.deleteMany(dangling.slice(0, 1000)).catch(() => undefined)
  return results
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
  return read.filter((r): r is RawRecord => r !== null)
}
