import { isS3verlessError } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { DEFAULT_PASSWORD_POLICY, validatePassword } from './password-policy.js'

describe('validatePassword', () => {
  it('accepts a password meeting the default policy', () => {
    expect(validatePassword('abcdefg1')).toEqual({ valid: true, message: 'Password is valid.', problems: [] })
  })

  it('names every unmet rule, in one message', () => {
    const result = validatePassword('abc')
    expect(result.valid).toBe(false)
    expect(result.problems).toEqual(['Password must be at least 8 characters long.', 'Password must contain a digit.'])
    expect(result.message).toBe('Password must be at least 8 characters long. Password must contain a digit.')
    expect(validatePassword('12345678').problems).toEqual(['Password must contain a letter.'])
    expect(validatePassword('').problems).toHaveLength(3)
  })

  it('counts characters as code points but the limit in UTF-8 bytes, as bcrypt does', () => {
    expect(validatePassword('🔑🔑🔑a1').problems).toEqual(['Password must be at least 8 characters long.']) // 8 UTF-16 units
    expect(validatePassword('🔑🔑🔑🔑🔑🔑a1').valid).toBe(true) // 8 characters, 26 bytes
    const tooLong = validatePassword(`a1${'é'.repeat(36)}`) // 38 characters, 74 bytes
    expect(tooLong.valid).toBe(false)
    expect(tooLong.problems).toEqual([expect.stringMatching(/at most 72 bytes long \(it is 74;/)])
    expect(validatePassword(`a1${'x'.repeat(70)}`).valid).toBe(true)
  })

  it('recognises letters and digits of any script', () => {
    expect(validatePassword('пароль٣٣٣').valid).toBe(true)
  })

  it('applies a configured policy on top of the defaults', () => {
    expect(validatePassword('passphrase', { requireDigit: false }).valid).toBe(true)
    expect(validatePassword('abcdefg1', { minLength: 12 }).problems).toEqual(['Password must be at least 12 characters long.'])
    expect(validatePassword('abcdefg1', { maxBytes: 6, minLength: 4 }).problems).toEqual([
      'Password must be at most 6 bytes long (it is 8; accented letters and emoji take several bytes).',
    ])
    expect(DEFAULT_PASSWORD_POLICY).toEqual({ minLength: 8, maxBytes: 72, requireLetter: true, requireDigit: true })
  })

  it('refuses a policy no bcrypt password could satisfy', () => {
    for (const policy of [{ maxBytes: 100 }, { minLength: 0 }, { minLength: 80 }, { minLength: 2.5 }]) {
      let error: unknown
      try {
        validatePassword('abcdefg1', policy)
      } catch (e) {
        error = e
      }
      expect(isS3verlessError(error, 'auth.invalidPolicy')).toBe(true)
    }
  })
})
