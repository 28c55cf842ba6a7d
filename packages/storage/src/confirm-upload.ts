import { isS3verlessError } from '@s3verless/core'
import { guessContentType, normalizeContentType } from './content-type.js'
import { StorageError } from './errors.js'
import { headObject, type ObjectHead } from './head-object.js'
import { checkUploader, decodeMetadata } from './metadata.js'
import type { UploadContext } from './service-options.js'
import { parseUploadKey, safeFilename, type UploadKeyParts } from './upload-key.js'
import type { UploadClient } from './upload-target.js'
import { removeRecord } from './upload-tombstone.js'
import type { UploadedFile } from './uploaded-file.js'
import { contentTypeAllowed, formatBytes } from './validate-upload.js'

/**
 * The parts of an upload key of this service.
 * @throws StorageError `storage.invalidKey` for any other key (outside the prefix, another model's record, malformed)
 */
export function requireUploadKey(context: UploadContext, key: string): UploadKeyParts {
  const parts = parseUploadKey(key, context.config.keyPrefix)
  if (parts) return parts
  throw new StorageError(
    'storage.invalidKey',
    `${JSON.stringify(key)} is not an upload key of this service: keys look like ${context.config.keyPrefix}yyyy/mm/dd/{uuid}.ext`,
    { details: { key, keyPrefix: context.config.keyPrefix } },
  )
}

/** Seconds after its upload during which an object can be confirmed (half a margin before the cleanup may take it). */
export const confirmWindowSeconds = (context: UploadContext): number =>
  context.config.expirationSeconds + Math.floor(context.cleanupMarginSeconds / 2)

const mismatch = (key: string, message: string, details: Record<string, unknown>) =>
  new StorageError('storage.mismatch', `Upload ${JSON.stringify(key)} not confirmed: ${message}`, { details: { key, ...details } })

/** Checks what the HEAD showed against the rules; returns the content type to record. */
function checkObject(context: UploadContext, key: string, head: ObjectHead): string {
  const ageSeconds = (head.serverTime.getTime() - head.lastModified.getTime()) / 1000
  const window = confirmWindowSeconds(context)
  if (ageSeconds > window) {
    throw new StorageError(
      'storage.expired',
      `Upload ${JSON.stringify(key)} is ${Math.floor(ageSeconds)} s old; uploads must be confirmed within ${window} s`,
      {
        details: { key, ageSeconds, windowSeconds: window },
      },
    )
  }
  const contentType = head.contentType === undefined ? guessContentType(key) : normalizeContentType(head.contentType)
  if (contentType === undefined || !contentTypeAllowed(context.config.allowedContentTypes, contentType)) {
    throw mismatch(key, `its content type ${JSON.stringify(head.contentType)} is not allowed`, {
      rule: 'contentType',
      contentType: head.contentType,
    })
  }
  if (head.size > context.config.maxFileSize) {
    throw mismatch(key, `it is ${formatBytes(head.size)}; the limit is ${formatBytes(context.config.maxFileSize)}`, {
      rule: 'size',
      size: head.size,
    })
  }
  return contentType
}

/** An existing record for the key, if it is for this key and this user. */
function checkExisting(key: string, record: UploadedFile, uploadedBy: string | null | undefined): UploadedFile {
  if (record.s3Key !== key) {
    throw new StorageError('storage.invalidKey', `Upload ${JSON.stringify(key)} shares its id with ${JSON.stringify(record.s3Key)}`, {
      details: { key, recordKey: record.s3Key },
    })
  }
  if (uploadedBy !== undefined && uploadedBy !== record.uploadedBy) throw forbidden(key, 'it was confirmed by another user')
  return record
}

/** The upload was deleted: its key stays closed (a replayed upload URL cannot bring the file back). */
const deleted = (key: string) =>
  new StorageError('storage.deleted', `Upload ${JSON.stringify(key)} was deleted; its key cannot be confirmed again`, {
    details: { key },
  })

const forbidden = (key: string, why: string) =>
  new StorageError('storage.forbidden', `Upload ${JSON.stringify(key)} not confirmed: ${why}`, { details: { key } })

/** {@link PresignedUploadService.confirmUpload}'s work; see there. */
export async function confirmUpload(
  context: UploadContext,
  client: UploadClient,
  key: string,
  uploadedBy: string | null | undefined,
): Promise<UploadedFile | null> {
  if (uploadedBy !== undefined) checkUploader(uploadedBy)
  const { id } = requireUploadKey(context, key)
  const files = context.files(client)
  const target = context.target(client)
  const [head, existing] = await Promise.all([headObject(target, key), files.get(id)])
  if (!head) return null
  if (head.deleted) throw deleted(key)
  if (existing) return checkExisting(key, existing, uploadedBy)

  const stored = decodeMetadata(head.metadata)
  if (typeof stored.uploadedBy === 'string' && uploadedBy !== undefined && uploadedBy !== stored.uploadedBy) {
    throw forbidden(key, 'the upload URL was made for another user')
  }
  const contentType = checkObject(context, key, head)
  let record: UploadedFile
  try {
    record = await files.create({
      id,
      s3Key: key,
      filename: safeFilename(stored.filename ?? key.slice(key.lastIndexOf('/') + 1)),
      contentType,
      size: head.size,
      uploadedBy: uploadedBy ?? stored.uploadedBy ?? null,
      etag: head.etag,
      metadata: stored.user,
    })
  } catch (error) {
    if (!isS3verlessError(error, 'model.conflict')) throw error
    // A concurrent confirmation made the record first: answer with it.
    const raced = await files.get(id)
    if (!raced) throw error
    return checkExisting(key, raced, uploadedBy)
  }
  // Write, then look again: a delete that started meanwhile has put its marker down by now (then
  // this record is taken back), or it reads the record after this and deletes it.
  const after = await headObject(target, key)
  if (!after || after.deleted || after.etag !== head.etag) {
    await removeRecord(files, id, key)
    throw deleted(key)
  }
  return record
}
