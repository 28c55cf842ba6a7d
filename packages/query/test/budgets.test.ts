import { createDatabase, defineModel, type InstrumentedStore, instrumentStore, memoryStore } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { query } from '../src/index.js'

const Product = defineModel(z.object({ name: z.string(), category: z.string(), price: z.number() }), {
  name: 'Product',
  indexed: ['category', 'price'],
  indexedDescending: ['createdAt'],
})

/** A collection of `size` products, 20 of them in category "rare"; prices 0…size−1. */
async function collection(size: number) {
  const store = instrumentStore(memoryStore())
  const products = createDatabase({ store, models: [Product], concurrency: 64 }).repository(Product)
  const batch = 2000
  for (let i = 0; i < size; i += batch) {
    await products.createMany(
      Array.from({ length: Math.min(batch, size - i) }, (_, j) => {
        const n = i + j
        return { name: `p${n}`, category: n % 50 === 7 && n < 1000 ? 'rare' : `c${n % 49}`, price: n }
      }),
    )
  }
  return { store, products }
}

async function measure(store: InstrumentedStore, work: () => Promise<unknown>) {
  store.reset()
  const result = await work()
  return { counts: store.counts(), result }
}

async function budgets(size: number) {
  const { store, products } = await collection(size)
  const q = () => query(products)
  const eq = await measure(store, () => q().filter({ category: 'rare' }).all())
  const range = await measure(store, () => q().filter({ price__gte: 500 }).limit(10).all())
  const newest = await measure(store, () => q().orderBy('-createdAt').limit(20).all())
  const first = await q().limit(20).fetch()
  const page = await measure(store, () => q().after(first.nextCursor).limit(20).fetch())
  const count = await measure(store, () => q().filter({ category: 'rare' }).count())
  // price has only an ascending index: read backwards (LIST the index to its end, GET the last 20)
  const backwards = await measure(store, () => q().orderBy('-price').limit(20).all())
  return {
    backwards: { counts: backwards.counts, prices: (backwards.result as { price: number }[]).map((p) => p.price) },
    explainBackwards: q().orderBy('-price').limit(20).explain(),
    counts: { eq: eq.counts, range: range.counts, newest: newest.counts, page: page.counts, count: count.counts },
    sizes: {
      eq: (eq.result as unknown[]).length,
      range: (range.result as { price: number }[]).map((p) => p.price),
      newest: (newest.result as { name: string }[]).map((p) => p.name),
      page: (page.result as { items: { name: string }[] }).items.map((p) => p.name),
      count: count.result,
    },
  }
}

describe('query request budgets (DESIGN.md §7) do not grow with the collection', () => {
  it('are identical at 1,000 and 100,000 records, and within the budget; a descending order over an ascending index costs ≤ N/1,000 + 21 at 1k, 10k and 100k', async () => {
    const small = await budgets(1_000)
    const medium = await budgets(10_000)
    const large = await budgets(100_000)
    for (const [n, run] of [
      [1_000, small],
      [10_000, medium],
      [100_000, large],
    ] as const) {
      const c = run.backwards.counts
      expect(c.list + c.get, `orderBy('-price').limit(20) at ${n}: ${JSON.stringify(c)}`).toBeLessThanOrEqual(n / 1000 + 21)
      expect(c).toMatchObject({ list: n / 1000, get: 20, put: 0, delete: 0, deleteMany: 0 })
      expect(run.backwards.prices).toEqual(Array.from({ length: 20 }, (_, i) => n - 1 - i))
      expect(run.explainBackwards).toMatchObject({
        path: { kind: 'indexRange', field: 'price', reverse: true },
        ordered: true,
        scan: false,
      })
      expect(run.explainBackwards.description).toContain('read backwards')
      expect(run.explainBackwards.suggestion).toContain("indexedDescending: ['price']")
    }
    expect(large.counts).toEqual(small.counts)
    const none = { put: 0, delete: 0, deleteMany: 0 }
    // indexed equality, k = 20 hits: 1 LIST + k GETs
    expect(small.counts.eq).toEqual({ ...none, list: 1, get: 20, total: 21 })
    expect(small.sizes.eq).toBe(20)
    // indexed range with limit 10: 1 LIST + 10 GETs, stopping early
    expect(small.counts.range).toEqual({ ...none, list: 1, get: 10, total: 11 })
    expect(large.sizes.range).toEqual([500, 501, 502, 503, 504, 505, 506, 507, 508, 509])
    // newest 20 through the descending createdAt index: 1 LIST + 20 GETs
    expect(small.counts.newest).toEqual({ ...none, list: 1, get: 20, total: 21 })
    expect(large.sizes.newest.slice(0, 3)).toEqual(['p99999', 'p99998', 'p99997'])
    expect(small.sizes.newest.slice(0, 3)).toEqual(['p999', 'p998', 'p997'])
    // a cursor page of 20: 1 LIST + 20 GETs
    expect(small.counts.page).toEqual({ ...none, list: 1, get: 20, total: 21 })
    expect(large.sizes.page).toEqual(Array.from({ length: 20 }, (_, i) => `p${20 + i}`))
    // an index-covered count of m = 20 matches: ⌈m/1000⌉ LIST, 0 GETs
    expect(small.counts.count).toEqual({ ...none, list: 1, get: 0, total: 1 })
    expect(large.sizes.count).toBe(20)
  }, 300_000)

  it('an ordered page of 20 asks its first LIST for 20 keys, not 1,000 (S3 lists in time growing with the keys asked for)', async () => {
    const { store, products } = await collection(3000)
    const asked: (number | undefined)[] = []
    const list = store.list.bind(store)
    store.list = (prefix, options) => {
      asked.push(options?.limit)
      return list(prefix, options)
    }
    const page = await query(products).orderBy('price').limit(20).all()
    expect(page.map((p) => p.price)).toEqual(Array.from({ length: 20 }, (_, i) => i))
    expect(asked).toEqual([20])
    // A filter the index does not decide: the first LIST asks for one window of candidates (64 here),
    // the next ones for whole pages.
    asked.length = 0
    const filtered = await query(products).filter({ name__icontains: '7' }).orderBy('price').limit(20).all()
    expect(filtered).toHaveLength(20)
    expect(asked[0]).toBe(64)
    expect(asked.slice(1).every((n) => n === undefined || n === 1000)).toBe(true)
  }, 120_000)
})
