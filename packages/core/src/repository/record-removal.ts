import { isS3verlessError } from '../errors.js'
import { ConflictError } from '../model/model-errors.js'
import { claimedFields, claimRef, releaseAll } from './claim-set.js'
import { writeToken } from './concurrency.js'
import { removeEntries } from './entries-io.js'
import { indexKeysOf } from './index-entries.js'
import { type RawRecord, tombstoneBody } from './record-codec.js'
import type { RepoCore } from './repo-core.js'
import { writeObject } from './write-record.js'

const isLostAnswer = (e: unknown) => isS3verlessError(e, 'store.conflict') || isS3verlessError(e, 'store.unavailable')

/**
 * Removes the record object `id` only if it is still version `etag`; the commit point of a delete.
 * Where the store deletes conditionally that is one DELETE (a lost answer settled by re-reading).
 * Elsewhere (Ceph RGW ignores If-Match on DELETE) the record is first replaced by a tombstone with
 * compare-and-swap, so a write landing meanwhile makes this fail instead of being erased; the
 * tombstone itself is then deleted by `finish` (readers treat it as missing, and `verify` removes
 * one left by a crash).
 * @throws ConflictError when the record changed; WriteOutcomeUnknownError when that cannot be told.
 */
export async function removeRecordObject(core: RepoCore, id: string, etag: string): Promise<{ finish: () => Promise<void> }> {
  const key = core.layout.recordKey(id)
  const done = { finish: async () => undefined }
  if (core.store.capabilities.conditionalDelete) {
    try {
      await core.store.delete(key, { ifMatch: etag })
      return done
    } catch (error) {
      if (isS3verlessError(error, 'store.preconditionFailed')) throw changedMeanwhile(core, id, error)
      if (!isLostAnswer(error)) throw error
      const now = await core.store.get(key)
      if (now === null) return done
      if (now.etag !== etag) throw changedMeanwhile(core, id, error)
      throw error
    }
  }
  try {
    const w = writeToken()
    await writeObject(core, id, tombstoneBody(w), w, { ifMatch: etag })
  } catch (error) {
    if (isS3verlessError(error, 'model.conflict')) throw changedMeanwhile(core, id, error)
    throw error
  }
  return { finish: () => core.store.delete(key) }
}

const changedMeanwhile = (core: RepoCore, id: string, cause: unknown) =>
  new ConflictError(core.model.name, id, {
    cause,
    message: `${core.model.name} ${id} changed while it was being deleted; re-read it and try again`,
  })

/** Takes back a record this write stored (a create that lost a claim): true when it is gone. */
export async function unstoreRecord(core: RepoCore, id: string, etag: string): Promise<boolean> {
  try {
    const { finish } = await removeRecordObject(core, id, etag)
    await finish().catch(() => undefined)
    return true
  } catch {
    return false
  }
}

/**
 * delete (DESIGN.md §5): remove the record object conditionally (the commit point), then in parallel
 * delete a tombstone (stores without conditional DELETE), remove its index entries in one batched
 * request and release its claims (each only if still the version its write made). The cached entry,
 * if any, is forgotten once all of that is done, whatever the outcome.
 * Requests: 1 DELETE (or 1 PUT for the tombstone + 1 DELETE) + 1 batched DeleteObjects + one
 * conditional release per unique value held; sequential round trips after the read: 2.
 */
export async function deleteRecord(core: RepoCore, raw: RawRecord): Promise<void> {
  const { record, meta } = raw
  const write = core.beginWrite(record.id)
  try {
    const { finish } = await removeRecordObject(core, record.id, raw.etag)
    const held = claimedFields(core, record)
    await Promise.allSettled([
      finish(),
      removeEntries(core, indexKeysOf(core.layout, core.plan, record, meta.ix ?? {})),
      releaseAll(core, record, Object.fromEntries(held.map((f) => [f, claimRef(meta, f)]))),
    ])
  } finally {
    await write.done()
  }
}
