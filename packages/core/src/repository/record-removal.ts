import { isS3verlessError } from '../errors.js'
import { ConflictError } from '../model/model-errors.js'
import { backoffDelay } from '../store/retry.js'
import type { StoredObject } from '../store/types.js'
import { claimedFields, claimRef, releaseAll } from './claim-set.js'
import { sleep, writeToken } from './concurrency.js'
import { removeEntries } from './entries-io.js'
import { indexKeysOf } from './index-entries.js'
import { judgeWrite } from './lineage.js'
import { unknownOutcome } from './outcome.js'
import { type RawRecord, tombstoneBody } from './record-codec.js'
import type { RepoCore } from './repo-core.js'
import { keysPersist, mayHaveLanded, writeObject } from './write-record.js'

/** One version of a record object, as a write names it: its etag and its write token. */
export interface VersionRef {
  etag: string
  w?: string | undefined
}

/**
 * Removes the record object `id` only if it is still version `version`: the commit point of a
 * delete. Where the store deletes conditionally that is one DELETE; a lost answer is settled by
 * re-reading (gone: done; the version still there: the same DELETE again, at most twice; replaced,
 * by its lineage: a conflict, or an unknown outcome when a record was created there since).
 * Elsewhere (Ceph RGW ignores If-Match on DELETE) the record is replaced by a tombstone with
 * compare-and-swap, so a write landing meanwhile makes this fail instead of being erased. The
 * tombstone stays: deleting it unconditionally could erase a record created there since. Readers,
 * listings and `count()` treat it as missing, and a create of the same id replaces it.
 * @throws ConflictError when the record changed; a `store.unavailable` error with
 *   `details.outcome: 'unknown'` when it cannot be told whether the delete landed.
 */
export async function removeRecordObject(core: RepoCore, id: string, version: VersionRef): Promise<void> {
  const key = core.layout.recordKey(id)
  const named = { etag: version.etag, ...(version.w !== undefined ? { token: version.w } : {}) }
  if (!core.store.capabilities.conditionalDelete) {
    const w = writeToken()
    try {
      await writeObject(core, id, tombstoneBody(w, version.w), w, named)
    } catch (error) {
      if (isS3verlessError(error, 'model.conflict')) throw changedMeanwhile(core, id, error)
      throw error
    }
    return
  }
  for (let attempt = 0; ; attempt++) {
    let error: unknown
    try {
      await core.store.delete(key, { ifMatch: version.etag })
      return
    } catch (e) {
      error = e
    }
    if (isS3verlessError(error, 'store.preconditionFailed')) throw changedMeanwhile(core, id, error)
    if (!mayHaveLanded(error)) throw error
    let now: StoredObject | null
    try {
      now = await core.store.get(key)
    } catch {
      throw unknownOutcome(core.model.name, id, error, 'the delete')
    }
    if (now === null) return // gone: this delete, or another one of a version since, removed it
    // The version we named, replaced by another write: lost. (Our own token is never there: we write none.)
    const judged = judgeWrite(now, writeToken(), named, keysPersist(core))
    if (!judged.landed && judged.why === 'lost') throw changedMeanwhile(core, id, error)
    if (judged.landed || judged.why === 'unknown' || attempt >= 2) throw unknownOutcome(core.model.name, id, error, 'the delete')
    await sleep(backoffDelay(attempt, { baseDelayMs: 20, maxDelayMs: 500 }))
  }
}

const changedMeanwhile = (core: RepoCore, id: string, cause: unknown) =>
  new ConflictError(core.model.name, id, {
    cause,
    message: `${core.model.name} ${id} changed while it was being deleted; re-read it and try again`,
  })

/** Takes back a record this write stored (a create that lost a claim): true when it is gone. */
export async function unstoreRecord(core: RepoCore, id: string, etag: string, w: string): Promise<boolean> {
  try {
    await removeRecordObject(core, id, { etag, w })
    return true
  } catch {
    return false
  }
}

/**
 * Removes what a deleted version of a record held, in parallel: its index entries (one batched
 * request) and its claims (each only if still the version its write made).
 */
export async function removeHoldings(core: RepoCore, raw: RawRecord): Promise<void> {
  const { stored, meta } = raw
  const held = claimedFields(core, stored)
  await Promise.allSettled([
    removeEntries(core, indexKeysOf(core.layout, core.plan, stored, meta.ix ?? {})),
    releaseAll(core, stored, Object.fromEntries(held.map((f) => [f, claimRef(meta, f)]))),
  ])
}

/**
 * delete (DESIGN.md §5): remove the record object conditionally (the commit point), then remove its
 * index entries in one batched request and release its claims, in parallel. The cached entry, if
 * any, is forgotten once all of that is done, whatever the outcome.
 * Requests: 1 DELETE (or 1 PUT for the tombstone on stores without conditional DELETE) + 1 batched
 * DeleteObjects + one conditional release per unique value held; sequential round trips after the read: 2.
 */
export async function deleteRecord(core: RepoCore, raw: RawRecord): Promise<void> {
  const write = core.beginWrite(raw.record.id)
  try {
    await removeRecordObject(core, raw.record.id, { etag: raw.etag, w: raw.meta.w })
    await removeHoldings(core, raw)
  } finally {
    await write.done()
  }
}
