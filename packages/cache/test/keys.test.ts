import { isS3verlessError } from '@s3verless/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canonicalText } from '../src/canonical.js'
import { cacheKeys, globMatcher, InMemoryCache } from '../src/index.js'

const keys = cacheKeys()

/** The same value with every object's keys inserted in a (seeded) random order. */
const shuffled = (value: unknown, seed: number): unknown => {
  if (Array.isArray(value)) return value.map((v, i) => shuffled(v, seed + i))
  if (value === null || typeof value !== 'object') return value
  const entries = Object.entries(value)
  let s = seed
  for (let i = entries.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    const j = s % (i + 1)
    ;[entries[i], entries[j]] = [entries[j]!, entries[i]!]
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, shuffled(v, s + k.length)]))
}

const expectInvalidKey = (build: () => unknown) => {
  let error: unknown
  try {
    build()
  } catch (e) {
    error = e
  }
  expect(isS3verlessError(error, 'cache.invalidKey')).toBe(true)
}

describe('cacheKeys formats', () => {
  it('builds record, query and custom keys under the prefix', () => {
    expect(keys.record('products', '42')).toBe('s3verless:record:products:42')
    expect(keys.query('products', { price__gt: 100 })).toMatch(/^s3verless:query:products:[0-9a-f]{16}$/)
    expect(keys.custom('session', 'abc')).toBe('s3verless:custom:session/abc')
    expect(keys.generation('products', '42.begun')).toBe('s3verless:generation/products/42.begun')
    expect(cacheKeys({ prefix: 'shop' }).record('products', '1')).toBe('shop:record:products:1')
  })

  it('escapes separators and wildcards in every part', () => {
    expect(keys.record('a*', 'x:y')).toBe('s3verless:record:a%2A:x%3Ay')
    expect(keys.record('100%', '?')).toBe('s3verless:record:100%25:%3F')
    expect(keys.custom('a/b', 'c')).not.toBe(keys.custom('a', 'b/c'))
    expect(cacheKeys({ prefix: 'a:b' }).prefix).toBe('a%3Ab')
  })

  it('rejects empty models, ids and parts, and parameters with no faithful form', () => {
    expectInvalidKey(() => keys.record('', '1'))
    expectInvalidKey(() => keys.record('products', ''))
    expectInvalidKey(() => keys.custom(''))
    expectInvalidKey(() => keys.query('products', { tags: new Set(['a']) }))
    expectInvalidKey(() => keys.query('products', { at: new Date(Number.NaN) }))
    expectInvalidKey(() => keys.query('products', { f: () => 1 }))
    const loop: Record<string, unknown> = {}
    loop.self = loop
    expectInvalidKey(() => keys.query('products', loop))
  })
})

describe('query keys', () => {
  it('ignore key order, drop undefined properties and read Dates as ISO strings', () => {
    const at = new Date('2024-05-01T10:00:00.000Z')
    expect(keys.query('p', { a: 1, b: 2 })).toBe(keys.query('p', { b: 2, a: 1 }))
    expect(keys.query('p', { a: 1, b: undefined })).toBe(keys.query('p', { a: 1 }))
    expect(keys.query('p', { after: at })).toBe(keys.query('p', { after: '2024-05-01T10:00:00.000Z' }))
    expect(keys.query('p', { where: { z: [1, { y: 1, x: 2 }], a: null } })).toBe(
      keys.query('p', { where: { a: null, z: [1, { x: 2, y: 1 }] } }),
    )
  })

  it('distinguish array order, types, models and prefixes', () => {
    const distinct = [
      keys.query('p', [1, 2]),
      keys.query('p', [2, 1]),
      keys.query('p', { a: 1 }),
      keys.query('p', { a: '1' }),
      keys.query('p', { a: 1n }),
      keys.query('p', { a: null }),
      keys.query('p', { a: Number.NaN }),
      keys.query('p', {}),
      keys.query('p', []),
      keys.query('q', { a: 1 }),
      cacheKeys({ prefix: 'other' }).query('p', { a: 1 }),
    ]
    expect(new Set(distinct).size).toBe(distinct.length)
  })

  it('never change when object keys are shuffled (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer(), (params, seed) => {
        expect(keys.query('products', shuffled(params, seed))).toBe(keys.query('products', params))
      }),
      { numRuns: 1000 },
    )
  })

  it('differ for different parameters over many random samples (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.jsonValue(), { minLength: 50, maxLength: 300, selector: canonicalText }), (samples) => {
        const built = new Set(samples.map((p) => keys.query('products', p)))
        expect(built.size).toBe(samples.length)
      }),
      { numRuns: 200 },
    )
  })

  it('do not collide across 200,000 near-identical parameter sets', () => {
    const seen = new Set<string>()
    for (let page = 0; page < 100_000; page++) {
      seen.add(keys.query('products', { page, pageSize: 20 }))
      seen.add(keys.query('products', { filter: `sku-${page}` }))
    }
    expect(seen.size).toBe(200_000)
  })
})

describe('model and query patterns', () => {
  const cache = async () => {
    const c = new InMemoryCache()
    for (const model of ['products', 'productsX', 'products*', 'xproducts', 'orders']) {
      await c.set(keys.record(model, '1'), model)
      await c.set(keys.query(model, { page: 1 }), model)
    }
    await c.set(keys.custom('products', '1'), 'custom')
    await c.set(keys.custom('x', 'products', 'y'), 'custom')
    return c
  }

  it('deletePattern(modelPattern) removes exactly that model’s records and queries', async () => {
    const c = await cache()
    expect(await c.deletePattern(keys.modelPattern('products'))).toBe(2)
    expect(await c.exists(keys.record('products', '1'))).toBe(false)
    for (const model of ['productsX', 'products*', 'xproducts', 'orders']) {
      expect(await c.get(keys.record(model, '1'))).toBe(model)
      expect(await c.get(keys.query(model, { page: 1 }))).toBe(model)
    }
    expect(c.stats().size).toBe(10) // 4 other models × 2 + 2 custom keys
  })

  it('a model named with a wildcard matches only itself', async () => {
    const c = await cache()
    expect(await c.deletePattern(keys.modelPattern('products*'))).toBe(2)
    expect(await c.exists(keys.record('productsX', '1'))).toBe(true)
    expect(await c.exists(keys.record('products', '1'))).toBe(true)
  })

  it('queryPattern removes only the queries of the model', async () => {
    const c = await cache()
    expect(await c.deletePattern(keys.queryPattern('products'))).toBe(1)
    expect(await c.exists(keys.record('products', '1'))).toBe(true)
    expect(await c.exists(keys.query('productsX', { page: 1 }))).toBe(true)
  })

  it('match all of a model’s keys and none of another model’s or custom keys (property)', () => {
    const part = fc
      .array(fc.constantFrom('a', 'b', ':', '*', '?', '%', '/', '%3A', '%2A'), { minLength: 1, maxLength: 5 })
      .map((a) => a.join(''))
    fc.assert(
      fc.property(part, part, part, fc.array(part, { minLength: 1, maxLength: 4 }), fc.jsonValue(), (m1, m2, id, custom, params) => {
        fc.pre(m1 !== m2)
        const all = globMatcher(keys.modelPattern(m1))
        const queries = globMatcher(keys.queryPattern(m1))
        expect(all(keys.record(m1, id))).toBe(true)
        expect(all(keys.query(m1, params))).toBe(true)
        expect(queries(keys.query(m1, params))).toBe(true)
        expect(queries(keys.record(m1, id))).toBe(false)
        for (const foreign of [
          keys.record(m2, id),
          keys.query(m2, params),
          keys.custom(custom[0]!, ...custom.slice(1)),
          keys.custom(m1, id),
          keys.generation(m1, id),
          keys.generation(m1, 'queries'),
        ]) {
          expect(all(foreign)).toBe(false)
          expect(queries(foreign)).toBe(false)
        }
        expect(keys.record(m1, id)).not.toBe(keys.record(m2, id))
      }),
      { numRuns: 2000 },
    )
  })
})
