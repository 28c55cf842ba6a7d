import { isS3verlessError } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { hashPassword, verifyPassword } from '../src/index.js'

const cost = 4

describe('hashPassword', () => {
  it('salts every hash, and each one verifies the password', async () => {
    const a = await hashPassword('s3cret-pass', { cost })
    const b = await hashPassword('s3cret-pass', { cost })
    expect(a).not.toBe(b)
    expect(await verifyPassword('s3cret-pass', a)).toBe(true)
    expect(await verifyPassword('s3cret-pass', b)).toBe(true)
  })

  it('records the cost factor in the hash', async () => {
    expect(await hashPassword('pw1', { cost: 4 })).toMatch(/^\$2b\$04\$[./A-Za-z0-9]{53}$/)
    expect(await hashPassword('pw1', { cost: 5 })).toMatch(/^\$2b\$05\$/)
  })

  it('uses cost 12 by default', async () => {
    expect(await hashPassword('pw1')).toMatch(/^\$2b\$12\$/)
  })

  it('refuses a password bcrypt would truncate instead of ignoring its tail', async () => {
    const at72 = 'é'.repeat(36) // 72 UTF-8 bytes
    expect(await verifyPassword(at72, await hashPassword(at72, { cost }))).toBe(true)
    const error = await hashPassword(`${at72}x`, { cost }).catch((e: unknown) => e)
    expect(isS3verlessError(error, 'auth.passwordTooLong')).toBe(true)
    expect((error as Error).message).toContain('73 UTF-8 bytes')
  })

  it('rejects a cost outside 4..31', async () => {
    for (const bad of [3, 32, 10.5]) {
      const error = await hashPassword('pw', { cost: bad }).catch((e: unknown) => e)
      expect(isS3verlessError(error, 'auth.invalidCost')).toBe(true)
    }
  })
})

describe('verifyPassword', () => {
  it('rejects a wrong password, including one differing only in case or a trailing byte', async () => {
    const hashed = await hashPassword('Tr0ub4dor&3', { cost })
    expect(await verifyPassword('Tr0ub4dor&3', hashed)).toBe(true)
    expect(await verifyPassword('tr0ub4dor&3', hashed)).toBe(false)
    expect(await verifyPassword('Tr0ub4dor&3 ', hashed)).toBe(false)
    expect(await verifyPassword('', hashed)).toBe(false)
  })

  it('answers false, without throwing, for malformed hashes', async () => {
    const good = await hashPassword('pw', { cost })
    for (const bad of ['', 'not-a-hash', good.slice(0, -1), `${good}x`, good.replace('$2b$', '$9z$'), 'pw']) {
      await expect(verifyPassword('pw', bad)).resolves.toBe(false)
    }
  })

  it('verifies $2a$ and $2y$ hashes made by other bcrypt libraries', async () => {
    const hashed = await hashPassword('legacy1', { cost })
    expect(await verifyPassword('legacy1', hashed.replace('$2b$', '$2a$'))).toBe(true)
    expect(await verifyPassword('legacy1', hashed.replace('$2b$', '$2y$'))).toBe(true)
  })
})
