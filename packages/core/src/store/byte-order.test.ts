import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareUtf8 } from './byte-order.js'

const bytes = (s: string) => Buffer.from(s, 'utf8')

describe('compareUtf8', () => {
  it('orders exactly as the UTF-8 bytes do, for any strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(Math.sign(compareUtf8(a, b))).toBe(Math.sign(Buffer.compare(bytes(a), bytes(b))))
      }),
      { numRuns: 2000 },
    )
  })

  it('puts astral characters after U+E000–U+FFFF, where JavaScript string order does not', () => {
    const astral = '😀'
    const privateUse = '\uE000'
    expect(astral < privateUse).toBe(true)
    expect(compareUtf8(astral, privateUse)).toBeGreaterThan(0)
    expect(['b', astral, privateUse, 'a'].sort(compareUtf8)).toEqual(['a', 'b', privateUse, astral])
  })

  it('sorts a prefix before its extensions', () => {
    expect(compareUtf8('abc', 'abcd')).toBeLessThan(0)
    expect(compareUtf8('abc', 'abc')).toBe(0)
  })
})
