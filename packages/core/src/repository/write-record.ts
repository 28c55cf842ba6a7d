import { isS3verlessError, Unavailable } from '../errors.js'
import { ConflictError } from '../model/model-errors.js'
import { fromUtf8 } from '../store/bytes.js'
import type { PutOptions, StoredObject } from '../store/types.js'
import { encodeRecord, type RecordMeta } from './record-codec.js'
import type { RepoCore } from './repo-core.js'

const metaOf = (object: StoredObject): RecordMeta | undefined => {
  try {
    return (JSON.parse(fromUtf8(object.body)) as { _s3v?: RecordMeta })._s3v
  } catch {
    return undefined
  }
}

/** Whether a stored object is the version written by the write whose token is `w`. */
export function writtenBy(object: StoredObject, w: string): boolean {
  return metaOf(object)?.w === w
}

/**
 * Whether a stored version still uses index entries or claims made by write `w`: then it descends
 * from that write's version (entries and claims are inherited only from the version they replace),
 * so that write landed, and what it added must stay.
 */
function inherits(object: StoredObject, w: string): boolean {
  const meta = metaOf(object)
  if (!meta) return false
  if (Object.values(meta.ix ?? {}).includes(w)) return true
  return Object.values(meta.claims ?? {}).some((ref) => typeof ref === 'object' && ref.w === w)
}

/** An answer that leaves it open whether the request was applied. */
const mayHaveLanded = (error: unknown) => isS3verlessError(error, 'store.conflict') || isS3verlessError(error, 'store.unavailable')

/**
 * Writes a record object (a record version or a tombstone) under a condition and returns its etag.
 * When the answer leaves it open whether the write landed (a 409/5xx, a timeout, or a 412 that
 * a retry below us may have caused), the object is re-read: if it carries this write's token, the write landed; if the version the condition named
 * is gone (or, for create-if-absent, another object is there), it can never land, since no version
 * repeats: a lost race. Otherwise the outcome is unknown.
 * @throws ConflictError when the write certainly did not land (the record changed, or exists already);
 *   a `store.unavailable` error with `details.outcome: 'unknown'` when it may or may not have landed
 *   (callers then leave everything the record could need in place); other store errors as they come.
 */
export async function writeObject(
  core: RepoCore,
  id: string,
  body: string,
  w: string,
  condition: Pick<PutOptions, 'ifMatch' | 'ifNoneMatch'>,
): Promise<string> {
  const key = core.layout.recordKey(id)
  const lostRace = (cause: unknown) =>
    new ConflictError(core.model.name, id, {
      cause,
      message:
        condition.ifNoneMatch === '*'
          ? `${core.model.name} ${id} already exists`
          : `${core.model.name} ${id} was changed or deleted by another write; re-read it and try again`,
    })
  try {
    return (await core.store.put(key, body, { ...condition, contentType: 'application/json' })).etag
  } catch (error) {
    if (!mayHaveLanded(error) && !isS3verlessError(error, 'store.preconditionFailed')) throw error
    const unknown = () =>
      new Unavailable('put', key, {
        cause: error,
        message: `${core.model.name} ${id}: the store did not answer whether the write landed; re-read the record to find out`,
        details: { outcome: 'unknown' },
      })
    let now: StoredObject | null
    try {
      now = await core.store.get(key)
    } catch {
      throw unknown()
    }
    // (A 412 is checked too: an S3 client that retries on its own may have landed the first attempt.)
    if (now && writtenBy(now, w)) return now.etag
    // Landed, then replaced by a write that built on it before we could look: not a lost race.
    if (now && inherits(now, w)) throw unknown()
    if (isS3verlessError(error, 'store.preconditionFailed')) throw lostRace(error)
    if (condition.ifMatch !== undefined && (now === null || now.etag !== condition.ifMatch)) throw lostRace(error)
    if (condition.ifNoneMatch === '*' && now !== null) throw lostRace(error)
    throw unknown()
  }
}

/**
 * {@link writeObject} for a record version with its bookkeeping (`meta.w` is the write's token).
 * Records are always written at the model's schema version: a model above version 1 sets `meta.v`
 * on the given `meta` itself, so a body the caller encodes from it afterwards (the cached copy) is
 * exactly the stored one.
 */
export function writeRecord(
  core: RepoCore,
  record: Record<string, unknown> & { id: string },
  meta: RecordMeta & { w: string },
  condition: Pick<PutOptions, 'ifMatch' | 'ifNoneMatch'>,
): Promise<string> {
  if (core.model.version > 1) meta.v = core.model.version
  else delete meta.v
  return writeObject(core, record.id, encodeRecord(record, meta), meta.w, condition)
}
