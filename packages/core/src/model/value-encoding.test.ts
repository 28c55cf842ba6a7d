import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isS3verlessError } from '../errors.js'
import { compareUtf8 } from '../store/byte-order.js'
import { utf8, utf8Length } from '../store/bytes.js'
import { compareValues } from './compare-values.js'
import { sha256Hex } from './sha256.js'
import {
  decodeValue,
  encodeStringPrefix,
  encodeValue,
  encodeValueDescending,
  type IndexValue,
  isTruncated,
  MAX_ENCODED_BYTES,
  MAX_PLAIN_ENCODED_BYTES,
  truncatedGroup,
} from './value-encoding.js'

// ---- arbitraries --------------------------------------------------------------------------------

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const wellFormed = (s: string) => !LONE_SURROGATE.test(s)

/** Characters at the edges of the escape rule and of UTF-8 widths. */
const edgyChar = fc.constantFrom(
  '\u0000',
  '\t',
  ' ',
  '.',
  '/',
  '0',
  '1',
  '`',
  'a',
  '~',
  '\u007f',
  'é',
  '\u0800',
  '\uffff',
  '😀',
  '\u{10ffff}',
)
const shortString = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }).filter(wellFormed),
  fc.string({ unit: edgyChar, maxLength: 20 }),
)
const longString = fc.oneof(
  fc.string({ unit: 'binary', minLength: 200, maxLength: 2000 }).filter(wellFormed),
  fc.string({ unit: edgyChar, minLength: 60, maxLength: 300 }),
)
const anyString = fc.oneof(shortString, longString)
/** Pairs that often share a long prefix and straddle the truncation limit. */
const stringPair = fc.oneof(
  fc.tuple(anyString, anyString),
  fc
    .tuple(
      fc.string({ unit: edgyChar, minLength: 40, maxLength: 280 }),
      fc.string({ unit: edgyChar, maxLength: 12 }),
      fc.string({ unit: edgyChar, maxLength: 12 }),
    )
    .map(([base, x, y]): [string, string] => [base + x, base + y]),
  // one-byte padding up to just below the limit, then characters of every width
  fc
    .tuple(fc.integer({ min: 240, max: 258 }), fc.string({ unit: edgyChar, maxLength: 6 }), fc.string({ unit: edgyChar, maxLength: 6 }))
    .map(([n, x, y]): [string, string] => ['a'.repeat(n) + x, 'a'.repeat(n) + y]),
)
const number = fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(0, -0, Infinity, -Infinity, Number.MIN_VALUE, -Number.MIN_VALUE, 1, -1))
const date = fc.date({ noInvalidDate: true })
const indexValue: fc.Arbitrary<IndexValue> = fc.oneof(number, date, anyString, fc.boolean(), fc.constantFrom(null, undefined))
const descendingValue = fc.oneof(number, date, fc.boolean(), fc.constant(null))

// ---- oracles, independent of the code under test -------------------------------------------------

const bytesOrder = (a: string, b: string) => Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')))
const negate = (n: number) => (n === 0 ? 0 : -n)
const HASH_TAIL = 2 + 64
/** Both truncated to the same kept prefix: those order by hash, the one documented exception. */
const shareTruncatedPrefix = (ea: string, eb: string) =>
  isTruncated(ea) && isTruncated(eb) && ea.slice(0, -HASH_TAIL) === eb.slice(0, -HASH_TAIL)

function sameValue(a: IndexValue, b: IndexValue): boolean {
  if (a == null || b == null) return a == null && b == null
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime()
  return a === b
}

// ---- tests --------------------------------------------------------------------------------------

describe('encodeValue', () => {
  it('writes the documented layout (a storage format: changing it orphans existing keys)', () => {
    expect(encodeValue(null)).toBe('0')
    expect(encodeValue(undefined)).toBe('0')
    expect(encodeValue(false)).toBe('b0')
    expect(encodeValue(true)).toBe('b1')
    expect(encodeValue(0)).toBe('n8000000000000000')
    expect(encodeValue(-0)).toBe('n8000000000000000')
    expect(encodeValue(1)).toBe('nbff0000000000000')
    expect(encodeValue(-1)).toBe('n400fffffffffffff')
    expect(encodeValue(new Date(0))).toBe('d8000000000000000')
    expect(encodeValue('Ann Lee/2024')).toBe('sAnn0PLee0_20`24')
    expect(encodeValue('é😀')).toBe('sé😀')
  })

  it('orders numbers numerically, including -0, ±Infinity and subnormals', () => {
    fc.assert(
      fc.property(number, number, (a, b) => {
        const expected = a < b ? -1 : a > b ? 1 : 0
        expect(bytesOrder(encodeValue(a), encodeValue(b))).toBe(expected)
      }),
      { numRuns: 3000 },
    )
  })

  it('orders dates chronologically', () => {
    fc.assert(
      fc.property(date, date, (a, b) => {
        expect(bytesOrder(encodeValue(a), encodeValue(b))).toBe(Math.sign(a.getTime() - b.getTime()))
      }),
      { numRuns: 2000 },
    )
  })

  it('orders strings by their UTF-8 bytes, long ones too unless they share a truncated prefix', () => {
    fc.assert(
      fc.property(stringPair, ([a, b]) => {
        const ea = encodeValue(a)
        const eb = encodeValue(b)
        if (!shareTruncatedPrefix(ea, eb)) expect(bytesOrder(ea, eb)).toBe(bytesOrder(a, b))
        expect(ea === eb).toBe(a === b)
      }),
      { numRuns: 3000 },
    )
  })

  it('puts null first, then false, then true', () => {
    const sorted = [true, null, false, undefined].map((v) => encodeValue(v)).sort(compareUtf8)
    expect(sorted).toEqual(['0', '0', 'b0', 'b1'])
    for (const other of [-Infinity, new Date(-8.64e15), '', false])
      expect(compareUtf8(encodeValue(null), encodeValue(other))).toBeLessThan(0)
  })

  it('is injective across all kinds (-0 and 0, null and undefined being one value each)', () => {
    fc.assert(
      fc.property(indexValue, indexValue, (a, b) => {
        expect(encodeValue(a) === encodeValue(b)).toBe(sameValue(a, b))
      }),
      { numRuns: 3000 },
    )
  })

  it('never writes "/" or a character below "0", stays valid Unicode and within MAX_ENCODED_BYTES', () => {
    fc.assert(
      fc.property(indexValue, (v) => {
        const e = encodeValue(v)
        for (const ch of e) expect(ch.codePointAt(0)).toBeGreaterThanOrEqual(0x30)
        expect(wellFormed(e)).toBe(true)
        expect(utf8Length(e)).toBeLessThanOrEqual(isTruncated(e) ? MAX_ENCODED_BYTES : MAX_PLAIN_ENCODED_BYTES)
      }),
      { numRuns: 3000 },
    )
  })

  it('lists `enc(value)/id` keys in value order, whatever the ids', () => {
    const entry = fc.record({ value: indexValue, id: fc.oneof(fc.uuid(), fc.string({ unit: 'binary' }).filter(wellFormed)) })
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), (entries) => {
        const keys = entries.map(({ value, id }, i) => ({ key: `${encodeValue(value)}/${id}`, value, i }))
        keys.sort((x, y) => bytesOrder(x.key, y.key))
        for (let i = 1; i < keys.length; i++) {
          const [x, y] = [keys[i - 1]!, keys[i]!]
          if (shareTruncatedPrefix(encodeValue(x.value), encodeValue(y.value))) continue
          if (typeof x.value === 'string' && typeof y.value === 'string') expect(bytesOrder(x.value, y.value)).toBeLessThanOrEqual(0)
          expect(compareValues(x.value, y.value)).toBeLessThanOrEqual(0)
        }
      }),
      { numRuns: 500 },
    )
  })
})

describe('long strings', () => {
  const a = (n: number) => 'a'.repeat(n)

  it('are stored whole up to MAX_PLAIN_ENCODED_BYTES and hashed beyond', () => {
    expect(encodeValue(a(255))).toBe(`s${a(255)}`)
    expect(isTruncated(encodeValue(a(255)))).toBe(false)
    const long = encodeValue(a(256))
    expect(isTruncated(long)).toBe(true)
    expect(long).toMatch(/^sa{256}0h[0-9a-f]{64}$/)
    // two escaped characters per "0": the limit counts encoded bytes, not characters
    expect(isTruncated(encodeValue('0'.repeat(128)))).toBe(true)
    expect(isTruncated(encodeValue('0'.repeat(127)))).toBe(false)
  })

  it('hash the whole value, so values differing only after the kept prefix stay distinct', () => {
    const x = encodeValue(`${a(300)}x`)
    const y = encodeValue(`${a(300)}y`)
    expect(x).not.toBe(y)
    expect(x.slice(0, -64)).toBe(y.slice(0, -64))
  })

  it('order correctly against a shorter value that shares all but the last kept character', () => {
    // 254 "a" + "😀" is past the limit, so the kept prefix must include the emoji; a scheme that
    // kept only what fits (254 "a") would put "…b" after the long value instead of before it.
    const long = `${a(254)}😀tail`
    const short = `${a(254)}b`
    expect(isTruncated(encodeValue(long))).toBe(true)
    expect(isTruncated(encodeValue(short))).toBe(false)
    expect(bytesOrder(encodeValue(short), encodeValue(long))).toBe(-1)
    expect(bytesOrder(encodeValue(`${a(254)}\uffff`), encodeValue(long))).toBe(-1)
    expect(bytesOrder(encodeValue(`${a(253)}b`), encodeValue(long))).toBe(1)
  })

  it('reject a lone surrogate even after the kept prefix', () => {
    expect(() => encodeValue(`${a(400)}\ud800`)).toThrowError(/lone surrogate/)
  })

  it('form tie groups: truncatedGroup names the kept prefix, the long prefix of startswith, and nothing else', () => {
    expect(truncatedGroup(encodeValue(`${a(300)}x`))).toBe(`s${a(256)}0h`)
    expect(truncatedGroup(encodeStringPrefix(a(400)))).toBeUndefined() // a prefix, not a value encoding
    expect(encodeStringPrefix(a(400))).toBe(truncatedGroup(encodeValue(`${a(400)}x`)))
    for (const v of [a(255), 'x', 12, null, true, new Date(0)]) expect(truncatedGroup(encodeValue(v))).toBeUndefined()
    fc.assert(
      fc.property(stringPair, ([x, y]) => {
        const [ex, ey] = [encodeValue(x), encodeValue(y)]
        expect(truncatedGroup(ex) !== undefined && truncatedGroup(ex) === truncatedGroup(ey)).toBe(shareTruncatedPrefix(ex, ey))
        expect(isTruncated(ex)).toBe(truncatedGroup(ex) !== undefined)
      }),
      { numRuns: 2000 },
    )
  })

  it('keep a tie group contiguous: a value between two members, in value order or key order, is a member', () => {
    fc.assert(
      fc.property(stringPair, fc.nat(), anyString, ([x, z], n, tail) => {
        const group = truncatedGroup(encodeValue(x))
        if (group === undefined || truncatedGroup(encodeValue(z)) !== group) return
        const [lo, hi] = compareValues(x, z) <= 0 ? [x, z] : [z, x]
        const chars = [...lo]
        const y = chars.slice(0, n % (chars.length + 1)).join('') + tail // often shares much of the kept prefix
        const between = compareValues(lo, y) <= 0 && compareValues(y, hi) <= 0
        const ey = encodeValue(y)
        const keyBetween = bytesOrder(encodeValue(lo).slice(0, -64), ey) <= 0 && bytesOrder(ey, `${group}g`) < 0
        if (between || keyBetween) expect(truncatedGroup(ey)).toBe(group)
      }),
      { numRuns: 2000 },
    )
  })
})

describe('encodeStringPrefix', () => {
  const prefixAndString = fc.oneof(
    fc.tuple(anyString, anyString),
    fc.tuple(anyString, anyString).map(([p, rest]): [string, string] => [p, p + rest]),
    fc.tuple(anyString, fc.nat()).map(([s, n]): [string, string] => {
      const chars = [...s]
      return [chars.slice(0, n % (chars.length + 1)).join(''), s]
    }),
  )

  it('prefixes exactly the encodings of the strings that start with a (storable) prefix', () => {
    fc.assert(
      fc.property(prefixAndString, ([p, s]) => {
        const prefix = encodeStringPrefix(p)
        if (utf8Length(prefix) <= MAX_PLAIN_ENCODED_BYTES) expect(encodeValue(s).startsWith(prefix)).toBe(s.startsWith(p))
      }),
      { numRuns: 3000 },
    )
  })

  it('prefixes every string that starts with it, even when the prefix itself is too long to store', () => {
    fc.assert(
      fc.property(longString, anyString, (p, rest) => {
        expect(encodeValue(p + rest).startsWith(encodeStringPrefix(p))).toBe(true)
      }),
      { numRuns: 1000 },
    )
  })

  it('lists all strings under the empty prefix and nothing else', () => {
    expect(encodeStringPrefix('')).toBe('s')
    expect(encodeValue(12).startsWith(encodeStringPrefix(''))).toBe(false)
  })
})

describe('encodeValueDescending', () => {
  it('sorts in exactly the reverse of the ascending order, across kinds too', () => {
    fc.assert(
      fc.property(descendingValue, descendingValue, (a, b) => {
        const da = encodeValueDescending(a)
        const db = encodeValueDescending(b)
        expect(bytesOrder(da, db)).toBe(negate(bytesOrder(encodeValue(a), encodeValue(b))))
        expect(bytesOrder(da, db)).toBe(negate(compareValues(a, b)))
        for (const ch of da) expect(ch.codePointAt(0)).toBeGreaterThanOrEqual(0x30)
      }),
      { numRuns: 3000 },
    )
  })

  it('puts null last and true before false', () => {
    const order = [null, false, true, 5, -5].map((v) => encodeValueDescending(v)).sort(compareUtf8)
    expect(order.map((e) => decodeValue(e))).toEqual([5, -5, true, false, null])
  })

  it('refuses strings with a clear error', () => {
    expect(() => encodeValueDescending('x' as unknown as number)).toThrowError(/descending index/)
  })
})

describe('decodeValue', () => {
  it('round-trips every non-truncated encoding, ascending and descending', () => {
    fc.assert(
      fc.property(indexValue, (v) => {
        const e = encodeValue(v)
        if (isTruncated(e)) return
        const back = decodeValue(e)
        expect(sameValue(back, v)).toBe(true)
        if (v instanceof Date) expect(back).toBeInstanceOf(Date)
        if (v === undefined) expect(back).toBeNull()
      }),
      { numRuns: 2000 },
    )
    fc.assert(
      fc.property(descendingValue, (v) => {
        expect(sameValue(decodeValue(encodeValueDescending(v)), v)).toBe(true)
      }),
      { numRuns: 1000 },
    )
  })

  it('refuses truncated encodings, saying so in details', () => {
    const e = encodeValue('x'.repeat(500))
    try {
      decodeValue(e)
      expect.unreachable()
    } catch (error) {
      expect(isS3verlessError(error, 'model.invalidEncoding')).toBe(true)
      expect((error as { details: Record<string, unknown> }).details.truncated).toBe(true)
    }
  })

  it.each([
    '',
    'x',
    'b2',
    '01',
    'n123',
    'nFFF0000000000000',
    'nfff8000000000000',
    's/',
    's0',
    's0z',
    `s${'a'.repeat(300)}`,
    `d${'f'.repeat(16)}`,
  ])('refuses %j, which no encoder produces', (bad) => {
    expect(() => decodeValue(bad)).toThrowError(expect.objectContaining({ code: 'model.invalidEncoding' }))
  })
})

describe('unindexable values', () => {
  it.each([
    [Number.NaN, /NaN/],
    [new Date('nope'), /invalid Date/],
    [{}, /an object/],
    [[1], /an array/],
    [1n, /a bigint/],
    ['a\ud800b', /lone surrogate/],
    ['\udc00', /lone surrogate/],
  ])('throws model.unindexableValue naming %s', (value, message) => {
    const run = () => encodeValue(value as IndexValue)
    expect(run).toThrowError(message)
    expect(run).toThrowError(expect.objectContaining({ code: 'model.unindexableValue' }))
  })

  it('applies the same rules to prefixes and descending values', () => {
    expect(() => encodeStringPrefix('\ud800')).toThrowError(expect.objectContaining({ code: 'model.unindexableValue' }))
    expect(() => encodeValueDescending(Number.NaN)).toThrowError(expect.objectContaining({ code: 'model.unindexableValue' }))
    expect(() => encodeValueDescending(new Date(Number.NaN))).toThrowError(expect.objectContaining({ code: 'model.unindexableValue' }))
  })

  it('hashes the UTF-8 bytes of the whole value with SHA-256', () => {
    const text = `${'é'.repeat(200)}\u0000`
    expect(encodeValue(text).slice(-64)).toBe(sha256Hex(utf8(text)))
  })
})
