/**
 * How passwords are hashed and checked. S3AuthService uses {@link bcryptHasher} by default on
 * Node; on edge runtimes without native modules pass {@link pbkdf2Hasher} (Web Crypto). Any other
 * scheme (argon2, scrypt) can be plugged in by implementing these four members.
 */
export interface PasswordHasher {
  /** A short name for messages, e.g. `'bcrypt'` or `'pbkdf2-sha256'`. */
  readonly name: string
  /** Longest password it can use, in UTF-8 bytes (bcrypt: 72). The password policy may not allow more. */
  readonly maxPasswordBytes: number
  /** A self-describing hash of the password with a fresh salt (the hash records its own parameters). */
  hash(password: string): Promise<string>
  /** Whether the password matches the hash. Never throws: a malformed hash simply does not match. */
  verify(password: string, hash: string): Promise<boolean>
  /**
   * Whether a hash that just verified should be replaced by a new one, because it was made with
   * other parameters (another cost or iteration count) or another scheme. Checked on login.
   */
  needsRehash(hash: string): boolean
}
