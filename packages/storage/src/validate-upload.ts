import { S3verlessError } from '@s3verless/core'
import type { UploadConfig } from './upload-config.js'

/** What a client says about the file it wants to upload. */
export interface UploadRequest {
  filename: string
  /** Media type, optionally with parameters (`text/plain; charset=utf-8`). */
  contentType: string
  /** Size in bytes. */
  size: number
}

/** The rule an upload broke, as found in `details.rule` of an `upload.rejected` error. */
export type UploadRule = 'filename' | 'size' | 'contentType'

/** `12582912 bytes (12 MiB)`: exact, with a readable size beside it. */
const formatBytes = (bytes: number): string => {
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

const reject = (rule: UploadRule, request: UploadRequest, message: string): never => {
  throw new S3verlessError('upload.rejected', `Upload ${JSON.stringify(request.filename)} rejected: ${message}`, {
    details: { rule, filename: request.filename, contentType: request.contentType, size: request.size },
  })
}

/** True when `contentType` (parameters ignored, any case) is one of `allowed`, or of an allowed `type/*` family. */
function contentTypeAllowed(allowed: readonly string[], contentType: string): boolean {
  if (allowed.length === 0) return true
  const essence = (contentType.split(';')[0] ?? '').trim().toLowerCase()
  const family = `${essence.split('/')[0]}/*`
  return allowed.includes(essence) || (essence.includes('/') && allowed.includes(family))
}

/**
 * Checks a proposed upload against a config before any URL is signed. Rules, checked in this
 * order: the filename is not empty; the size is a whole number of bytes, at most `maxFileSize`;
 * the content type is allowed (when `allowedContentTypes` is not empty; parameters such as
 * `; charset=utf-8` and letter case are ignored, and `image/*` entries admit every image type).
 * @throws S3verlessError `upload.rejected` whose message says which rule failed and
 * `details.rule` names it (`'filename'`, `'size'` or `'contentType'`).
 * @example
 * validateUpload(config, { filename: 'cat.png', contentType: 'image/png', size: 52_000 })
 */
export function validateUpload(config: UploadConfig, request: UploadRequest): void {
  const { filename, contentType, size } = request
  if (typeof filename !== 'string' || filename.trim() === '') reject('filename', request, 'the filename is empty')
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    reject('size', request, `the size must be a whole number of bytes, got ${String(size)}`)
  }
  if (size > config.maxFileSize) {
    reject('size', request, `the file is ${formatBytes(size)}; the limit is ${formatBytes(config.maxFileSize)}`)
  }
  if (typeof contentType !== 'string' || !contentTypeAllowed(config.allowedContentTypes, contentType)) {
    reject(
      'contentType',
      request,
      `content type ${JSON.stringify(contentType)} is not allowed; allowed: ${config.allowedContentTypes.join(', ')}`,
    )
  }
}
