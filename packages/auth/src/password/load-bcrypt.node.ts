import type { BcryptModule } from './bcrypt-module.js'

/**
 * Node's `#bcrypt`: the native `@node-rs/bcrypt` (an optional peer dependency), loaded on first use.
 * Chosen through the `node` condition of the package's `imports`, so no Workers-style bundle ever
 * reaches for it.
 */
export const loadBcrypt = (): Promise<BcryptModule> => import('@node-rs/bcrypt')
