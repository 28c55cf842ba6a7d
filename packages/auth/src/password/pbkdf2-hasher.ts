import { constantTimeEqual, encodeUtf8, fromBase64, randomBytes, toBase64 } from '../encoding.js'
import { AuthError } from '../errors.js'
import type { PasswordHasher } from './password-hasher.js'

/** Digests {@link pbkdf2Hasher} supports. */
export type Pbkdf2Digest = 'SHA-256' | 'SHA-512'

/** Options of {@link pbkdf2Hasher}. */
export interface Pbkdf2HasherOptions {
  /**
   * PBKDF2 iterations (default 600,000 for SHA-256 and 210,000 for SHA-512, OWASP's 2023 advice).
   * Cloudflare Workers refuse more than 100,000: pass `iterations: 100_000` there.
   * Hashes with another count are rehashed on the next login.
   */
  iterations?: number
  /** HMAC digest (default `'SHA-256'`). */
  digest?: Pbkdf2Digest
  /** Salt length in bytes (default 16). */
  saltBytes?: number
}

/** Longest password the PBKDF2 hasher accepts, in UTF-8 bytes (a bound against abuse, not a scheme limit). */
export const PBKDF2_MAX_PASSWORD_BYTES = 1024
const MAX_ITERATIONS = 10_000_000
/** `$pbkdf2-sha256$i=600000$<salt>$<hash>`, salt and hash in base64 without padding. */
const FORMAT = /^\$pbkdf2-(sha256|sha512)\$i=(\d{1,8})\$([A-Za-z0-9+/]{16,88})\$([A-Za-z0-9+/]{43,86})$/

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number, digest: Pbkdf2Digest): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', encodeUtf8(password), 'PBKDF2', false, ['deriveBits'])
  const bits = digest === 'SHA-256' ? 256 : 512
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: digest, salt, iterations }, key, bits))
}

/**
 * PBKDF2-HMAC through Web Crypto, for edge runtimes where native bcrypt is unavailable (works on
 * Node too). Hashes are self-describing — `$pbkdf2-sha256$i=600000$<salt>$<hash>` (base64 without
 * padding) — so the iteration count can be raised later; comparison is constant-time.
 * @throws AuthError `auth.invalidOptions` for an iteration count or salt length out of range.
 * @example
 * const auth = new S3AuthService({ store, hasher: pbkdf2Hasher({ iterations: 100_000 }) }) // Cloudflare Workers
 */
export function pbkdf2Hasher(options: Pbkdf2HasherOptions = {}): PasswordHasher {
  const digest = options.digest ?? 'SHA-256'
  if (digest !== 'SHA-256' && digest !== 'SHA-512') {
    throw new AuthError('auth.invalidOptions', `pbkdf2Hasher digest must be SHA-256 or SHA-512, got ${String(digest)}`)
  }
  const iterations = options.iterations ?? (digest === 'SHA-256' ? 600_000 : 210_000)
  const saltBytes = options.saltBytes ?? 16
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) {
    throw new AuthError('auth.invalidOptions', `pbkdf2Hasher iterations must be an integer from 1 to ${MAX_ITERATIONS}, got ${iterations}`)
  }
  if (!Number.isInteger(saltBytes) || saltBytes < 16 || saltBytes > 64) {
    throw new AuthError('auth.invalidOptions', `pbkdf2Hasher saltBytes must be an integer from 16 to 64, got ${saltBytes}`)
  }
  const tag = digest === 'SHA-256' ? 'sha256' : 'sha512'
  const parse = (hash: string) => {
    const match = typeof hash === 'string' ? FORMAT.exec(hash) : null
    if (!match) return undefined
    const rounds = Number(match[2])
    const salt = fromBase64(match[3]!)
    const expected = fromBase64(match[4]!)
    const hashDigest: Pbkdf2Digest = match[1] === 'sha256' ? 'SHA-256' : 'SHA-512'
    if (!salt || !expected || rounds < 1 || rounds > MAX_ITERATIONS) return undefined
    if (expected.length !== (hashDigest === 'SHA-256' ? 32 : 64)) return undefined
    return { digest: hashDigest, iterations: rounds, salt, expected }
  }
  return {
    name: `pbkdf2-${tag}`,
    maxPasswordBytes: PBKDF2_MAX_PASSWORD_BYTES,
    async hash(password) {
      const bytes = encodeUtf8(password).length
      if (bytes > PBKDF2_MAX_PASSWORD_BYTES) {
        throw new AuthError(
          'auth.passwordTooLong',
          `Password is ${bytes} UTF-8 bytes long; at most ${PBKDF2_MAX_PASSWORD_BYTES} are accepted`,
          {
            details: { bytes, limit: PBKDF2_MAX_PASSWORD_BYTES },
          },
        )
      }
      const salt = randomBytes(saltBytes)
      return `$pbkdf2-${tag}$i=${iterations}$${toBase64(salt)}$${toBase64(await derive(password, salt, iterations, digest))}`
    },
    async verify(password, hash) {
      const parsed = parse(hash)
      if (!parsed || typeof password !== 'string' || encodeUtf8(password).length > PBKDF2_MAX_PASSWORD_BYTES) return false
      try {
        return constantTimeEqual(await derive(password, parsed.salt, parsed.iterations, parsed.digest), parsed.expected)
      } catch {
        return false
      }
    },
    needsRehash(hash) {
      const parsed = parse(hash)
      return !parsed || parsed.digest !== digest || parsed.iterations !== iterations
    },
  }
}
