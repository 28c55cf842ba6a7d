import { isS3verlessError } from '../errors.js'
import { ConflictError } from '../model/model-errors.js'
import { backoffDelay } from '../store/retry.js'
import type { PutOptions, StoredObject } from '../store/types.js'
import { sleep } from './concurrency.js'
import { judgeWrite, type NamedVersion, type Verdict } from './lineage.js'
import { unknownOutcome } from './outcome.js'
import { encodeRecord, type RecordMeta } from './record-codec.js'
import type { RepoCore } from './repo-core.js'

/** An answer that leaves it open whether the request was applied. */
export const mayHaveLanded = (error: unknown) => isS3verlessError(error, 'store.conflict') || isS3verlessError(error, 'store.unavailable')

/** How often a write whose named version is still current after a lost answer is sent again. */
const RESENDS = 2

/** What a record write stored: its etag, or `undefined` when it landed but was already replaced when its lost answer was settled. */
export interface Written {
  etag: string | undefined
}

/** The put condition that stands for `named`. */
const conditionOf = (named: NamedVersion): Pick<PutOptions, 'ifMatch' | 'ifNoneMatch'> =>
  named.absent ? { ifNoneMatch: '*' } : { ifMatch: named.etag }

/**
 * Whether record keys, once written, always hold an object (tombstones stay where DELETE ignores
 * If-Match): then a complete lineage settles even a create's lost answer.
 */
export const keysPersist = (core: RepoCore) => !core.store.capabilities.conditionalDelete

/**
 * Writes a record object (a record version, a tombstone, a delete in progress) whose condition is
 * `named` (an absent key, or one version) and returns what it stored. When the answer leaves it open
 * whether the write landed (a 409/5xx, a timeout, or a 412 that a retry below us may have caused),
 * the object is re-read and judged by its lineage (see `judgeWrite`): this write's token means it
 * landed; the named version replaced by another write means it never can; the named version still
 * there means it has not landed, and the same request (same body and condition, so at most one of the
 * two can land) is sent again, at most twice; anything else is an unknown outcome.
 * @throws ConflictError when the write certainly did not and never will land (the record changed, or
 *   exists already); a `store.unavailable` error with `details.outcome: 'unknown'` when it may or may
 *   not have landed (callers then leave everything the record could need in place); other store
 *   errors (nothing landed) as they come.
 */
export async function writeObject(core: RepoCore, id: string, body: string, w: string, named: NamedVersion): Promise<Written> {
  const key = core.layout.recordKey(id)
  const lostRace = (cause: unknown) =>
    new ConflictError(core.model.name, id, {
      cause,
      message: named.absent
        ? `${core.model.name} ${id} already exists`
        : `${core.model.name} ${id} was changed or deleted by another write; re-read it and try again`,
    })
  for (let attempt = 0; ; attempt++) {
    let error: unknown
    try {
      return { etag: (await core.store.put(key, body, { ...conditionOf(named), contentType: 'application/json' })).etag }
    } catch (e) {
      error = e
    }
    const refused = isS3verlessError(error, 'store.preconditionFailed')
    if (!refused && !mayHaveLanded(error)) throw error // refused for another reason (throttled, denied, invalid): nothing landed
    let now: StoredObject | null
    try {
      now = await core.store.get(key)
    } catch {
      throw unknownOutcome(core.model.name, id, error)
    }
    // (A 412 is judged too: an S3 client that retries on its own may have landed the first attempt.)
    const judged: Verdict = judgeWrite(now, w, named, keysPersist(core))
    if (judged.landed) return { etag: judged.etag }
    if (refused || judged.why === 'lost') throw lostRace(error)
    if (judged.why === 'unknown' || attempt >= RESENDS) throw unknownOutcome(core.model.name, id, error)
    await sleep(backoffDelay(attempt, { baseDelayMs: 20, maxDelayMs: 500 }))
  }
}

/**
 * {@link writeObject} for a record version with its bookkeeping (`meta.w` is the write's token,
 * `meta.h` its lineage). Records are always written at the model's schema version: a model above
 * version 1 sets `meta.v` on the given `meta` itself, so a body the caller encodes from it afterwards
 * (the cached copy) is exactly the stored one.
 */
export function writeRecord(
  core: RepoCore,
  record: Record<string, unknown> & { id: string },
  meta: RecordMeta & { w: string },
  named: NamedVersion,
): Promise<Written> {
  if (core.model.version > 1) meta.v = core.model.version
  else delete meta.v
  return writeObject(core, record.id, encodeRecord(record, meta), meta.w, named)
}
