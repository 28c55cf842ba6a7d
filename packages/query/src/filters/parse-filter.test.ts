import { isS3verlessError } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { OPERATOR_ALIASES, OPERATORS } from './operators.js'
import { parseFilter } from './parse-filter.js'

/** Runs `fn` and returns the S3verless error it throws. */
function errorOf(fn: () => unknown): { code: string; message: string; details: Record<string, unknown> } {
  try {
    fn()
  } catch (error) {
    if (isS3verlessError(error)) return error
    throw error
  }
  throw new Error('expected an error')
}

const fields = ['name', 'price', 'meta__size', 'x__in'] as const

describe('parseFilter', () => {
  it('reads bare fields as eq and field__op keys as that operator', () => {
    expect(parseFilter({ name: 'Lamp', price__gte: 5 })).toEqual([
      { field: 'name', op: 'eq', value: 'Lamp' },
      { field: 'price', op: 'gte', value: 5 },
    ])
  })

  it.each(Object.entries(OPERATOR_ALIASES))('resolves the alias %s to %s', (alias, op) => {
    const value = op === 'isnull' ? true : op === 'nin' ? [1] : 'v'
    expect(parseFilter({ [`f__${alias}`]: value })).toEqual([{ field: 'f', op, value: alias === 'is_not_null' ? false : value }])
  })

  it('splits at the last "__", so field names may contain "__"', () => {
    expect(parseFilter({ meta__size__gt: 3, meta__size__eq: 4 })).toEqual([
      { field: 'meta__size', op: 'gt', value: 3 },
      { field: 'meta__size', op: 'eq', value: 4 },
    ])
  })

  it('reads a known field whose name contains "__" as that field', () => {
    expect(parseFilter({ meta__size: 4 }, { fields })).toEqual([{ field: 'meta__size', op: 'eq', value: 4 }])
    expect(parseFilter({ x__in: 4 }, { fields })).toEqual([{ field: 'x__in', op: 'eq', value: 4 }])
  })

  it('treats undefined as null rather than dropping the condition', () => {
    expect(parseFilter({ ownerId: undefined, tag__in: [undefined] })).toEqual([
      { field: 'ownerId', op: 'eq', value: null },
      { field: 'tag', op: 'in', value: [null] },
    ])
  })

  it('refuses an unknown operator and lists the valid ones', () => {
    const e = errorOf(() => parseFilter({ price__gtx: 5 }))
    expect(e.code).toBe('query.unknownOperator')
    expect(e.message).toContain('"gtx"')
    for (const op of [...OPERATORS, ...Object.keys(OPERATOR_ALIASES)]) expect(e.message).toContain(op)
    expect(errorOf(() => parseFilter({ price__GT: 5 })).code).toBe('query.unknownOperator')
    expect(errorOf(() => parseFilter({ price__gtx: 5 }, { fields })).code).toBe('query.unknownOperator')
  })

  it('refuses unknown fields when the fields are given, naming the field and the valid ones', () => {
    for (const filter of [{ nme: 'a' }, { nme__icontains: 'a' }, { nme__x: 1 }]) {
      const e = errorOf(() => parseFilter(filter, { fields }))
      expect(e.code).toBe('query.unknownField')
      expect(e.message).toMatch(/"nme(__x)?"/)
      expect(e.message).toContain('Valid fields: meta__size, name, price, x__in')
    }
    expect(parseFilter({ nme: 'a' })).toHaveLength(1)
  })

  it.each([
    [{ price__in: 5 }, /price__in" needs an array/],
    [{ price__nin: 'a,b' }, /needs an array/],
    [{ price__isnull: 'yes' }, /needs true or false/],
    [{ price__is_not_null: 1 }, /needs true or false/],
    [{ price__gt: null }, /use isnull/],
    [{ price__lt: undefined }, /use isnull/],
    [{ price__gte: [1] }, /needs a number, string, boolean or Date/],
    [{ price__lte: {} }, /needs a number, string, boolean or Date/],
    [{ name__icontains: 5 }, /needs a string/],
    [{ name__startswith: null }, /needs a string/],
    [{ tags__contains: null }, /use isnull/],
    [{ price: Number.NaN }, /not NaN/],
    [{ price__in: [1, Number.NaN] }, /not NaN/],
    [{ createdAt__gt: new Date('nope') }, /valid Date/],
  ])('refuses the operand shape of %j', (filter, message) => {
    const e = errorOf(() => parseFilter(filter as Record<string, unknown>))
    expect(e.code).toBe('query.invalidFilter')
    expect(e.message).toMatch(message)
  })

  it('refuses a filter that is not an object', () => {
    expect(errorOf(() => parseFilter(null as unknown as Record<string, unknown>)).code).toBe('query.invalidFilter')
    expect(errorOf(() => parseFilter([] as unknown as Record<string, unknown>)).code).toBe('query.invalidFilter')
  })
})
