import type { Model, Repository, Stored } from '@s3verless/core'
import { isS3verlessError, ValidationError } from '@s3verless/core'
import { AuthError } from '../errors.js'
import { cleanEmail, displayUsername, normalizeEmail, normalizeUsername } from './normalize.js'
import { type CreateUserInput, MANAGED_USER_FIELDS, type UpdateUserInput, type UserOf } from './user-model.js'
import { usernameProblems } from './username-rules.js'

/** A stored user with its etag. */
export type StoredUser<M extends Model> = Stored<UserOf<M>>

const asUser = <M extends Model>(record: unknown): StoredUser<M> => record as StoredUser<M>

/** A new username in its display form, refused with a `model.validation` error naming `username` when it breaks the rules. */
function checkedUsername(model: string, value: unknown): unknown {
  if (typeof value !== 'string') return value
  const problems = usernameProblems(value)
  if (problems.length)
    throw new ValidationError(
      model,
      problems.map((message) => ({ path: ['username'], message })),
    )
  return displayUsername(value)
}

/**
 * The users repository seen through the auth rules: usernames and emails normalised (the unique
 * claims are on the normalised forms), unique violations turned into `auth.userExists`, managed
 * fields kept out of patches. Lookups are O(1): claim GETs and a record GET, never a scan.
 */
export class UserDirectory<M extends Model> {
  constructor(readonly repo: Repository<M>) {}

  /** Creates a user whose password is already hashed. @throws AuthError `auth.userExists`; ValidationError */
  async create(input: Omit<CreateUserInput<M>, 'password'>, hashedPassword: string): Promise<StoredUser<M>> {
    const fields = input as Record<string, unknown>
    for (const managed of MANAGED_USER_FIELDS) {
      if (managed in fields) {
        throw new AuthError('auth.invalidOptions', `createUser: "${managed}" is managed by S3AuthService and cannot be given`)
      }
    }
    const username = checkedUsername(this.repo.model.name, fields.username)
    const email = typeof fields.email === 'string' ? cleanEmail(fields.email) : fields.email
    const record = {
      ...fields,
      username,
      normalizedUsername: typeof username === 'string' ? normalizeUsername(username) : username,
      email,
      normalizedEmail: typeof email === 'string' ? normalizeEmail(email) : email,
      hashedPassword,
      tokenVersion: 0,
    }
    try {
      return asUser<M>(await this.repo.create(record as never))
    } catch (error) {
      throw this.translate(error, record)
    }
  }

  /** The user with this id, or `null` (also for a malformed id). 1 GET. */
  async get(id: string): Promise<StoredUser<M> | null> {
    try {
      return asUser<M>(await this.repo.get(id))
    } catch (error) {
      if (isS3verlessError(error, 'model.invalidId')) return null
      throw error
    }
  }

  /** Like {@link get}, or `auth.userNotFound`. */
  async require(id: string): Promise<StoredUser<M>> {
    const user = await this.get(id)
    if (!user) throw new AuthError('auth.userNotFound', `No user has id ${JSON.stringify(id)}`, { details: { id } })
    return user
  }

  /**
   * O(1): the user whose name is exactly this one (as displayed, after NFC), else the user whose
   * normalised name matches (`ADMIN`, `ａｄｍｉｎ` find `admin`). 2 GETs when typed as registered, 3
   * when typed in another case or width, 2 when nobody has it. The exact lookup first keeps users
   * made before normalisation (whose `normalizedUsername` is still `null`) signing in.
   */
  async byUsername(username: string): Promise<StoredUser<M> | null> {
    if (typeof username !== 'string' || username === '' || username.length > 1024) return null
    const exact = await this.repo.findBy('username' as never, displayUsername(username) as never)
    if (exact) return asUser<M>(exact)
    try {
      return asUser<M>(await this.repo.findBy('normalizedUsername' as never, normalizeUsername(username) as never))
    } catch (error) {
      // A bucket of users made before normalisation, not yet migrated: only exact names are known.
      if (isS3verlessError(error, 'model.indexNotReady')) return null
      throw error
    }
  }

  /** O(1), case-insensitive: the normalised email's claim, then the record. */
  async byEmail(email: string): Promise<StoredUser<M> | null> {
    if (typeof email !== 'string' || email.trim() === '') return null
    return asUser<M>(await this.repo.findBy('normalizedEmail' as never, normalizeEmail(email) as never))
  }

  /**
   * Changes fields of a user, re-reading and retrying on a concurrent write. A new email updates
   * the normalised one (its claim moves with it). `fn` may return managed fields (the service uses
   * this for the password hash and token version).
   * @throws AuthError `auth.userNotFound`, `auth.userExists`; ValidationError
   */
  async update(id: string, fn: (current: StoredUser<M>) => Record<string, unknown>): Promise<StoredUser<M>> {
    let attempted: Record<string, unknown> = {}
    try {
      return asUser<M>(
        await this.repo.update(id, (current) => {
          const patch = { ...fn(asUser<M>(current)) }
          if (typeof patch.username === 'string' && patch.username !== current.username) {
            patch.username = checkedUsername(this.repo.model.name, patch.username)
            patch.normalizedUsername = normalizeUsername(patch.username as string)
          }
          if (typeof patch.email === 'string') {
            patch.email = cleanEmail(patch.email)
            patch.normalizedEmail = normalizeEmail(patch.email as string)
          }
          attempted = patch
          return patch as never
        }),
      )
    } catch (error) {
      if (isS3verlessError(error, 'model.notFound') || isS3verlessError(error, 'model.invalidId')) {
        throw new AuthError('auth.userNotFound', `No user has id ${JSON.stringify(id)}`, { cause: error, details: { id } })
      }
      throw this.translate(error, attempted)
    }
  }

  /** A patch from the application, refused if it touches a managed field. */
  static checkPatch<M extends Model>(patch: UpdateUserInput<M>): Record<string, unknown> {
    const fields = { ...(patch as Record<string, unknown>) }
    for (const managed of [...MANAGED_USER_FIELDS, 'password']) {
      if (managed in fields) {
        const hint = managed === 'password' || managed === 'hashedPassword' ? ' (use changePassword or setPassword)' : ''
        throw new AuthError('auth.invalidOptions', `updateUser: "${managed}" cannot be changed here${hint}`)
      }
    }
    return fields
  }

  /** Deletes a user (its claims go with it). */
  delete(id: string): Promise<boolean> {
    return this.repo.delete(id)
  }

  private translate(error: unknown, record: Record<string, unknown>): unknown {
    if (!isS3verlessError(error, 'model.unique')) return error
    const raw = String(error.details.field)
    const field = raw === 'normalizedEmail' ? 'email' : raw === 'normalizedUsername' ? 'username' : raw
    const value = field === 'email' ? record.email : record[field]
    const what =
      field === 'email'
        ? `Email ${JSON.stringify(value)} is already registered`
        : `${field === 'username' ? 'Username' : `User ${field}`} ${JSON.stringify(value)} is already taken`
    return new AuthError('auth.userExists', what, { cause: error, details: { field, value, inFlight: error.details.inFlight } })
  }
}
