import { S3verlessError, type S3verlessErrorOptions } from '@s3verless/core'

/**
 * Every error code the storage package throws, with the HTTP status an adapter should answer and
 * what it means. The Hono adapter maps errors through this table.
 */
export const STORAGE_ERRORS = {
  'storage.invalidConfig': { status: 500, meaning: 'The upload config or the upload service was configured wrongly.' },
  'storage.rejected': {
    status: 422,
    meaning:
      'The upload breaks a rule (`details.rule`: filename, size, contentType or metadata) and was refused before anything was stored.',
  },
  'storage.invalidKey': { status: 400, meaning: 'The key is not an upload key of this service (outside the upload prefix, or malformed).' },
  'storage.mismatch': {
    status: 422,
    meaning: 'The stored object does not match the upload rules (its type or size), so it was not confirmed.',
  },
  'storage.expired': { status: 410, meaning: 'The upload is older than the confirmation window; it will be removed by the cleanup.' },
  'storage.forbidden': { status: 403, meaning: 'The upload was bound to, or confirmed by, another user.' },
  'storage.presignUnsupported': {
    status: 501,
    meaning: 'Presigned URLs need S3 (an S3Client or S3ClientManager); the memory and file-system stores cannot sign them.',
  },
} as const satisfies Record<string, { status: number; meaning: string }>

/** A code of {@link STORAGE_ERRORS}. */
export type StorageErrorCode = keyof typeof STORAGE_ERRORS

/**
 * An error of the storage package, with a stable `code` from {@link STORAGE_ERRORS}. Check it with
 * `isS3verlessError(error, 'storage.rejected')` (works across package copies).
 */
export class StorageError extends S3verlessError {
  declare readonly code: StorageErrorCode

  constructor(code: StorageErrorCode, message: string, options: S3verlessErrorOptions = {}) {
    super(code, message, options)
  }
}
