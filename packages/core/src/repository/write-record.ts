import { isS3verlessError } from '../errors.js'
import { ConflictError } from '../model/model-errors.js'
import type { PutOptions } from '../store/types.js'
import { encodeRecord, type RecordMeta } from './record-codec.js'
import type { RepoCore } from './repo-core.js'

/**
 * Writes a record under a condition and returns its etag. A `Conflict` or 5xx answer leaves it unknown
 * whether the write landed, so the record is re-read: if it carries this attempt's write token, the
 * write did land. Anything else is a lost race.
 * @throws ConflictError when the condition failed (the record changed, or exists already).
 */
export async function writeRecord(
  core: RepoCore,
  record: Record<string, unknown> & { id: string },
  meta: RecordMeta & { w: string },
  condition: Pick<PutOptions, 'ifMatch' | 'ifNoneMatch'>,
): Promise<string> {
  const key = core.layout.recordKey(record.id)
  try {
    return (await core.store.put(key, encodeRecord(record, meta), { ...condition, contentType: 'application/json' })).etag
  } catch (error) {
    if (isS3verlessError(error, 'store.conflict') || isS3verlessError(error, 'store.unavailable')) {
      const now = await core.store.get(key).catch(() => null)
      if (now) {
        try {
          const body = JSON.parse(new TextDecoder().decode(now.body)) as { _s3v?: RecordMeta }
          if (body._s3v?.w === meta.w) return now.etag
        } catch {
          // not ours
        }
      }
      if (isS3verlessError(error, 'store.unavailable') && !now) throw error
    } else if (!isS3verlessError(error, 'store.preconditionFailed')) {
      throw error
    }
    const message =
      condition.ifNoneMatch === '*'
        ? `${core.model.name} ${record.id} already exists`
        : `${core.model.name} ${record.id} was changed or deleted by another write; re-read it and try again`
    throw new ConflictError(core.model.name, record.id, { cause: error, message })
  }
}
