import { BCRYPT_MAX_PASSWORD_BYTES } from './bcrypt-limits.js'
import { BCRYPT_HASH, checkBcryptCost, DEFAULT_BCRYPT_COST, hashPassword, verifyPassword } from './hash-password.js'
import type { PasswordHasher } from './password-hasher.js'

/** Options of {@link bcryptHasher}. */
export interface BcryptHasherOptions {
  /** Cost factor, 4 to 31 (default 12). Hashes of another cost are rehashed on the next login. */
  cost?: number
}

/**
 * bcrypt through `@node-rs/bcrypt` (native, Node only; loaded on first use). Hashes are `$2b$`
 * with the cost recorded in them; passwords over 72 UTF-8 bytes are refused, never truncated.
 * @throws AuthError `auth.invalidCost` for a cost outside 4..31.
 * @example
 * const auth = new S3AuthService({ store, hasher: bcryptHasher({ cost: 13 }) })
 */
export function bcryptHasher(options: BcryptHasherOptions = {}): PasswordHasher {
  const cost = checkBcryptCost(options.cost ?? DEFAULT_BCRYPT_COST)
  return {
    name: 'bcrypt',
    maxPasswordBytes: BCRYPT_MAX_PASSWORD_BYTES,
    hash: (password) => hashPassword(password, { cost }),
    verify: (password, hash) => verifyPassword(password, hash),
    needsRehash: (hash) => Number(BCRYPT_HASH.exec(hash)?.[1] ?? Number.NaN) !== cost,
  }
}
