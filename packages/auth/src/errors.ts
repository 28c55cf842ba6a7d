import { S3verlessError, type S3verlessErrorOptions } from '@s3verless/core'

/**
 * Every error code the auth package throws, with the HTTP status an adapter should answer and what
 * it means. The Hono adapter maps through this table.
 */
export const AUTH_ERRORS = {
  'auth.invalidToken': { status: 401, meaning: 'The token is malformed, tampered with, of the wrong kind or unknown.' },
  'auth.expiredToken': { status: 401, meaning: 'The token was valid but has expired.' },
  'auth.revokedToken': { status: 401, meaning: 'The token was revoked (logout, reuse of a rotated refresh token, password change).' },
  'auth.invalidCredentials': { status: 401, meaning: 'The password given to confirm an action is wrong.' },
  'auth.inactiveUser': { status: 403, meaning: 'The user is deactivated.' },
  'auth.userNotFound': { status: 404, meaning: 'No user has that id.' },
  'auth.userExists': { status: 409, meaning: 'The username or email is already registered.' },
  'auth.weakPassword': { status: 422, meaning: 'The password does not meet the password policy.' },
  'auth.passwordTooLong': { status: 422, meaning: 'The password is longer than the hasher can use.' },
  'auth.invalidCost': { status: 500, meaning: 'A bcrypt cost outside 4..31 was configured.' },
  'auth.invalidPolicy': { status: 500, meaning: 'The configured password policy is impossible or malformed.' },
  'auth.invalidOptions': { status: 500, meaning: 'The auth service, a hasher or the rate limiter was configured wrongly.' },
  'auth.rateLimited': { status: 429, meaning: 'Too many requests from this client to this endpoint.' },
} as const satisfies Record<string, { status: number; meaning: string }>

/** A code of {@link AUTH_ERRORS}. */
export type AuthErrorCode = keyof typeof AUTH_ERRORS

/**
 * An error of the auth package, with a stable `code` from {@link AUTH_ERRORS}. Check it with
 * `isS3verlessError(error, 'auth.expiredToken')` (works across package copies).
 */
export class AuthError extends S3verlessError {
  declare readonly code: AuthErrorCode

  constructor(code: AuthErrorCode, message: string, options: S3verlessErrorOptions = {}) {
    super(code, message, options)
  }
}
