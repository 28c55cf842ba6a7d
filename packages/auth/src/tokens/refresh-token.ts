import { randomBytes, sha256Hex, toBase64Url } from '../encoding.js'
import { AuthError } from '../errors.js'

/** Random bytes in a refresh token (256 bits). */
export const REFRESH_TOKEN_BYTES = 32
const FORMAT = /^[A-Za-z0-9_-]{43}$/

/** A new opaque refresh token: 256 random bits, base64url (43 characters). */
export const newRefreshToken = (): string => toBase64Url(randomBytes(REFRESH_TOKEN_BYTES))

/**
 * The SHA-256 (hex) under which a refresh token is stored. A string that cannot be one of ours is
 * refused before any request.
 * @throws AuthError `auth.invalidToken`
 */
export async function refreshTokenHash(token: string): Promise<string> {
  if (typeof token !== 'string' || !FORMAT.test(token)) {
    throw new AuthError('auth.invalidToken', 'Refresh token is invalid: not a refresh token issued by S3verless', {
      details: { reason: 'malformed' },
    })
  }
  return sha256Hex(token)
}
