import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareUtf8 } from '../store/byte-order.js'
import { compareSameKind, compareValues, parseIsoDateTime } from './compare-values.js'
import { encodeValue, type IndexValue, isTruncated } from './value-encoding.js'

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const text = fc
  .oneof(
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: 'binary', maxLength: 120 }),
    fc.string({ unit: fc.constantFrom('\u0000', '0', '/', 'a', '😀') }),
  )
  .filter((s) => !LONE_SURROGATE.test(s) && parseIsoDateTime(s) === undefined)
const number = fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(0, -0, Infinity, -Infinity))
const date = fc.date({ noInvalidDate: true })
const kinds = { number, date, text, boolean: fc.boolean(), nullish: fc.constantFrom(null, undefined) }
const anyValue: fc.Arbitrary<IndexValue> = fc.oneof(...Object.values(kinds))
const sign = Math.sign

describe('compareValues agrees with encodeValue', () => {
  it.each(Object.entries(kinds))('orders %s values as their encodings sort, and ties exactly when encodings are equal', (_, arb) => {
    fc.assert(
      fc.property(arb as fc.Arbitrary<IndexValue>, arb as fc.Arbitrary<IndexValue>, (a, b) => {
        const ea = encodeValue(a)
        const eb = encodeValue(b)
        if (isTruncated(ea) || isTruncated(eb)) return
        expect(compareValues(a, b)).toBe(sign(compareUtf8(ea, eb)))
        expect(ea === eb).toBe(compareValues(a, b) === 0)
      }),
      { numRuns: 2000 },
    )
  })

  it('orders mixed kinds by kind rank, as the key tags do (strings here are never ISO dates)', () => {
    fc.assert(
      fc.property(anyValue, anyValue, (a, b) => {
        const ea = encodeValue(a)
        const eb = encodeValue(b)
        if (isTruncated(ea) || isTruncated(eb)) return
        expect(compareValues(a, b)).toBe(sign(compareUtf8(ea, eb)))
        expect(ea === eb).toBe(compareValues(a, b) === 0)
      }),
      { numRuns: 3000 },
    )
    expect([1, 'a', null, true, new Date(0)].sort(compareValues)).toEqual([null, true, new Date(0), 1, 'a'])
  })

  it('is a total order: antisymmetric and transitive', () => {
    fc.assert(
      fc.property(anyValue, anyValue, anyValue, (a, b, c) => {
        expect(compareValues(a, b)).toBe(compareValues(b, a) === 0 ? 0 : -compareValues(b, a))
        // (wrapped: Array#sort moves bare `undefined` to the end without asking the comparator)
        const [x, y, z] = [{ v: a }, { v: b }, { v: c }].sort((p, q) => compareValues(p.v, q.v)).map((w) => w.v)
        expect(compareValues(x, z)).toBeLessThanOrEqual(0)
        if (compareValues(x, y) === 0 && compareValues(y, z) === 0) expect(compareValues(x, z)).toBe(0)
      }),
      { numRuns: 2000 },
    )
  })
})

describe('compareValues', () => {
  it('treats null and undefined as one value, before everything else', () => {
    expect(compareValues(null, undefined)).toBe(0)
    for (const v of [false, -Infinity, new Date(-8.64e15), '', [], {}]) {
      expect(compareValues(null, v)).toBe(-1)
      expect(compareValues(v, undefined)).toBe(1)
    }
  })

  it('compares numbers numerically (-0 equals 0) and bigints with numbers', () => {
    expect(compareValues(-0, 0)).toBe(0)
    expect(compareValues(-1.5, -1)).toBe(-1)
    expect(compareValues(10, 9)).toBe(1)
    expect(compareValues(2n, 3)).toBe(-1)
    expect(compareValues(2n ** 64n, Number.MAX_SAFE_INTEGER)).toBe(1)
    expect(compareValues(Number.NaN, Infinity)).toBe(1)
    expect(compareValues(Number.NaN, Number.NaN)).toBe(0)
  })

  it('compares strings by UTF-8 bytes, not UTF-16 code units', () => {
    expect(compareValues('\uffff', '😀')).toBe(-1)
    expect('\uffff' < '😀').toBe(false)
    expect(compareValues('B', 'a')).toBe(-1)
  })

  it('compares a Date with an ISO-8601 string chronologically, in either order', () => {
    const d = new Date('2024-05-01T12:00:00.000Z')
    expect(compareValues(d, '2024-05-01T12:00:00.000Z')).toBe(0)
    expect(compareValues(d, '2024-05-01T14:00:00+02:00')).toBe(0)
    expect(compareValues(d, '2024-05-01T12:00')).toBe(0)
    expect(compareValues(d, '2024-05-01')).toBe(1)
    expect(compareValues('2024-05-02', d)).toBe(1)
    expect(compareValues('2024-05-01T11:59:59.999999Z', d)).toBe(-1)
    // a string that is not an ISO date falls back to kind rank (Date < string)
    expect(compareValues(d, 'tomorrow')).toBe(-1)
    expect(compareValues('tomorrow', d)).toBe(1)
    // two strings compare as strings even when both are dates
    expect(compareValues('2024-05-01T12:00:00+02:00', '2024-05-01T11:00:00Z')).toBe(1)
  })

  it('compares arrays element-wise and plain objects by sorted keys then values', () => {
    expect(compareValues(['a', 'b'], ['a', 'b'])).toBe(0)
    expect(compareValues(['a'], ['a', 'b'])).toBe(-1)
    expect(compareValues([2], [10])).toBe(-1)
    expect(compareValues({ b: 1, a: 2 }, { a: 2, b: 1 })).toBe(0)
    expect(compareValues({ a: 1 }, { a: 2 })).toBe(-1)
    expect(compareValues('z', ['a'])).toBe(-1)
  })
})

describe('compareSameKind', () => {
  it('equals compareValues for two values of one orderable kind', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.tuple(number, number), fc.tuple(date, date), fc.tuple(text, text), fc.tuple(fc.boolean(), fc.boolean())),
        ([a, b]) => {
          expect(compareSameKind(a, b)).toBe(compareValues(a, b))
        },
      ),
    )
  })

  it('compares a Date with an ISO string, either way round', () => {
    expect(compareSameKind(new Date('2024-01-02T00:00:00Z'), '2024-01-01')).toBe(1)
    expect(compareSameKind('2024-01-01', new Date('2024-01-02T00:00:00Z'))).toBe(-1)
    expect(compareSameKind('2024-01-02', new Date('2024-01-02T00:00:00Z'))).toBe(0)
  })

  it.each([
    [null, 1],
    [undefined, undefined],
    [Number.NaN, 1],
    [new Date(Number.NaN), new Date(0)],
    ['7', 5],
    [true, 1],
    ['soon', new Date(0)],
    [[1], [1]],
    [{}, {}],
  ])('has no answer for %j against %j', (a, b) => {
    expect(compareSameKind(a, b)).toBeUndefined()
    expect(compareSameKind(b, a)).toBeUndefined()
  })
})

describe('parseIsoDateTime', () => {
  it.each([
    ['2024-02-29', Date.UTC(2024, 1, 29)],
    ['2024-02-29T23:59:59.999Z', Date.UTC(2024, 1, 29, 23, 59, 59, 999)],
    ['2024-02-29T23:59', Date.UTC(2024, 1, 29, 23, 59)],
    ['2024-03-01T01:30:00+02:30', Date.UTC(2024, 1, 29, 23, 0)],
    ['2024-02-29T22:00:00-01:00', Date.UTC(2024, 1, 29, 23, 0)],
    ['0099-12-31', Date.parse('0099-12-31T00:00:00Z')],
    ['+275760-09-13T00:00:00.000Z', 8.64e15],
    ['-000001-01-01T00:00:00.000Z', new Date('-000001-01-01T00:00:00.000Z').getTime()],
  ])('reads %j', (input, expected) => {
    expect(parseIsoDateTime(input)).toBe(expected)
  })

  it.each(['', 'tomorrow', '2023-02-29', '2024-13-01', '2024-01-01T24:00', '2024-1-1', '2024-01-01Z', '2024-01-01T10:00:00z'])(
    'rejects %j',
    (input) => {
      expect(parseIsoDateTime(input)).toBeUndefined()
    },
  )

  it('reads back every toISOString()', () => {
    fc.assert(
      fc.property(fc.date({ noInvalidDate: true }), (d) => {
        expect(parseIsoDateTime(d.toISOString())).toBe(d.getTime())
      }),
    )
  })
})
