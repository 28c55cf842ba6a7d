import { encodeUtf8, randomBytes, sha256Hex, toBase64Url } from '../encoding.js'
import { AuthError } from '../errors.js'

/** Random bytes in a refresh token (256 bits). */
export const REFRESH_TOKEN_BYTES = 32
const FORMAT = /^[A-Za-z0-9_-]{43}$/

/** A new opaque refresh token: 256 random bits, base64url (43 characters). */
export const newRefreshToken = (): string => toBase64Url(randomBytes(REFRESH_TOKEN_BYTES))

/** True when a string has the shape of a refresh token S3verless issues (no request made). */
export const isRefreshTokenShaped = (token: unknown): token is string => typeof token === 'string' && FORMAT.test(token)

/**
 * The SHA-256 (hex) under which a refresh token is stored. A string that cannot be one of ours is
 * refused before any request.
 * @throws AuthError `auth.invalidToken`
 */
export async function refreshTokenHash(token: string): Promise<string> {
  if (!isRefreshTokenShaped(token)) {
    throw new AuthError('auth.invalidToken', 'Refresh token is invalid: not a refresh token issued by S3verless', {
      details: { reason: 'malformed' },
    })
  }
  return sha256Hex(token)
}

const hmacKeys = new WeakMap<Uint8Array, Promise<CryptoKey>>()

async function hmac(secret: Uint8Array<ArrayBuffer>, label: string, text: string): Promise<Uint8Array> {
  let key = hmacKeys.get(secret)
  if (!key) {
    key = crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    hmacKeys.set(secret, key)
  }
  return new Uint8Array(await crypto.subtle.sign('HMAC', await key, encodeUtf8(`s3verless/${label}\n${text}`)))
}

/**
 * The refresh token that replaces `token` when it is rotated: HMAC-SHA256 of it under the signing
 * secret (256 bits, base64url). Derived rather than drawn, so every refresh of one token — two tabs
 * a moment apart, a retried request, both sides of a race — arrives at the same successor without
 * the successor ever being stored. Unguessable without both the token and the secret.
 */
export async function successorToken(token: string, secret: Uint8Array<ArrayBuffer>): Promise<string> {
  return toBase64Url(await hmac(secret, 'refresh-successor', token))
}

/** The `jti` of the access token issued with a rotated refresh token (128 bits derived from it), so a repeated refresh answers the same access token too. */
export async function rotationJti(refreshToken: string, secret: Uint8Array<ArrayBuffer>): Promise<string> {
  return toBase64Url((await hmac(secret, 'rotation-jti', refreshToken)).slice(0, 16))
}
