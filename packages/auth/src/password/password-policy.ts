import { S3verlessError } from '@s3verless/core'
import { BCRYPT_MAX_PASSWORD_BYTES, utf8Bytes } from './bcrypt-limits.js'

/** What a password must satisfy. Every field is optional in {@link validatePassword}'s argument. */
export interface PasswordPolicy {
  /** Fewest characters (Unicode code points, so an emoji counts once). Default 8. */
  minLength: number
  /**
   * Most UTF-8 bytes. Default and upper bound 72: bcrypt ignores every byte after the 72nd, so
   * `hashPassword` refuses longer passwords.
   */
  maxBytes: number
  /** Require at least one letter, in any script. Default true. */
  requireLetter: boolean
  /** Require at least one decimal digit, in any script. Default true. */
  requireDigit: boolean
}

/** Outcome of {@link validatePassword}. */
export interface PasswordValidation {
  valid: boolean
  /** One sentence per unmet rule, joined; `'Password is valid.'` when there are none. */
  message: string
  /** One sentence per unmet rule, in policy order; empty when valid. */
  problems: string[]
}

/** The policy {@link validatePassword} applies by default: 8+ characters, at most 72 UTF-8 bytes, a letter and a digit. */
export const DEFAULT_PASSWORD_POLICY: Readonly<PasswordPolicy> = Object.freeze({
  minLength: 8,
  maxBytes: BCRYPT_MAX_PASSWORD_BYTES,
  requireLetter: true,
  requireDigit: true,
})

const LETTER = /\p{L}/u
const DIGIT = /\p{Nd}/u

function resolvePolicy(overrides: Partial<PasswordPolicy>): PasswordPolicy {
  const policy = { ...DEFAULT_PASSWORD_POLICY, ...overrides }
  const { minLength, maxBytes } = policy
  const problems: string[] = []
  if (!Number.isInteger(minLength) || minLength < 1) problems.push(`minLength must be a positive integer, got ${minLength}`)
  if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > BCRYPT_MAX_PASSWORD_BYTES) {
    problems.push(`maxBytes must be an integer from 1 to ${BCRYPT_MAX_PASSWORD_BYTES} (bcrypt's limit), got ${maxBytes}`)
  } else if (minLength > maxBytes) {
    problems.push(`minLength (${minLength}) exceeds maxBytes (${maxBytes}), so no password could pass`)
  }
  if (problems.length > 0) {
    throw new S3verlessError('auth.invalidPolicy', `Invalid password policy: ${problems.join('; ')}`, { details: { problems } })
  }
  return policy
}

/**
 * Checks a password against a policy (by default {@link DEFAULT_PASSWORD_POLICY}; fields given
 * override it) and reports every unmet rule, so a sign-up form can show them all at once.
 * @throws S3verlessError `auth.invalidPolicy` when the policy itself is impossible or malformed
 * (`maxBytes` above 72, `minLength` below 1 or above `maxBytes`).
 * @example
 * const { valid, message } = validatePassword('hunter2')
 * // valid === false, message === 'Password must be at least 8 characters long.'
 * validatePassword('correct horse battery staple', { requireDigit: false }).valid // true
 */
export function validatePassword(password: string, policy: Partial<PasswordPolicy> = {}): PasswordValidation {
  const rules = resolvePolicy(policy)
  const problems: string[] = []
  if ([...password].length < rules.minLength) problems.push(`Password must be at least ${rules.minLength} characters long.`)
  const bytes = utf8Bytes(password)
  if (bytes > rules.maxBytes) {
    problems.push(`Password must be at most ${rules.maxBytes} bytes long (it is ${bytes}; accented letters and emoji take several bytes).`)
  }
  if (rules.requireLetter && !LETTER.test(password)) problems.push('Password must contain a letter.')
  if (rules.requireDigit && !DIGIT.test(password)) problems.push('Password must contain a digit.')
  return { valid: problems.length === 0, message: problems.length === 0 ? 'Password is valid.' : problems.join(' '), problems }
}
