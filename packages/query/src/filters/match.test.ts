import { compareUtf8, encodeStringPrefix, encodeValue } from '@s3verless/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Condition } from './filter-types.js'
import { matches, matchesNone } from './match.js'
import { OPERATOR_ALIASES, OPERATORS } from './operators.js'
import { parseFilter } from './parse-filter.js'

const at = (iso: string) => new Date(iso)

/** Dates as Date and as ISO strings, nulls, missing fields, unicode, and a legacy record of wrong types. */
const records: Record<string, unknown>[] = [
  { id: 'a', name: 'Lamp', price: 10, createdAt: at('2024-01-01T00:00:00Z'), tags: ['home', 'sale'], email: 'ann@x.io' },
  { id: 'b', name: 'lamp shade', price: 9.5, createdAt: '2024-02-01T00:00:00.000Z', tags: ['home'], email: null },
  { id: 'c', name: 'Straße sign', price: -3, createdAt: at('2023-12-31T23:59:59.999Z'), tags: [] },
  { id: 'd', name: '😀 Émile', price: -0, createdAt: '2024-01-01T01:00:00+01:00', tags: ['sale'], email: 'emile@x.io' },
  { id: 'e', name: null, price: null, createdAt: null, tags: null, email: 'e@x.io' },
  { id: 'f' },
  { id: 'g', name: 'ΣΟΦΟΣ', price: 1e21, createdAt: at('2025-06-01T00:00:00Z'), tags: ['SALE', 'x'], email: '' },
  { id: 'h', name: '\uffff', price: '12', createdAt: 'not a date', tags: 'sale', email: 'h@x.io' },
]
const ALL = records.map((r) => r.id as string)

const filterIds = (filter: Record<string, unknown>) => records.filter((r) => matches(r, parseFilter(filter))).map((r) => r.id)
const excludeIds = (filter: Record<string, unknown>) => records.filter((r) => matchesNone(r, parseFilter(filter))).map((r) => r.id)

const table: [string, Record<string, unknown>, string[]][] = [
  ['bare field', { price: 10 }, ['a']],
  ['eq (-0 equals 0)', { price__eq: 0 }, ['d']],
  ['eq null: null and missing', { price: null }, ['e', 'f']],
  ['ne: includes null and missing', { price__ne: 10 }, ['b', 'c', 'd', 'e', 'f', 'g', 'h']],
  ['neq', { price__neq: 10 }, ['b', 'c', 'd', 'e', 'f', 'g', 'h']],
  ['gt: numbers only, never the string "12"', { price__gt: 9 }, ['a', 'b', 'g']],
  ['gte', { price__gte: 10 }, ['a', 'g']],
  ['lt (-0 is not below 0)', { price__lt: 0 }, ['c']],
  ['lte', { price__lte: 0 }, ['c', 'd']],
  ['in', { price__in: [10, -3] }, ['a', 'c']],
  ['in with null', { price__in: [null, 0] }, ['d', 'e', 'f']],
  ['in []', { price__in: [] }, []],
  ['nin', { price__nin: [10, -3] }, ['b', 'd', 'e', 'f', 'g', 'h']],
  ['not_in', { price__not_in: [10, -3] }, ['b', 'd', 'e', 'f', 'g', 'h']],
  ['nin []', { price__nin: [] }, ALL],
  ['contains on a string', { name__contains: 'amp' }, ['a', 'b']],
  ['contains on an array (and on a legacy string)', { tags__contains: 'sale' }, ['a', 'd', 'h']],
  ['contains is case-sensitive', { tags__contains: 'SALE' }, ['g']],
  ['icontains', { name__icontains: 'LAMP' }, ['a', 'b']],
  ['icontains ß/SS', { name__icontains: 'STRASSE' }, ['c']],
  ['icontains final sigma', { name__icontains: 'σοφοσ' }, ['g']],
  ['icontains accents', { name__icontains: 'émile' }, ['d']],
  ['startswith is case-sensitive', { name__startswith: 'Lamp' }, ['a']],
  ['starts_with', { name__starts_with: 'lamp' }, ['b']],
  ['endswith', { name__endswith: 'sign' }, ['c']],
  ['ends_with', { name__ends_with: 'Émile' }, ['d']],
  ['isnull true: null and missing', { email__isnull: true }, ['b', 'c', 'f']],
  ['is_null false', { email__is_null: false }, ['a', 'd', 'e', 'g', 'h']],
  ['is_not_null true', { email__is_not_null: true }, ['a', 'd', 'e', 'g', 'h']],
  ['is_not_null false', { email__is_not_null: false }, ['b', 'c', 'f']],
  ['eq Date matches Date and ISO string of the same instant', { createdAt: at('2024-01-01T00:00:00Z') }, ['a', 'd']],
  ['gt Date over Dates and ISO strings', { createdAt__gt: at('2024-01-01T00:00:00Z') }, ['b', 'g']],
  ['lte Date', { createdAt__lte: at('2024-01-01T00:00:00Z') }, ['a', 'c', 'd']],
  ['lt ISO string against Date records', { createdAt__lt: '2024-01-01' }, ['c']],
  ['in Dates against an ISO string record', { createdAt__in: [at('2024-02-01T00:00:00Z')] }, ['b']],
  ['strings order by UTF-8 bytes', { name__gt: '\uffe0' }, ['d', 'h']],
  ['lt string', { name__lt: 'M' }, ['a']],
  ['eq array', { tags: ['home'] }, ['b']],
  ['AND of conditions', { price__gte: 0, tags__contains: 'sale' }, ['a', 'd']],
  ['empty filter', {}, ALL],
]

describe('matches / matchesNone over a fixed dataset', () => {
  it.each(table)('%s', (_, filter, expected) => {
    expect(filterIds(filter)).toEqual(expected)
    expect(excludeIds(filter)).toEqual(ALL.filter((id) => !expected.includes(id)))
  })

  it('covers every operator and every alias', () => {
    const used = new Set(
      table.flatMap(([, filter]) => Object.keys(filter).map((k) => (k.includes('__') ? k.slice(k.lastIndexOf('__') + 2) : 'eq'))),
    )
    for (const name of [...OPERATORS, ...Object.keys(OPERATOR_ALIASES)]) expect(used).toContain(name)
  })

  it('excludes like Django: negates the whole conjunction, keeping null and missing values', () => {
    expect(excludeIds({ price__gt: 9 })).toEqual(['c', 'd', 'e', 'f', 'h'])
    expect(excludeIds({ price__gte: 0, tags__contains: 'sale' })).toEqual(['b', 'c', 'e', 'f', 'g', 'h'])
  })

  it('does not read inherited properties as fields', () => {
    expect(matches({}, parseFilter({ constructor__isnull: true }))).toBe(true)
    expect(matches({}, parseFilter({ toString__isnull: false }))).toBe(false)
  })
})

// ---- properties --------------------------------------------------------------------------------

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const text = fc.string({ unit: fc.constantFrom('a', 'B', 'é', 'ß', 'S', '0', ' ', '😀', '\uffff'), maxLength: 6 })
const scalar = fc.oneof(
  fc.double({ noNaN: true }),
  fc.integer({ min: -3, max: 3 }),
  text,
  fc.boolean(),
  fc.date({ noInvalidDate: true }),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
)
const fieldValue = fc.oneof(scalar, fc.constantFrom(null, undefined), fc.array(scalar, { maxLength: 3 }), fc.constant({ nested: 1 }))
const record = fc.dictionary(fc.constantFrom('x', 'y'), fieldValue, { maxKeys: 2 })
const operatorName = fc.constantFrom(...OPERATORS, ...(Object.keys(OPERATOR_ALIASES) as (keyof typeof OPERATOR_ALIASES)[]))
/** A filter entry with an operand of a shape the operator accepts. */
const filterEntry = fc
  .tuple(fc.constantFrom('x', 'y'), operatorName, scalar, fc.boolean(), fc.array(fc.oneof(scalar, fc.constant(null)), { maxLength: 3 }))
  .map(([field, op, value, flag, list]): [string, unknown] => {
    if (op === 'isnull' || op === 'is_null' || op === 'is_not_null') return [`${field}__${op}`, flag]
    if (op === 'in' || op === 'nin' || op === 'not_in') return [`${field}__${op}`, list]
    if (op === 'icontains' || op === 'startswith' || op === 'starts_with' || op === 'endswith' || op === 'ends_with') {
      return [`${field}__${op}`, typeof value === 'string' ? value : String(value)]
    }
    return [`${field}__${op}`, value]
  })
const conditions = fc.array(filterEntry, { maxLength: 3 }).map((entries) => parseFilter(Object.fromEntries(entries)))

describe('matcher properties', () => {
  it('exclude keeps exactly the records filter drops, and neither ever throws', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 8 }), conditions, (rs, cs) => {
        const kept = rs.filter((r) => matches(r, cs))
        const excluded = rs.filter((r) => matchesNone(r, cs))
        expect(kept.length + excluded.length).toBe(rs.length)
        for (const r of kept) expect(excluded).not.toContain(r)
      }),
      { numRuns: 2000 },
    )
  })

  it('ordering operators never match a null or missing field, whatever the operand', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('gt', 'gte', 'lt', 'lte'),
        scalar,
        fc.constantFrom({}, { x: null }, { x: undefined }),
        (op, operand, r) => {
          expect(matches(r, [{ field: 'x', op, value: operand } as Condition])).toBe(false)
          expect(matchesNone(r, [{ field: 'x', op, value: operand } as Condition])).toBe(true)
        },
      ),
    )
  })

  it('ordering and equality of same-kind values agree with the index key order the planner lists', () => {
    const sameKindPair = fc.oneof(
      fc.tuple(fc.double({ noNaN: true }), fc.double({ noNaN: true })),
      fc.tuple(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -3, max: 3 })),
      fc.tuple(text, text).filter(([a, b]) => !LONE_SURROGATE.test(a + b)),
      fc.tuple(fc.date({ noInvalidDate: true }), fc.date({ noInvalidDate: true })),
      fc.tuple(fc.boolean(), fc.boolean()),
    )
    fc.assert(
      fc.property(sameKindPair, ([x, v]) => {
        const keyOrder = Math.sign(compareUtf8(encodeValue(x), encodeValue(v)))
        const holds = (op: string) => matches({ f: x }, parseFilter({ [`f__${op}`]: v }))
        expect(holds('gt')).toBe(keyOrder > 0)
        expect(holds('gte')).toBe(keyOrder >= 0)
        expect(holds('lt')).toBe(keyOrder < 0)
        expect(holds('lte')).toBe(keyOrder <= 0)
        expect(holds('eq')).toBe(keyOrder === 0)
        expect(holds('ne')).toBe(keyOrder !== 0)
      }),
      { numRuns: 2000 },
    )
  })

  it('startswith agrees with the index prefix the planner lists', () => {
    fc.assert(
      fc.property(text, text, fc.boolean(), (s, p, extend) => {
        const value = extend ? p + s : s
        expect(matches({ f: value }, parseFilter({ f__startswith: p }))).toBe(encodeValue(value).startsWith(encodeStringPrefix(p)))
      }),
    )
  })

  it('a Date and the ISO string of the same instant are interchangeable on either side', () => {
    fc.assert(
      fc.property(
        fc.date({ noInvalidDate: true }),
        fc.date({ noInvalidDate: true }),
        fc.constantFrom('eq', 'gt', 'gte', 'lt', 'lte'),
        (x, v, op) => {
          const viaDates = matches({ f: x }, parseFilter({ [`f__${op}`]: v }))
          expect(matches({ f: x.toISOString() }, parseFilter({ [`f__${op}`]: v }))).toBe(viaDates)
          expect(matches({ f: x }, parseFilter({ [`f__${op}`]: v.toISOString() }))).toBe(viaDates)
        },
      ),
    )
  })
})
