import { errorCodesOf, S3verlessError, type S3verlessErrorOptions } from '@s3verless/core'

/**
 * Every error code the auth package throws, with the HTTP status an adapter should answer and
 * what it means: the `auth.*` part of core's `ERROR_CODES`, the one table of codes.
 */
export const AUTH_ERRORS = errorCodesOf('auth')

/** A code of {@link AUTH_ERRORS}. */
export type AuthErrorCode = keyof typeof AUTH_ERRORS

/**
 * An error of the auth package, with a stable `code` from {@link AUTH_ERRORS}. Check it with
 * `isS3verlessError(error, 'auth.expiredToken')` (works across package copies).
 */
export class AuthError extends S3verlessError {
  override readonly name: string = 'AuthError'
  declare readonly code: AuthErrorCode

  constructor(code: AuthErrorCode, message: string, options: S3verlessErrorOptions = {}) {
    super(code, message, options)
  }
}
