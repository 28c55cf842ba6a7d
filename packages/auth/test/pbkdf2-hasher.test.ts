import { isS3verlessError } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { bcryptHasher, pbkdf2Hasher } from '../src/index.js'

describe('pbkdf2Hasher (Web Crypto, for edge runtimes)', () => {
  const hasher = pbkdf2Hasher({ iterations: 1000 })

  it('makes salted, self-describing hashes that verify', async () => {
    const a = await hasher.hash('correct horse 1')
    const b = await hasher.hash('correct horse 1')
    expect(a).not.toBe(b)
    expect(a).toMatch(/^\$pbkdf2-sha256\$i=1000\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/)
    expect(await hasher.verify('correct horse 1', a)).toBe(true)
    expect(await hasher.verify('correct horse 2', a)).toBe(false)
    expect(await hasher.verify('', a)).toBe(false)
  })

  it('uses OWASP iteration counts by default and supports SHA-512', async () => {
    expect(pbkdf2Hasher().needsRehash('$pbkdf2-sha256$i=600000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toBe(
      false,
    )
    const sha512 = pbkdf2Hasher({ digest: 'SHA-512', iterations: 1000 })
    const hash = await sha512.hash('pw-1234567')
    expect(hash).toMatch(/^\$pbkdf2-sha512\$i=1000\$/)
    expect(await sha512.verify('pw-1234567', hash)).toBe(true)
    // a hash records its own parameters, so a hasher configured otherwise still verifies it, and asks for a rehash
    expect(await hasher.verify('pw-1234567', hash)).toBe(true)
    expect(hasher.needsRehash(hash)).toBe(true)
  })

  it('asks for a rehash when the iteration count changed', async () => {
    const old = await pbkdf2Hasher({ iterations: 500 }).hash('pw-1234567')
    expect(hasher.needsRehash(old)).toBe(true)
    expect(hasher.needsRehash(await hasher.hash('pw-1234567'))).toBe(false)
    expect(hasher.needsRehash('$2b$04$abcdefghijklmnopqrstuuRZy2iXpD0bVAxS4VRkWnlZ0a2JbqHxe')).toBe(true)
  })

  it('answers false, without throwing, for malformed or tampered hashes', async () => {
    const good = await hasher.hash('pw-1234567')
    const parts = good.split('$')
    const digest = parts[4]!
    const flipped = [...parts.slice(0, 4), `${digest[0] === 'A' ? 'B' : 'A'}${digest.slice(1)}`].join('$')
    for (const bad of ['', 'x', good.slice(0, -1), `${good}A`, flipped, good.replace('i=1000', 'i=1001')]) {
      await expect(hasher.verify('pw-1234567', bad)).resolves.toBe(false)
    }
  })

  it('refuses impossible options', () => {
    for (const options of [{ iterations: 0 }, { iterations: 1.5 }, { saltBytes: 8 }, { digest: 'MD5' as never }]) {
      let error: unknown
      try {
        pbkdf2Hasher(options)
      } catch (e) {
        error = e
      }
      expect(isS3verlessError(error, 'auth.invalidOptions')).toBe(true)
    }
  })
})

describe('bcryptHasher', () => {
  it('hashes $2b$ with its cost and asks for a rehash when the cost changed', async () => {
    const hasher = bcryptHasher({ cost: 4 })
    const hash = await hasher.hash('pw-1234567')
    expect(hash).toMatch(/^\$2b\$04\$/)
    expect(await hasher.verify('pw-1234567', hash)).toBe(true)
    expect(hasher.needsRehash(hash)).toBe(false)
    expect(bcryptHasher({ cost: 5 }).needsRehash(hash)).toBe(true)
    expect(hasher.needsRehash('$pbkdf2-sha256$i=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toBe(true)
    expect(() => bcryptHasher({ cost: 3 })).toThrow(/bcrypt cost must be an integer from 4 to 31/)
  })
})
