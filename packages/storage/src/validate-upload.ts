import { contentTypeEssence, normalizeContentType } from './content-type.js'
import { StorageError } from './errors.js'
import type { UploadConfigFields } from './upload-config.js'
import { sanitizeFilename } from './upload-key.js'
import { DELETED_UPLOAD_TYPE } from './upload-tombstone.js'

/** What a client says about the file it wants to upload. */
export interface UploadRequest {
  filename: string
  /** Media type, optionally with parameters (`text/plain; charset=utf-8`). */
  contentType: string
  /** Size in bytes. */
  size: number
}

/** The rule an upload broke, as found in `details.rule` of a `storage.rejected` error. */
export type UploadRule = 'filename' | 'size' | 'contentType' | 'metadata'

/** `12582912 bytes (12 MiB)`: exact, with a readable size beside it. */
export const formatBytes = (bytes: number): string => {
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = -1
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  const readable = unit < 0 ? '' : ` (${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]})`
  return `${bytes} bytes${readable}`
}

/** Throws the `storage.rejected` error for an upload that broke `rule`. */
export const rejectUpload = (rule: UploadRule, request: Partial<UploadRequest>, message: string): never => {
  throw new StorageError('storage.rejected', `Upload ${JSON.stringify(request.filename)} rejected: ${message}`, {
    details: { rule, filename: request.filename, contentType: request.contentType, size: request.size },
  })
}

/** True when `contentType` (parameters ignored, any case) is one of `allowed`, or of an allowed `type/*` family. */
export function contentTypeAllowed(allowed: readonly string[], contentType: string): boolean {
  if (allowed.length === 0) return true
  const essence = contentTypeEssence(contentType)
  const family = `${essence.split('/')[0]}/*`
  return allowed.includes(essence) || (essence.includes('/') && allowed.includes(family))
}

const HOSTILE = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u

/**
 * Refuses a file name that is empty, has nothing usable left once made safe (`'..'`, `'/'`),
 * climbs folders (a `..` segment), or holds control or bidirectional-override characters (which
 * disguise names: `invoice\u202Efdp.exe`). Other names are accepted and made safe by `safeFilename`
 * (a Windows path keeps its last segment, `<>:"|?*` become `_`).
 * @throws StorageError `storage.rejected` with rule `'filename'`
 */
export function checkFilename(filename: unknown): void {
  const request = { filename: filename as string }
  if (typeof filename !== 'string' || filename.trim() === '') rejectUpload('filename', request, 'the filename is empty')
  const name = filename as string
  if (HOSTILE.test(name)) rejectUpload('filename', request, 'the filename holds control or bidirectional-override characters')
  if (name.split(/[/\\]/).some((segment) => segment.trim() === '..'))
    rejectUpload('filename', request, 'the filename climbs folders ("..")')
  if (sanitizeFilename(name) === '') rejectUpload('filename', request, 'nothing usable is left of the filename once made safe')
}

/** Checks a size against the limit. @throws StorageError `storage.rejected` with rule `'size'` */
export function checkUploadSize(config: UploadConfigFields, request: Partial<UploadRequest> & { size: number }): void {
  const { size } = request
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    rejectUpload('size', request, `the size must be a whole number of bytes, got ${String(size)}`)
  }
  if (size > config.maxFileSize) {
    rejectUpload('size', request, `the file is ${formatBytes(size)}; the limit is ${formatBytes(config.maxFileSize)}`)
  }
}

/**
 * Checks a proposed upload against a config before any URL is signed or byte stored. Rules, checked
 * in this order: the filename is usable (see {@link checkFilename}); the size is a whole number of bytes, at most
 * `maxFileSize`; the content type is a well-formed media type and allowed (when
 * `allowedContentTypes` is not empty; parameters such as `; charset=utf-8` and letter case are
 * ignored, and `image/*` entries admit every image type).
 * @throws StorageError `storage.rejected` whose message says which rule failed and
 * `details.rule` names it (`'filename'`, `'size'` or `'contentType'`).
 * @example
 * validateUpload(config, { filename: 'cat.png', contentType: 'image/png', size: 52_000 })
 */
export function validateUpload(config: UploadConfigFields, request: UploadRequest): void {
  const { contentType } = request
  checkFilename(request.filename)
  checkUploadSize(config, request)
  if (normalizeContentType(contentType) === undefined) {
    rejectUpload('contentType', request, `content type ${JSON.stringify(contentType)} is not a media type like "image/png"`)
  }
  if (contentTypeEssence(contentType) === DELETED_UPLOAD_TYPE) {
    rejectUpload('contentType', request, `content type ${DELETED_UPLOAD_TYPE} is reserved for the marker of deleted uploads`)
  }
  if (!contentTypeAllowed(config.allowedContentTypes, contentType)) {
    rejectUpload(
      'contentType',
      request,
      `content type ${JSON.stringify(contentType)} is not allowed; allowed: ${config.allowedContentTypes.join(', ')}`,
    )
  }
}
