import { errorCodesOf, S3verlessError, type S3verlessErrorOptions } from '@s3verless/core'

/**
 * Every error code the storage package throws, with the HTTP status an adapter should answer and
 * what it means: the `storage.*` part of core's `ERROR_CODES`, the one table of codes.
 */
export const STORAGE_ERRORS = errorCodesOf('storage')

/** A code of {@link STORAGE_ERRORS}. */
export type StorageErrorCode = keyof typeof STORAGE_ERRORS

/**
 * An error of the storage package, with a stable `code` from {@link STORAGE_ERRORS}. Check it with
 * `isS3verlessError(error, 'storage.rejected')` (works across package copies).
 */
export class StorageError extends S3verlessError {
  override readonly name: string = 'StorageError'
  declare readonly code: StorageErrorCode

  constructor(code: StorageErrorCode, message: string, options: S3verlessErrorOptions = {}) {
    super(code, message, options)
  }
}
