import {
  type Database,
  isS3verlessError,
  loadSettings,
  type Model,
  type ObjectStore,
  type Repository,
  type S3verlessSettings,
} from '@s3verless/core'
import { TokenBlacklist } from '../blacklist/token-blacklist.js'
import { AuthError } from '../errors.js'
import { bcryptHasher } from '../password/bcrypt-hasher.js'
import type { PasswordHasher } from '../password/password-hasher.js'
import { type PasswordPolicy, validatePassword } from '../password/password-policy.js'
import { type AccessTokenClaims, AccessTokens } from '../tokens/access-tokens.js'
import { AuthKeys } from '../tokens/auth-keys.js'
import { type Session, type SessionContext, Sessions } from '../tokens/sessions.js'
import { cleanupTokens, type TokenCleanupReport } from '../tokens/token-cleanup.js'
import { resolveTokenConfig, type TokenConfig } from '../tokens/token-config.js'
import { Credentials } from '../users/credentials.js'
import { normalizeUsername } from '../users/normalize.js'
import { type StoredUser, UserDirectory } from '../users/user-directory.js'
import type { CreateUserInput, DefaultUserModel, UpdateUserInput, UserOf } from '../users/user-model.js'
import type { S3AuthServiceOptions, TokenPair } from './auth-options.js'
import { resolveDatabase, resolvePolicyFor, resolveUserModel } from './resolve-options.js'

const revoked = (message: string, reason: string) => new AuthError('auth.revokedToken', message, { details: { reason } })

/**
 * Users, passwords and tokens, all stored in the bucket, every request path O(1) in the number of
 * users and tokens (the spec's `S3AuthService`). Users are a model under the reserved `users`
 * plural with usernames and emails unique in their normalised forms (`Admin` and `admin` are one
 * name; claims: concurrent registrations of one name give exactly one user). Access tokens are
 * short-lived JWTs that stop working as soon as their session ends; refresh tokens are opaque,
 * rotated on every use with compare-and-swap, and reusing a rotated one after the short reuse
 * interval revokes its session.
 * @example
 * const auth = new S3AuthService({ store: memoryStore(), secretKey: 'a-random-string-of-at-least-32-chars!' })
 * await auth.createUser({ username: 'alice', email: 'alice@example.com', password: 'correct-horse-7' })
 * const user = await auth.authenticateUser('alice', 'correct-horse-7')      // null when wrong
 * const tokens = await auth.createTokenPair(user!, { ipAddress: '203.0.113.9' })
 * const me = await auth.getCurrentUser(tokens.accessToken)
 * const next = await auth.refreshAccessToken(tokens.refreshToken)           // the old refresh token is now spent
 */
export class S3AuthService<M extends Model = DefaultUserModel> {
  readonly settings: S3verlessSettings
  readonly userModel: M
  readonly database: Database
  /** The users repository (for queries and admin tools; prefer the service's methods for writes). */
  readonly users: Repository<M>
  readonly store: ObjectStore
  /** The access-token blacklist, or `undefined` when disabled. */
  readonly blacklist: TokenBlacklist | undefined
  readonly hasher: PasswordHasher
  readonly passwordPolicy: Readonly<PasswordPolicy>
  private readonly config: TokenConfig
  private readonly directory: UserDirectory<M>
  private readonly tokens: AccessTokens
  private readonly sessions: Sessions
  private readonly keys: AuthKeys
  private readonly now: () => Date
  private readonly credentials: Credentials<M>

  /**
   * @throws AuthError `auth.invalidOptions` (not a user model), `auth.invalidPolicy` (a policy
   * allowing longer passwords than the hasher can use); SettingsError for a bad `ALGORITHM`, or no
   * bucket when no store or database is given; ModelDefinitionError when `database` lacks `userModel`.
   */
  constructor(options: S3AuthServiceOptions<M> = {}) {
    this.settings = options.settings ?? loadSettings()
    this.userModel = resolveUserModel(options)
    this.now = options.now ?? (() => new Date())
    this.database = resolveDatabase(options as S3AuthServiceOptions<Model>, this.settings, this.userModel)
    this.store = this.database.store
    this.users = this.database.repository(this.userModel)
    this.directory = new UserDirectory(this.users)
    this.hasher = options.hasher ?? bcryptHasher()
    this.passwordPolicy = resolvePolicyFor(this.hasher, options.passwordPolicy)
    this.credentials = new Credentials(this.directory, this.hasher, this.passwordPolicy)
    this.config = resolveTokenConfig(this.settings, options)
    this.keys = new AuthKeys(this.database.basePath)
    this.tokens = new AccessTokens(this.config, this.now)
    this.sessions = new Sessions(this.store, this.keys, this.config, this.now)
    this.blacklist =
      options.blacklist === false
        ? undefined
        : (options.blacklist ?? new TokenBlacklist({ store: this.store, basePath: this.database.basePath, now: this.now }))
  }

  // ─── Users ──────────────────────────────────────────────────────────────────────────────

  /**
   * Registers a user: checks the password against the policy, hashes it, and creates the record
   * (1 + 2 PUTs: the username and email claims, then the record).
   * @throws AuthError `auth.weakPassword` (details.problems lists each rule), `auth.userExists`
   * (details.field is `username` or `email`); ValidationError for a malformed username or email.
   */
  async createUser(input: CreateUserInput<M>): Promise<StoredUser<M>> {
    const { password, ...fields } = input as CreateUserInput<M> & Record<string, unknown>
    return this.directory.create(fields as never, await this.credentials.hashNew(password))
  }

  /** The user with this id, or `null`. 1 GET. */
  getUser(id: string): Promise<StoredUser<M> | null> {
    return this.directory.get(id)
  }

  /**
   * The user with this username, compared in normalised form (`ADMIN` and fullwidth `ａｄｍｉｎ` find
   * `admin`), or `null`: 2 GETs (claim + record) when typed as registered, 3 otherwise, never a scan.
   */
  getUserByUsername(username: string): Promise<StoredUser<M> | null> {
    return this.directory.byUsername(username)
  }

  /** The user with this email, ignoring case and surrounding spaces, or `null`: 2 GETs, never a scan. */
  getUserByEmail(email: string): Promise<StoredUser<M> | null> {
    return this.directory.byEmail(email)
  }

  /**
   * The user when the password is right and the user active; otherwise `null` — for a wrong
   * password, an unknown username and a deactivated user alike, each costing one password check
   * (an unknown name is checked against a dummy hash), so timing does not tell them apart. When
   * the hasher's parameters changed since the password was hashed, it is rehashed (+1 GET, 1 PUT).
   * Requests: 2 GETs.
   */
  authenticateUser(username: string, password: string): Promise<StoredUser<M> | null> {
    return this.credentials.authenticate(username, password)
  }

  /**
   * Changes a user's fields (profile, email, username, roles, flags), re-reading and retrying if
   * another write lands first. A new email or username moves its unique claim.
   * @throws AuthError `auth.userNotFound`, `auth.userExists`, `auth.invalidOptions` (a password or managed field in the patch); ValidationError
   */
  async updateUser(id: string, patch: UpdateUserInput<M>): Promise<StoredUser<M>> {
    const fields = UserDirectory.checkPatch(patch)
    return this.directory.update(id, () => fields)
  }

  /**
   * Changes a password after checking the current one, and revokes every token of the user (all
   * sessions end; access tokens already issued stop working in `getCurrentUser`).
   * @throws AuthError `auth.invalidCredentials`, `auth.weakPassword`, `auth.userNotFound`
   */
  async changePassword(userId: string, currentPassword: string, newPassword: string): Promise<StoredUser<M>> {
    const user = await this.directory.require(userId)
    if (!(await this.credentials.matches(user, currentPassword))) {
      throw new AuthError('auth.invalidCredentials', 'Current password is wrong', { details: { userId } })
    }
    return this.setPassword(userId, newPassword)
  }

  /**
   * Sets a password without the current one (administration, password reset flows) and revokes
   * every token of the user. @throws AuthError `auth.weakPassword`, `auth.userNotFound`
   */
  async setPassword(userId: string, newPassword: string): Promise<StoredUser<M>> {
    const hashed = await this.credentials.hashNew(newPassword)
    const user = await this.directory.update(userId, (current) => ({ hashedPassword: hashed, tokenVersion: current.tokenVersion + 1 }))
    await this.sessions.revokeAll(userId, 'passwordChange')
    return user
  }

  /** Deactivates a user: logins fail and every token stops working, also after a later reactivation. @throws AuthError `auth.userNotFound` */
  async deactivateUser(userId: string): Promise<StoredUser<M>> {
    const user = await this.directory.update(userId, (current) => ({ isActive: false, tokenVersion: current.tokenVersion + 1 }))
    await this.sessions.revokeAll(userId, 'deactivated')
    return user
  }

  /** Reactivates a user (old tokens stay revoked). @throws AuthError `auth.userNotFound` */
  activateUser(userId: string): Promise<StoredUser<M>> {
    return this.directory.update(userId, () => ({ isActive: true }))
  }

  /** Deletes a user after ending its sessions; its tokens stop working. False when there was no such user. */
  async deleteUser(userId: string): Promise<boolean> {
    if (!(await this.directory.get(userId))) return false
    await this.sessions.revokeAll(userId, 'userDeleted')
    return this.directory.delete(userId)
  }

  /**
   * Brings users made before usernames were normalised up to date, once after upgrading: rebuilds
   * the users' claims (`reindex`, which makes the `normalizedUsername` claim ready), then gives each
   * user without a `normalizedUsername` its normalised name and claim (a compare-and-swap update per
   * user). Lists every user: a maintenance job. Names that normalise to one already held are left as
   * they are and reported in `collisions` (those users still sign in with their exact name; rename
   * one with `updateUser`). Until it has run on such a bucket, registering fails with
   * `model.indexNotReady` and old users sign in with their exact username only.
   */
  async migrateUsernames(): Promise<{
    users: number
    updated: number
    collisions: { id: string; username: string; normalizedUsername: string }[]
  }> {
    await this.users.reindex()
    let users = 0
    let updated = 0
    const collisions: { id: string; username: string; normalizedUsername: string }[] = []
    let marker: string | undefined
    do {
      const page = await this.users.listByPrefix({ limit: 500, ...(marker ? { marker } : {}) })
      for (const item of page.items) {
        const user = item as unknown as StoredUser<M>
        users++
        if (user.normalizedUsername) continue
        const normalizedUsername = normalizeUsername(user.username)
        try {
          await this.directory.update(user.id, (current) => (current.normalizedUsername ? {} : { normalizedUsername }))
          updated++
        } catch (error) {
          if (!isS3verlessError(error, 'auth.userExists')) throw error
          collisions.push({ id: user.id, username: user.username, normalizedUsername })
        }
      }
      marker = page.nextMarker ?? undefined
    } while (marker)
    return { users, updated, collisions }
  }

  /** Whether the user may log in. */
  isActive(user: UserOf<M>): boolean {
    return user.isActive === true
  }

  /** Whether the user is an administrator. */
  isAdmin(user: UserOf<M>): boolean {
    return user.isAdmin === true
  }

  /** Whether the user has a role (administrators have only the roles they are given). */
  hasRole(user: UserOf<M>, role: string): boolean {
    return Array.isArray(user.roles) && user.roles.includes(role)
  }

  // ─── Tokens ─────────────────────────────────────────────────────────────────────────────

  /**
   * Logs a user in: a new session with its refresh token (3 PUTs in 2 round trips) and an access
   * token for it. `deviceInfo` and `ipAddress` are kept with the session (see `listSessions`).
   * @throws AuthError `auth.inactiveUser`; SettingsError naming SECRET_KEY when it is missing or short.
   */
  async createTokenPair(user: UserOf<M>, context: SessionContext = {}): Promise<TokenPair> {
    if (!user.isActive) throw new AuthError('auth.inactiveUser', 'User is deactivated', { details: { userId: user.id } })
    this.config.key()
    const session = await this.sessions.start(user.id, user.tokenVersion, context)
    return this.pair(user.id, user.tokenVersion, session)
  }

  /**
   * An access token alone, for the user's current token version (no session, no request).
   * @throws SettingsError naming SECRET_KEY when it is missing or short.
   */
  async createAccessToken(user: UserOf<M>): Promise<string> {
    return (await this.tokens.sign({ userId: user.id, tokenVersion: user.tokenVersion })).token
  }

  /**
   * Rotates a refresh token: returns a new pair. Requests: 3 GETs (token, session, user) and 2 PUTs.
   * Within `refreshReuseIntervalSeconds` (default 10) of the rotation, presenting the same token
   * again — a second tab, a retried request, a concurrent refresh — answers the very same pair (3
   * GETs, no write); after it, the token is spent and presenting it revokes its whole session
   * (reason `reuse`), as does presenting any older token of the session.
   * @throws AuthError `auth.invalidToken`, `auth.expiredToken`, `auth.revokedToken` (details.reason:
   * `reuse`, `tokenVersion`, `userDeleted`, the session's own reason such as `logout`, …), `auth.inactiveUser`
   */
  async refreshAccessToken(refreshToken: string, context: SessionContext = {}): Promise<TokenPair> {
    this.config.key()
    const rotated = await this.sessions.rotate(refreshToken, (id) => this.directory.get(id), context)
    return this.pair(rotated.user.id, rotated.tokenVersion, rotated, { jti: rotated.jti, issuedAt: rotated.issuedAt })
  }

  /**
   * Checks an access token: signature with the pinned algorithm, expiry, claims, then — in
   * parallel — the blacklist (from memory, or 1 GET) and its session (1 GET: a token of a session
   * that ended, by logout or otherwise, is refused at once). It does not read the user: use
   * {@link getCurrentUser} to also refuse tokens of deactivated or deleted users and tokens revoked
   * by a password change.
   * @throws AuthError `auth.invalidToken`, `auth.expiredToken`, `auth.revokedToken`
   */
  async verifyAccessToken(token: string): Promise<AccessTokenClaims> {
    const claims = await this.tokens.verify(token)
    const [isRevoked, ended] = await Promise.all([this.blacklist?.isBlacklisted(claims.jti) ?? false, this.sessionEnded(claims)])
    if (isRevoked) throw revoked('Access token was revoked', 'blacklisted')
    if (ended) throw revoked(`Access token's session has ended (${ended})`, ended)
    return claims
  }

  /**
   * The user an access token belongs to, checked to be active, its session live and the user not to
   * have revoked its tokens since: 1 GET each for the user, the blacklist and the session, in parallel.
   * @throws AuthError `auth.invalidToken`, `auth.expiredToken`, `auth.revokedToken`, `auth.inactiveUser`
   */
  async getCurrentUser(token: string): Promise<StoredUser<M>> {
    const claims = await this.tokens.verify(token)
    const [isRevoked, ended, user] = await Promise.all([
      this.blacklist?.isBlacklisted(claims.jti) ?? false,
      this.sessionEnded(claims),
      this.directory.get(claims.sub),
    ])
    if (isRevoked) throw revoked('Access token was revoked', 'blacklisted')
    if (!user) throw revoked('Access token belongs to a user that no longer exists', 'userDeleted')
    if (!user.isActive) throw new AuthError('auth.inactiveUser', 'User is deactivated', { details: { userId: user.id } })
    if (user.tokenVersion !== claims.ver) throw revoked('Access token was revoked (password change or sign-out everywhere)', 'tokenVersion')
    if (ended) throw revoked(`Access token's session has ended (${ended})`, ended)
    return user
  }

  /**
   * Ends the session of a refresh token (logout with the refresh token alone, e.g. when the access
   * token has expired): every token of the session stops working at once, access tokens included.
   * Any token of the session will do, also one already rotated. False when the token is malformed
   * or unknown (no error) or its session already ended. 2 GETs + 1 PUT + 1 DELETE.
   */
  revokeRefreshToken(refreshToken: string): Promise<boolean> {
    return this.sessions.revokeToken(refreshToken, 'logout')
  }

  /**
   * The session a refresh token belongs to and its user, without rotating it or checking whether it
   * is still good (1 GET), e.g. to tell which session a sign-out form belongs to; `null` when the
   * token is malformed or unknown.
   */
  sessionOfRefreshToken(refreshToken: string): Promise<{ sessionId: string; userId: string } | null> {
    return this.sessions.ownerOf(refreshToken)
  }

  /**
   * Blacklists an access token until it expires (1 PUT). False for an expired token (nothing to do).
   * @throws AuthError `auth.invalidToken`; `auth.invalidOptions` when the blacklist is disabled
   */
  async revokeAccessToken(token: string): Promise<boolean> {
    const blacklist = this.requireBlacklist()
    let claims: AccessTokenClaims
    try {
      claims = await this.tokens.verify(token)
    } catch (error) {
      if (error instanceof AuthError && error.code === 'auth.expiredToken') return false
      throw error
    }
    await blacklist.add(claims.jti, new Date(claims.exp * 1000))
    return true
  }

  /**
   * Logs out with an access token: ends the session it was issued for, so every access and refresh
   * token of that session stops working at once, and blacklists the token itself (which also covers
   * a token issued without a session). With only a refresh token, use {@link revokeRefreshToken}.
   * @throws AuthError `auth.invalidToken`, `auth.expiredToken`; `auth.invalidOptions` when the blacklist is disabled
   */
  async logout(accessToken: string): Promise<void> {
    const blacklist = this.requireBlacklist()
    const claims = await this.tokens.verify(accessToken)
    await Promise.all([
      blacklist.add(claims.jti, new Date(claims.exp * 1000)),
      claims.sid ? this.sessions.revoke(claims.sid, 'logout', undefined, claims.sub) : Promise.resolve(false),
    ])
  }

  /**
   * Revokes every token of a user at once, by bumping the user's token version (1 GET + 1 PUT;
   * every refresh and `getCurrentUser` compares it), then marks each of the user's sessions ended.
   * Returns how many sessions were active. @throws AuthError `auth.userNotFound`
   */
  async revokeAllUserTokens(userId: string): Promise<number> {
    await this.directory.update(userId, (current) => ({ tokenVersion: current.tokenVersion + 1 }))
    return this.sessions.revokeAll(userId, 'revokeAll')
  }

  /** A user's active sessions, oldest first (1 GET + 1 LIST + 1 GET per session). @throws AuthError `auth.userNotFound` */
  async listSessions(userId: string): Promise<Session[]> {
    const user = await this.directory.require(userId)
    return this.sessions.list(userId, user.tokenVersion)
  }

  /** Ends one session of a user ("sign out that device"). False when it is not an active session of this user. */
  revokeSession(userId: string, sessionId: string): Promise<boolean> {
    return this.sessions.revoke(sessionId, 'logout', undefined, userId)
  }

  /**
   * Maintenance: removes expired and revoked refresh tokens and ended sessions; returns how many
   * refresh tokens it removed. Lists every token: run it from a scheduled job. (The access-token
   * blacklist has its own `blacklist.cleanup()`.)
   */
  async cleanupExpiredTokens(): Promise<number> {
    return (await this.cleanupTokens()).refreshTokens
  }

  /** Like {@link cleanupExpiredTokens}, reporting sessions removed as well. */
  cleanupTokens(): Promise<TokenCleanupReport> {
    return cleanupTokens(this.store, this.keys, this.now())
  }

  // ─── Password utilities ─────────────────────────────────────────────────────────────────

  /** Hashes a password with the configured hasher (bcrypt by default). */
  async getPasswordHash(password: string): Promise<string> {
    return this.hasher.hash(password)
  }

  /** Checks a password against a hash made by the configured hasher. Never throws. */
  async verifyPassword(plainPassword: string, hashedPassword: string): Promise<boolean> {
    return this.hasher.verify(plainPassword, hashedPassword)
  }

  /** `[ok, message]` for a password under the configured policy. */
  validatePassword(password: string): [ok: boolean, message: string] {
    return validatePassword(password, this.passwordPolicy)
  }

  // ─── Internals ──────────────────────────────────────────────────────────────────────────

  /** Why the session of an access token has ended, or `undefined` while it is live (a token without a session: nothing to check). */
  private sessionEnded(claims: AccessTokenClaims): Promise<string | undefined> {
    return claims.sid ? this.sessions.endedReason(claims.sid, claims.sub) : Promise.resolve(undefined)
  }

  private requireBlacklist(): TokenBlacklist {
    if (!this.blacklist)
      throw new AuthError('auth.invalidOptions', 'Revoking access tokens needs the blacklist, which is disabled (blacklist: false)')
    return this.blacklist
  }

  private async pair(
    userId: string,
    tokenVersion: number,
    session: { refreshToken: string; sessionId: string; expiresAt: Date },
    access_: { jti?: string; issuedAt?: Date } = {},
  ): Promise<TokenPair> {
    const access = await this.tokens.sign({ userId, tokenVersion, sessionId: session.sessionId, ...access_ })
    return {
      accessToken: access.token,
      refreshToken: session.refreshToken,
      tokenType: 'bearer',
      expiresIn: access.expiresIn,
      refreshTokenExpiresAt: session.expiresAt,
      sessionId: session.sessionId,
    }
  }
}
