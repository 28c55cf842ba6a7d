import { guessContentType, normalizeContentType } from './content-type.js'
import { encodeMetadata, type UploadMetadata } from './metadata.js'
import { presignPut } from './presign.js'
import type { UploadContext } from './service-options.js'
import { safeFilename, uploadKeyFor } from './upload-key.js'
import { requireS3, type UploadClient } from './upload-target.js'
import { rejectUpload, validateUpload } from './validate-upload.js'

/** What {@link PresignedUploadService.generateUploadUrl} needs to know about the file to upload. */
export interface UploadUrlRequest {
  /** The file's name as the user has it; kept (made safe) in the record, never in the key. */
  filename: string
  /** Its media type (default: guessed from the name's extension, else `application/octet-stream`). */
  contentType?: string | null
  /** Its exact size in bytes: the URL accepts a body of this length only. */
  size: number
  /** The application's metadata, stored with the object and in the record (names: `a-z`, `0-9`, `-`). */
  metadata?: UploadMetadata | null
  /** Bind the upload to a user: only that user can then confirm it. */
  uploadedBy?: string | null
}

/** A presigned upload: PUT exactly `size` bytes to `url` with `headers` before `expiresAt`. */
export interface PresignedUpload {
  /** The presigned URL. */
  readonly url: string
  /** The object's key, to pass to `confirmUpload` afterwards. */
  readonly key: string
  readonly method: 'PUT'
  /**
   * Headers to send as they are: `Content-Type`, `If-None-Match: *` (the URL works once), the
   * metadata, and `x-amz-acl` (the pinned ACL, `private` by default). Browsers need a bucket CORS
   * rule allowing them.
   */
  readonly headers: Readonly<Record<string, string>>
  /** Lifetime of the URL in seconds. */
  readonly expiresIn: number
  readonly expiresAt: Date
  /** The config's `maxFileSize`. */
  readonly maxSize: number
  /** The only body length the URL accepts. */
  readonly size: number
  readonly contentType: string
  /** The file name as it will be recorded. */
  readonly filename: string
}

/** Normalises an explicit or guessed content type. @throws StorageError `storage.rejected` (rule `contentType`) */
export function resolveContentType(filename: string, contentType: string | null | undefined): string {
  if (contentType === undefined || contentType === null || contentType === '') return guessContentType(filename)
  return (
    normalizeContentType(contentType) ??
    rejectUpload(
      'contentType',
      { filename, contentType },
      `content type ${JSON.stringify(contentType)} is not a media type like "image/png"`,
    )
  )
}

/** {@link PresignedUploadService.generateUploadUrl}'s work; see there. */
export async function generateUploadUrl(context: UploadContext, client: UploadClient, request: UploadUrlRequest): Promise<PresignedUpload> {
  const { s3, bucket } = requireS3(context.target(client), 'presign an upload')
  const { filename, size } = request
  if (size === undefined) {
    rejectUpload('size', { filename }, "declare the file's size: the presigned URL accepts a body of exactly that many bytes")
  }
  const contentType = resolveContentType(filename, request.contentType)
  validateUpload(context.config, { filename, contentType, size })
  const name = safeFilename(filename)
  const now = context.now()
  const key = uploadKeyFor(filename, { prefix: context.config.keyPrefix, now, contentType })
  const metadata = encodeMetadata(name, request.uploadedBy ?? null, request.metadata ?? undefined)
  const expiresIn = context.config.expirationSeconds
  const { url, headers } = await presignPut(s3, bucket, { key, contentType, size, metadata, expiresIn, acl: context.acl })
  return {
    url,
    key,
    method: 'PUT',
    headers,
    expiresIn,
    expiresAt: new Date(now.getTime() + expiresIn * 1000),
    maxSize: context.config.maxFileSize,
    size,
    contentType,
    filename: name,
  }
}
