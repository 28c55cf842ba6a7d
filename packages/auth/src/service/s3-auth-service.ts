import { type Database, loadSettings, type Model, type ObjectStore, type Repository, type S3verlessSettings } from '@s3verless/core'
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
import { type StoredUser, UserDirectory } from '../users/user-directory.js'
import type { CreateUserInput, DefaultUserModel, UpdateUserInput, UserOf } from '../users/user-model.js'
import type { S3AuthServiceOptions, TokenPair } from './auth-options.js'
import { resolveDatabase, resolvePolicyFor, resolveUserModel } from './resolve-options.js'

const revoked = (message: string, reason: string) => new AuthError('auth.revokedToken', message, { details: { reason } })

/**
 * Users, passwords and tokens, all stored in the bucket, every request path O(1) in the number of
 * users and tokens (the spec's `S3AuthService`). Users are a model under the reserved `users`
 * plural with unique usernames and case-insensitive unique emails (claims: concurrent
 * registrations of one name give exactly one user). Access tokens are short-lived JWTs; refresh
 * tokens are opaque, rotated on every use with compare-and-swap, and reusing a rotated one revokes
 * its session.
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

  /** The user with this username (exact, after Unicode NFC), or `null`: 2 GETs (claim + record), never a scan. */
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
   * Rotates a refresh token: returns a new pair, and the token given can never be used again.
   * Requests: 3 GETs (token, session, user) and 2 PUTs. Of concurrent refreshes with one token
   * exactly one succeeds; a token presented after it was rotated revokes its whole session.
   * @throws AuthError `auth.invalidToken`, `auth.expiredToken`, `auth.revokedToken` (details.reason:
   * `reuse`, `concurrentRefresh`, `tokenVersion`, `userDeleted`, …), `auth.inactiveUser`
   */
  async refreshAccessToken(refreshToken: string, context: SessionContext = {}): Promise<TokenPair> {
    this.config.key()
    const rotated = await this.sessions.rotate(refreshToken, (id) => this.directory.get(id), context)
    return this.pair(rotated.user.id, rotated.tokenVersion, rotated)
  }

  /**
   * Checks an access token: signature with the pinned algorithm, expiry, claims, then the
   * blacklist (from memory, or 1 GET). It does not read the user: use {@link getCurrentUser} to
   * also refuse tokens of deactivated or deleted users and tokens revoked by a password change.
   * @throws AuthError `auth.invalidToken`, `auth.expiredToken`, `auth.revokedToken`
   */
  async verifyAccessToken(token: string): Promise<AccessTokenClaims> {
    const claims = await this.tokens.verify(token)
    if (this.blacklist && (await this.blacklist.isBlacklisted(claims.jti))) throw revoked('Access token was revoked', 'blacklisted')
    return claims
  }

  /**
   * The user an access token belongs to, checked to be active and not to have revoked its tokens
   * since: 1 GET for the user and the blacklist's GET, in parallel.
   * @throws AuthError `auth.invalidToken`, `auth.expiredToken`, `auth.revokedToken`, `auth.inactiveUser`
   */
  async getCurrentUser(token: string): Promise<StoredUser<M>> {
    const claims = await this.tokens.verify(token)
    const [isRevoked, user] = await Promise.all([this.blacklist?.isBlacklisted(claims.jti) ?? false, this.directory.get(claims.sub)])
    if (isRevoked) throw revoked('Access token was revoked', 'blacklisted')
    if (!user) throw revoked('Access token belongs to a user that no longer exists', 'userDeleted')
    if (!user.isActive) throw new AuthError('auth.inactiveUser', 'User is deactivated', { details: { userId: user.id } })
    if (user.tokenVersion !== claims.ver) throw revoked('Access token was revoked (password change or sign-out everywhere)', 'tokenVersion')
    return user
  }

  /** Ends the session of a refresh token (logout). False when the token is unknown or its session already ended. */
  revokeRefreshToken(refreshToken: string): Promise<boolean> {
    return this.sessions.revokeToken(refreshToken, 'logout')
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
   * Logs out with an access token: blacklists it and ends the session it was issued for (so that
   * session's refresh token is revoked too).
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

  private requireBlacklist(): TokenBlacklist {
    if (!this.blacklist)
      throw new AuthError('auth.invalidOptions', 'Revoking access tokens needs the blacklist, which is disabled (blacklist: false)')
    return this.blacklist
  }

  private async pair(
    userId: string,
    tokenVersion: number,
    session: { refreshToken: string; sessionId: string; expiresAt: Date },
  ): Promise<TokenPair> {
    const access = await this.tokens.sign({ userId, tokenVersion, sessionId: session.sessionId })
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
