import { AuthError } from '../errors.js'
import type { BcryptModule } from './bcrypt-module.js'

/**
 * Node's `#bcrypt`: the native `@node-rs/bcrypt` (an optional peer dependency), loaded on first use.
 * Chosen through the `node` condition of the package's `imports`, so no Workers-style bundle ever
 * reaches for it. Missing, it fails saying what to install or use instead.
 */
export const loadBcrypt = (): Promise<BcryptModule> =>
  import('@node-rs/bcrypt').catch((error: unknown) => {
    throw new AuthError(
      'auth.invalidOptions',
      'bcrypt hashing needs the optional peer dependency @node-rs/bcrypt (npm i @node-rs/bcrypt), or give the auth service hasher: pbkdf2Hasher()',
      { cause: error },
    )
  })
