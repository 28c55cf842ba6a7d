import { isS3verlessError } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { checkPassword, DEFAULT_PASSWORD_POLICY, STRONG_PASSWORD_POLICY, validatePassword } from '../src/index.js'

describe('validatePassword', () => {
  it('answers [ok, message] as the spec does', () => {
    expect(validatePassword('abcdefg1')).toEqual([true, 'Password is valid.'])
    expect(validatePassword('hunter2')).toEqual([false, 'Password must be at least 8 characters long.'])
  })

  it('names every unmet rule, in one message', () => {
    const result = checkPassword('abc')
    expect(result.valid).toBe(false)
    expect(result.problems).toEqual(['Password must be at least 8 characters long.', 'Password must contain a digit.'])
    expect(result.message).toBe('Password must be at least 8 characters long. Password must contain a digit.')
    expect(validatePassword('abc')).toEqual([false, result.message])
    expect(checkPassword('12345678').problems).toEqual(['Password must contain a letter.'])
    expect(checkPassword('').problems).toHaveLength(3)
  })

  it('counts characters as code points but the limit in UTF-8 bytes, as bcrypt does', () => {
    expect(checkPassword('🔑🔑🔑a1').problems).toEqual(['Password must be at least 8 characters long.']) // 8 UTF-16 units
    expect(checkPassword('🔑🔑🔑🔑🔑🔑a1').valid).toBe(true) // 8 characters, 26 bytes
    const tooLong = checkPassword(`a1${'é'.repeat(36)}`) // 38 characters, 74 bytes
    expect(tooLong.valid).toBe(false)
    expect(tooLong.problems).toEqual([expect.stringMatching(/at most 72 bytes long \(it is 74;/)])
    expect(checkPassword(`a1${'x'.repeat(70)}`).valid).toBe(true)
  })

  it('recognises letters and digits of any script', () => {
    expect(checkPassword('пароль٣٣٣').valid).toBe(true)
  })

  it('applies configured rules on top of the defaults: length, upper, lower, digit, symbol', () => {
    expect(checkPassword('passphrase', { requireDigit: false }).valid).toBe(true)
    expect(checkPassword('abcdefg1', { minLength: 12 }).problems).toEqual(['Password must be at least 12 characters long.'])
    expect(checkPassword('abcdefg1', { maxBytes: 6, minLength: 4 }).problems).toEqual([
      'Password must be at most 6 bytes long (it is 8; accented letters and emoji take several bytes).',
    ])
    const strict = { requireUppercase: true, requireLowercase: true, requireSymbol: true }
    expect(checkPassword('abcdefg1', strict).problems).toEqual([
      'Password must contain an uppercase letter.',
      'Password must contain a symbol (neither a letter, a digit nor a space).',
    ])
    expect(checkPassword('ABCDEFG1!', strict).problems).toEqual(['Password must contain a lowercase letter.'])
    expect(checkPassword('Abcdefg1 ', strict).problems).toEqual(['Password must contain a symbol (neither a letter, a digit nor a space).'])
    expect(validatePassword('Correct-horse-7', strict)).toEqual([true, 'Password is valid.'])
    expect(checkPassword('Ünïcödé-1', strict).valid).toBe(true) // upper and lower case of any script
    expect(DEFAULT_PASSWORD_POLICY).toEqual({
      minLength: 8,
      maxBytes: 72,
      requireLetter: true,
      requireDigit: true,
      requireUppercase: false,
      requireLowercase: false,
      requireSymbol: false,
    })
  })

  it('refuses a policy no password could satisfy', () => {
    for (const policy of [{ maxBytes: 2000 }, { minLength: 0 }, { minLength: 80 }, { minLength: 2.5 }]) {
      let error: unknown
      try {
        validatePassword('abcdefg1', policy)
      } catch (e) {
        error = e
      }
      expect(isS3verlessError(error, 'auth.invalidPolicy')).toBe(true)
    }
  })

  it("offers the Python original's rules as one preset: upper and lower case, a digit and a symbol", () => {
    expect(STRONG_PASSWORD_POLICY).toMatchObject({
      minLength: 8,
      requireUppercase: true,
      requireLowercase: true,
      requireDigit: true,
      requireSymbol: true,
    })
    expect(checkPassword('correct-horse-7', STRONG_PASSWORD_POLICY).problems).toEqual(['Password must contain an uppercase letter.'])
    expect(checkPassword('Correcthorse7', STRONG_PASSWORD_POLICY).problems).toEqual([
      'Password must contain a symbol (neither a letter, a digit nor a space).',
    ])
    expect(validatePassword('Correct-horse-7', STRONG_PASSWORD_POLICY)).toEqual([true, 'Password is valid.'])
    expect(Object.isFrozen(STRONG_PASSWORD_POLICY)).toBe(true)
  })
})
