import { requireUploadKey } from './confirm-upload.js'
import { headObject } from './head-object.js'
import type { UploadContext } from './service-options.js'
import type { UploadClient } from './upload-target.js'
import { putTombstone, removeRecord } from './upload-tombstone.js'

/**
 * {@link PresignedUploadService.deleteFile}'s work; see there. The object's bytes are replaced by
 * the deleted-upload marker first, then the record is read and deleted: a confirmation racing this
 * delete either wrote its record before that read (deleted here) or finds the marker when it looks
 * again after writing (and takes its record back), so no record outlives a delete.
 */
export async function deleteFile(context: UploadContext, client: UploadClient, key: string): Promise<boolean> {
  const { id } = requireUploadKey(context, key)
  const target = context.target(client)
  const files = context.files(client)
  const head = await headObject(target, key)
  await putTombstone(target, key)
  const recordDeleted = await removeRecord(files, id, key)
  return (head !== null && !head.deleted) || recordDeleted
}
