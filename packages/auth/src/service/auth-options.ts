import type { Database, Model, ObjectStore, S3ClientManager, S3verlessSettings } from '@s3verless/core'
import type { TokenBlacklist } from '../blacklist/token-blacklist.js'
import type { PasswordHasher } from '../password/password-hasher.js'
import type { PasswordPolicy } from '../password/password-policy.js'
import type { TokenAlgorithm } from '../tokens/token-config.js'
import type { DefaultUserModel } from '../users/user-model.js'

/** Options of `S3AuthService` (the spec's constructor arguments, plus where data lives and how passwords are hashed). */
export interface S3AuthServiceOptions<M extends Model = DefaultUserModel> {
  /** Settings (`SECRET_KEY`, `ALGORITHM`, `ACCESS_TOKEN_EXPIRE_MINUTES`, `S3_BASE_PATH`, …); default `loadSettings()`. */
  settings?: S3verlessSettings
  /**
   * The application's database, which must include `userModel` (so its models can relate to
   * users). Users and tokens live in its store, under its base path.
   */
  database?: Database
  /** Where users and tokens live when no `database` is given (default: an S3 store from the settings). */
  store?: ObjectStore | S3ClientManager
  /** The user model (default the built-in `User`; make one with profile fields with `createUserModel`). */
  userModel?: M
  /** Key prefix when no `database` is given (default the settings' `S3_BASE_PATH`). */
  basePath?: string
  /** Signing secret, at least 32 characters (default the settings' `SECRET_KEY`). Checked when tokens are first needed. */
  secretKey?: string
  /** `HS256` (default, or the settings' `ALGORITHM`), `HS384` or `HS512`. Tokens of any other algorithm are refused. */
  algorithm?: TokenAlgorithm
  /** Access token lifetime (default the settings' `ACCESS_TOKEN_EXPIRE_MINUTES`, 30). */
  accessTokenExpireMinutes?: number
  /** Refresh token lifetime; each refresh starts it again (default 7). */
  refreshTokenExpireDays?: number
  /**
   * Seconds after a refresh during which the refresh token it replaced still works and answers the
   * same new pair (two tabs refreshing a moment apart, a retried request). Later, presenting it is
   * reuse and revokes the session. Default 10 (or the access token lifetime, if shorter); 0 makes
   * every second presentation reuse, even a concurrent one; at most 300.
   */
  refreshReuseIntervalSeconds?: number
  /** `iss` claim to set and require (default none). */
  issuer?: string
  /** `aud` claim to set and require (default none). */
  audience?: string
  /** Password hashing (default `bcryptHasher()`, cost 12; on edge runtimes pass `pbkdf2Hasher()`). */
  hasher?: PasswordHasher
  /**
   * Password rules over the default policy (8+ characters, a letter and a digit, at most 72 bytes),
   * e.g. `STRONG_PASSWORD_POLICY` (the Python original's: upper and lower case, a digit, a symbol).
   */
  passwordPolicy?: Partial<PasswordPolicy>
  /** Access-token blacklist (default a `TokenBlacklist` on the same store); `false` for none. */
  blacklist?: TokenBlacklist | false
  /** Clock (default `() => new Date()`), for tests. */
  now?: () => Date
}

/** What a login or a refresh returns. */
export interface TokenPair {
  accessToken: string
  /** Opaque, 256 random bits; stored only as its SHA-256. Each refresh replaces it. */
  refreshToken: string
  tokenType: 'bearer'
  /** Access token lifetime in seconds. */
  expiresIn: number
  /** When the refresh token expires. */
  refreshTokenExpiresAt: Date
  /** The session (refresh token family) these tokens belong to. */
  sessionId: string
}
