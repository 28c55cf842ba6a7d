import { isS3verlessError, type Repository } from '@s3verless/core'
import type { ObjectHead } from './head-object.js'
import type { UploadTarget } from './upload-target.js'
import type { UploadedFileModel } from './uploaded-file.js'

/**
 * The media type of the marker a deleted upload leaves at its key. Uploads of this type are refused
 * (`storage.rejected`), so a real file is never taken for one.
 */
export const DELETED_UPLOAD_TYPE = 'application/x-s3verless-deleted-upload'

/** The marker's bytes (also how it is recognised on stores that keep no media type, as the file system). */
const MARKER = 's3verless: this upload was deleted'
const MARKER_BYTES = new TextEncoder().encode(MARKER)

/** True when a HEAD (or the bytes a plain store returned) show the deleted-upload marker. */
export function isTombstone(head: Pick<ObjectHead, 'contentType' | 'size'>, body?: Uint8Array): boolean {
  if (head.contentType !== undefined) return head.contentType.split(';')[0]?.trim().toLowerCase() === DELETED_UPLOAD_TYPE
  return body !== undefined && body.length === MARKER_BYTES.length && body.every((byte, i) => byte === MARKER_BYTES[i])
}

/**
 * Puts the deleted-upload marker over an upload's key (1 PUT, unconditional: whatever is there is
 * being deleted). It stays until `cleanupUnconfirmed` removes it, which it does only once the
 * upload URLs' lifetime and the margin have passed since the delete: by then every URL that could
 * write this key has expired. Meanwhile a replayed presigned PUT, whose `If-None-Match: *` is
 * signed, finds the key taken (412), and `confirmUpload` refuses the key (`storage.deleted`).
 */
export async function putTombstone(target: UploadTarget, key: string): Promise<void> {
  await target.store.put(key, MARKER_BYTES, { contentType: DELETED_UPLOAD_TYPE })
}

/**
 * Deletes the record of an upload key (read first: 1 GET, then the delete), if it is this key's.
 * A delete racing another (the delete of a confirmation taking its record back, say) may lose with
 * `model.conflict`: then the record is read again, and the work is done once it is gone.
 * @returns whether this call deleted the record.
 */
export async function removeRecord(files: Repository<UploadedFileModel>, id: string, key: string): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    const record = await files.get(id)
    if (!record || record.s3Key !== key) return false
    try {
      return await files.delete(id)
    } catch (error) {
      if (!isS3verlessError(error, 'model.conflict') || attempt >= 4) throw error
    }
  }
}
