import type { Model } from '@s3verless/core'
import { AuthError } from '../errors.js'
import type { PasswordHasher } from '../password/password-hasher.js'
import { checkPassword, type PasswordPolicy } from '../password/password-policy.js'
import type { StoredUser, UserDirectory } from './user-directory.js'

/**
 * Password checks against stored users, with the same work for every failure: a wrong password,
 * an unknown username and a deactivated user each cost exactly one hash verification (an unknown
 * name is checked against a dummy hash made once with the same hasher), so response times do not
 * reveal which usernames exist. A password that verifies but was hashed with other parameters is
 * rehashed on the spot.
 */
export class Credentials<M extends Model> {
  private dummyHash: Promise<string> | undefined

  constructor(
    private readonly directory: UserDirectory<M>,
    private readonly hasher: PasswordHasher,
    private readonly policy: Readonly<PasswordPolicy>,
  ) {}

  /** The active user with this username and password, or `null`. 2 GETs (+1 GET and 1 PUT for a rehash). */
  async authenticate(username: string, password: string): Promise<StoredUser<M> | null> {
    const user = typeof password === 'string' ? await this.directory.byUsername(username) : null
    if (!user) {
      await this.hasher.verify(String(password), await this.dummy())
      return null
    }
    if (!(await this.hasher.verify(password, user.hashedPassword)) || !user.isActive) return null
    if (!this.hasher.needsRehash(user.hashedPassword)) return user
    const rehashed = await this.hasher.hash(password)
    try {
      return await this.directory.update(user.id, (current) =>
        current.hashedPassword === user.hashedPassword ? { hashedPassword: rehashed } : {},
      )
    } catch {
      return user // a rehash is an improvement, never a reason to refuse a login
    }
  }

  /** Whether a password matches a user's hash (one verification). */
  matches(user: StoredUser<M>, password: string): Promise<boolean> {
    return this.hasher.verify(password, user.hashedPassword)
  }

  /** The hash of a new password that meets the policy. @throws AuthError `auth.weakPassword` (details.problems) */
  async hashNew(password: unknown): Promise<string> {
    if (typeof password !== 'string') throw new AuthError('auth.weakPassword', 'Password must be a string', { details: { problems: [] } })
    const check = checkPassword(password, this.policy)
    if (!check.valid) throw new AuthError('auth.weakPassword', check.message, { details: { problems: check.problems } })
    return this.hasher.hash(password)
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= this.hasher.hash('dummy password for unknown users 1')
    return this.dummyHash
  }
}
