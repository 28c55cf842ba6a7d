export type { TokenBlacklistOptions } from './blacklist/token-blacklist.js'
export { TokenBlacklist } from './blacklist/token-blacklist.js'
export type { AuthErrorCode } from './errors.js'
export { AUTH_ERRORS, AuthError } from './errors.js'
export type { BcryptHasherOptions } from './password/bcrypt-hasher.js'
export { bcryptHasher } from './password/bcrypt-hasher.js'
export { BCRYPT_MAX_PASSWORD_BYTES } from './password/bcrypt-limits.js'
export type { HashPasswordOptions } from './password/hash-password.js'
export { DEFAULT_BCRYPT_COST, hashPassword, verifyPassword } from './password/hash-password.js'
export type { PasswordHasher } from './password/password-hasher.js'
export type { PasswordCheck, PasswordPolicy } from './password/password-policy.js'
export {
  checkPassword,
  DEFAULT_PASSWORD_POLICY,
  MAX_POLICY_BYTES,
  STRONG_PASSWORD_POLICY,
  validatePassword,
} from './password/password-policy.js'
export type { Pbkdf2Digest, Pbkdf2HasherOptions } from './password/pbkdf2-hasher.js'
export { PBKDF2_MAX_PASSWORD_BYTES, pbkdf2Hasher } from './password/pbkdf2-hasher.js'
export type { ClientAddressOptions, RateLimitRequest } from './rate-limit/client-address.js'
export { ClientAddressResolver } from './rate-limit/client-address.js'
export type { RateLimitEndpoint } from './rate-limit/rate-limit.js'
export { DEFAULT_RATE_LIMITS, RateLimit } from './rate-limit/rate-limit.js'
export type { MemoryRateLimitStore, MemoryRateLimitStoreOptions, RateLimitStore } from './rate-limit/rate-limit-store.js'
export { memoryRateLimitStore } from './rate-limit/rate-limit-store.js'
export type { RateLimiterOptions, RateLimitInfo } from './rate-limit/rate-limiter.js'
export { RateLimiter } from './rate-limit/rate-limiter.js'
export type { S3AuthServiceOptions, TokenPair } from './service/auth-options.js'
export { S3AuthService } from './service/s3-auth-service.js'
export type { AccessTokenClaims } from './tokens/access-tokens.js'
export { REFRESH_TOKEN_BYTES } from './tokens/refresh-token.js'
export type { Session, SessionContext } from './tokens/sessions.js'
export type { TokenCleanupReport } from './tokens/token-cleanup.js'
export type { TokenAlgorithm } from './tokens/token-config.js'
export { DEFAULT_REFRESH_REUSE_INTERVAL_SECONDS, MAX_REFRESH_REUSE_INTERVAL_SECONDS, MIN_SECRET_LENGTH } from './tokens/token-config.js'
export { displayUsername, normalizeEmail, normalizeUsername } from './users/normalize.js'
export { publicUser } from './users/public-user.js'
export type { StoredUser } from './users/user-directory.js'
export type {
  BaseUser,
  BaseUserShape,
  CreateUserInput,
  DefaultUserModel,
  ManagedUserField,
  PublicUser,
  UpdateUserInput,
  UserModel,
  UserModelOptions,
  UserOf,
} from './users/user-model.js'
export { baseUserShape, createUserModel, isUserModel, MANAGED_USER_FIELDS, User } from './users/user-model.js'
export { MAX_USERNAME_LENGTH, usernameProblems } from './users/username-rules.js'
