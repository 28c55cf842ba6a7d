// #bcrypt is @node-rs/bcrypt on Node and a clear refusal elsewhere (package.json `imports`).
import { loadBcrypt } from '#bcrypt'
import { AuthError } from '../errors.js'
import { BCRYPT_MAX_COST, BCRYPT_MAX_PASSWORD_BYTES, BCRYPT_MIN_COST, utf8Bytes } from './bcrypt-limits.js'

/** Options for {@link hashPassword}. */
export interface HashPasswordOptions {
  /**
   * bcrypt cost factor: each step doubles the work (default 12, about a quarter of a second on a
   * current server core). Must be an integer from 4 to 31.
   */
  cost?: number
}

/** Default bcrypt cost factor of {@link hashPassword}. */
export const DEFAULT_BCRYPT_COST = 12

/** A bcrypt hash in modular crypt format: `$2b$12$` followed by 22 salt and 31 hash characters. */
export const BCRYPT_HASH = /^\$2[abxy]?\$(\d{2})\$[./A-Za-z0-9]{53}$/

/** Checks a bcrypt cost factor. @throws AuthError `auth.invalidCost` */
export function checkBcryptCost(cost: number): number {
  if (!Number.isInteger(cost) || cost < BCRYPT_MIN_COST || cost > BCRYPT_MAX_COST) {
    throw new AuthError('auth.invalidCost', `bcrypt cost must be an integer from ${BCRYPT_MIN_COST} to ${BCRYPT_MAX_COST}, got ${cost}`, {
      details: { cost },
    })
  }
  return cost
}

/**
 * Hashes a password with bcrypt and a fresh random salt, so hashing the same password twice gives
 * two different hashes (both verify). The cost factor is recorded in the hash, so raising the
 * default later keeps old hashes verifiable.
 *
 * bcrypt only looks at the first 72 UTF-8 bytes of a password; rather than silently ignoring the
 * rest (which would let any password sharing those 72 bytes log in), longer passwords are refused.
 * Check a password with `validatePassword` first to give the user a friendly message.
 *
 * Node only (native bcrypt, loaded on first use).
 * @throws AuthError `auth.passwordTooLong` when the password is longer than 72 UTF-8 bytes.
 * @throws AuthError `auth.invalidCost` when `cost` is not an integer from 4 to 31.
 * @example
 * const passwordHash = await hashPassword('correct horse 1')   // "$2b$12$…"
 * await verifyPassword('correct horse 1', passwordHash)        // true
 */
export async function hashPassword(password: string, options: HashPasswordOptions = {}): Promise<string> {
  const cost = checkBcryptCost(options.cost ?? DEFAULT_BCRYPT_COST)
  const bytes = utf8Bytes(password)
  if (bytes > BCRYPT_MAX_PASSWORD_BYTES) {
    throw new AuthError(
      'auth.passwordTooLong',
      `Password is ${bytes} UTF-8 bytes long; bcrypt uses at most ${BCRYPT_MAX_PASSWORD_BYTES}, so it is refused rather than truncated`,
      { details: { bytes, limit: BCRYPT_MAX_PASSWORD_BYTES } },
    )
  }
  return (await loadBcrypt()).hash(password, cost)
}

/**
 * Checks a password against a bcrypt hash (`$2a$`, `$2b$`, `$2x$` or `$2y$`). A malformed or empty
 * hash, or a password longer than bcrypt's 72-byte limit (which {@link hashPassword} never
 * accepts), simply does not match.
 * @throws AuthError `auth.invalidOptions` on a runtime without native bcrypt (edge runtimes).
 * @example
 * if (!(await verifyPassword(form.password, user.hashedPassword))) return unauthorized()
 */
export async function verifyPassword(plain: string, hashed: string): Promise<boolean> {
  if (typeof plain !== 'string' || typeof hashed !== 'string' || !BCRYPT_HASH.test(hashed)) return false
  if (utf8Bytes(plain) > BCRYPT_MAX_PASSWORD_BYTES) return false
  const bcrypt = await loadBcrypt() // no bcrypt on this runtime is an error, not a wrong password
  try {
    return await bcrypt.verify(plain, hashed)
  } catch {
    return false
  }
}
