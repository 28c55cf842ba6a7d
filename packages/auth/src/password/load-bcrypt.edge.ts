import { AuthError } from '../errors.js'
import type { BcryptModule } from './bcrypt-module.js'

/**
 * `#bcrypt` everywhere but Node (workerd, Vercel Edge, Deno, browsers): native bcrypt cannot run
 * there, so a bcrypt hash or verify fails saying what to use instead.
 */
export const loadBcrypt = (): Promise<BcryptModule> =>
  Promise.reject(
    new AuthError(
      'auth.invalidOptions',
      'bcrypt needs Node (native @node-rs/bcrypt): on this runtime give the auth service hasher: pbkdf2Hasher() (Web Crypto)',
    ),
  )
