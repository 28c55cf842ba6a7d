import { requireUploadKey } from './confirm-upload.js'
import { headObject } from './head-object.js'
import type { UploadContext } from './service-options.js'
import type { UploadClient } from './upload-target.js'

/** {@link PresignedUploadService.deleteFile}'s work; see there. */
export async function deleteFile(context: UploadContext, client: UploadClient, key: string): Promise<boolean> {
  const { id } = requireUploadKey(context, key)
  const target = context.target(client)
  const files = context.files(client)
  const [head, record] = await Promise.all([headObject(target, key), files.get(id)])
  // The record first: if removing the object then fails, what is left is an object without a
  // record, which the cleanup removes; never a record pointing at nothing.
  const recordDeleted = record !== null && record.s3Key === key && (await files.delete(id))
  await target.store.delete(key)
  return head !== null || recordDeleted
}
