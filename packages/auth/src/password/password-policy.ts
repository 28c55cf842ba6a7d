import { AuthError } from '../errors.js'
import { BCRYPT_MAX_PASSWORD_BYTES, utf8Bytes } from './bcrypt-limits.js'

/** What a password must satisfy. Every field is optional where a policy is accepted. */
export interface PasswordPolicy {
  /** Fewest characters (Unicode code points, so an emoji counts once). Default 8. */
  minLength: number
  /**
   * Most UTF-8 bytes. Default 72, bcrypt's limit (bcrypt ignores every byte after the 72nd, so
   * `hashPassword` refuses longer passwords). At most {@link MAX_POLICY_BYTES}; S3AuthService also
   * refuses a policy allowing more than its hasher can use.
   */
  maxBytes: number
  /** Require at least one letter, in any script. Default true. */
  requireLetter: boolean
  /** Require at least one decimal digit, in any script. Default true. */
  requireDigit: boolean
  /** Require an uppercase letter (any script). Default false. */
  requireUppercase: boolean
  /** Require a lowercase letter (any script). Default false. */
  requireLowercase: boolean
  /** Require a symbol: a character that is neither a letter, a digit nor white space. Default false. */
  requireSymbol: boolean
}

/** Outcome of {@link checkPassword}. */
export interface PasswordCheck {
  valid: boolean
  /** One sentence per unmet rule, joined; `'Password is valid.'` when there are none. */
  message: string
  /** One sentence per unmet rule, in policy order; empty when valid. */
  problems: string[]
}

/** Largest `maxBytes` a policy may set. */
export const MAX_POLICY_BYTES = 1024

/** The policy applied by default: 8+ characters, at most 72 UTF-8 bytes, a letter and a digit. */
export const DEFAULT_PASSWORD_POLICY: Readonly<PasswordPolicy> = Object.freeze({
  minLength: 8,
  maxBytes: BCRYPT_MAX_PASSWORD_BYTES,
  requireLetter: true,
  requireDigit: true,
  requireUppercase: false,
  requireLowercase: false,
  requireSymbol: false,
})

/**
 * The Python original's password rules as one preset: 8+ characters with an uppercase and a
 * lowercase letter, a digit and a symbol (at most 72 bytes, for bcrypt). Letters and digits count
 * in any script, and any character that is neither a letter, a digit nor a space is a symbol (the
 * original took only the ASCII letters and 19 ASCII symbols). Pass it as `passwordPolicy`.
 * @example new S3AuthService({ store, passwordPolicy: STRONG_PASSWORD_POLICY })
 */
export const STRONG_PASSWORD_POLICY: Readonly<PasswordPolicy> = Object.freeze({
  ...DEFAULT_PASSWORD_POLICY,
  requireUppercase: true,
  requireLowercase: true,
  requireSymbol: true,
})

const LETTER = /\p{L}/u
const DIGIT = /\p{Nd}/u
const UPPER = /\p{Lu}/u
const LOWER = /\p{Ll}/u
const SYMBOL = /[^\p{L}\p{N}\s]/u

/**
 * A complete policy from a partial one (defaults for what is left out), checked for sense.
 * @throws AuthError `auth.invalidPolicy` when the policy is impossible or malformed.
 */
export function resolvePasswordPolicy(overrides: Partial<PasswordPolicy> = {}): Readonly<PasswordPolicy> {
  const policy = { ...DEFAULT_PASSWORD_POLICY, ...overrides }
  const { minLength, maxBytes } = policy
  const problems: string[] = []
  if (!Number.isInteger(minLength) || minLength < 1) problems.push(`minLength must be a positive integer, got ${minLength}`)
  if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > MAX_POLICY_BYTES) {
    problems.push(`maxBytes must be an integer from 1 to ${MAX_POLICY_BYTES}, got ${maxBytes}`)
  } else if (minLength > maxBytes) {
    problems.push(`minLength (${minLength}) exceeds maxBytes (${maxBytes}), so no password could pass`)
  }
  if (problems.length > 0) {
    throw new AuthError('auth.invalidPolicy', `Invalid password policy: ${problems.join('; ')}`, { details: { problems } })
  }
  return Object.freeze(policy)
}

/**
 * Checks a password against a policy (by default {@link DEFAULT_PASSWORD_POLICY}; fields given
 * override it) and reports every unmet rule, so a sign-up form can show them all at once.
 * @throws AuthError `auth.invalidPolicy` when the policy itself is impossible or malformed.
 * @example
 * checkPassword('abc').problems // ['Password must be at least 8 characters long.', 'Password must contain a digit.']
 */
export function checkPassword(password: string, policy: Partial<PasswordPolicy> = {}): PasswordCheck {
  const rules = resolvePasswordPolicy(policy)
  const problems: string[] = []
  if ([...password].length < rules.minLength) problems.push(`Password must be at least ${rules.minLength} characters long.`)
  const bytes = utf8Bytes(password)
  if (bytes > rules.maxBytes) {
    problems.push(`Password must be at most ${rules.maxBytes} bytes long (it is ${bytes}; accented letters and emoji take several bytes).`)
  }
  if (rules.requireLetter && !LETTER.test(password)) problems.push('Password must contain a letter.')
  if (rules.requireUppercase && !UPPER.test(password)) problems.push('Password must contain an uppercase letter.')
  if (rules.requireLowercase && !LOWER.test(password)) problems.push('Password must contain a lowercase letter.')
  if (rules.requireDigit && !DIGIT.test(password)) problems.push('Password must contain a digit.')
  if (rules.requireSymbol && !SYMBOL.test(password))
    problems.push('Password must contain a symbol (neither a letter, a digit nor a space).')
  return { valid: problems.length === 0, message: problems.length === 0 ? 'Password is valid.' : problems.join(' '), problems }
}

/**
 * The spec's `validate_password`: `[ok, message]`, where the message names every unmet rule (or
 * says `'Password is valid.'`). Use {@link checkPassword} for the rules as a list.
 * @throws AuthError `auth.invalidPolicy` when the policy itself is impossible or malformed.
 * @example
 * const [ok, message] = validatePassword('hunter2')
 * // ok === false, message === 'Password must be at least 8 characters long.'
 * validatePassword('Correct-horse-7', { requireUppercase: true, requireSymbol: true }) // [true, 'Password is valid.']
 */
export function validatePassword(password: string, policy: Partial<PasswordPolicy> = {}): [ok: boolean, message: string] {
  const { valid, message } = checkPassword(password, policy)
  return [valid, message]
}
