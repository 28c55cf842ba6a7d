import { describe, expect, it } from 'vitest'
import { type RecordCache, type RecordCacheMode, recordCache } from '../../src/index.js'
import { cachedSetup, mapCache, requestsOf } from './cache-fixtures.js'
import { lamp } from './fixtures.js'

const down = new Error('cache is down')

/** Every method throws synchronously or rejects, as chosen. */
const brokenCache = (how: 'throw' | 'reject'): RecordCache => {
  const fail = () => {
    if (how === 'throw') throw down
    return Promise.reject(down)
  }
  return recordCache({ get: fail, set: fail, delete: fail, invalidateModel: fail })
}

describe.each<[RecordCacheMode, 'throw' | 'reject']>([
  ['ttl', 'throw'],
  ['ttl', 'reject'],
  ['revalidate', 'throw'],
  ['revalidate', 'reject'],
])("a '%s' cache whose backend methods %s", (mode, how) => {
  it('never fails a read or a write: the store answers, and every failure is counted', async () => {
    const { products, store, db } = cachedSetup({ mode, backend: brokenCache(how) })
    const created = await products.create(lamp())
    expect(db.cacheStats().errors).toBe(2) // the entry refresh and the model invalidation
    expect(await requestsOf(store, async () => expect(await products.get(created.id)).toEqual(created))).toMatchObject({ get: 1 })
    const updated = await products.update(created.id, (p) => ({ price: p.price + 1 }))
    expect(await products.findBy('sku', 'L-1')).toEqual(updated)
    expect((await products.listByPrefix()).items).toEqual([updated])
    expect(await products.delete(created.id)).toBe(true)
    expect(await products.get(created.id)).toBeNull()
    const stats = db.cacheStats()
    expect(stats.errors).toBeGreaterThanOrEqual(10)
    expect(stats.hits + stats.revalidated).toBe(0)
  })
})

describe('a backend that reads but cannot write', () => {
  it("does not make a 'ttl' cache serve the version a write replaced", async () => {
    const backend = mapCache()
    let failing = false
    const flaky = recordCache<RecordCache>({
      get: backend.get,
      set: (...args) => (failing ? Promise.reject(down) : backend.set(...args)),
      delete: (...args) => (failing ? Promise.reject(down) : backend.delete(...args)),
    })
    const { products, gets, db } = cachedSetup({ mode: 'ttl', backend: flaky })
    const { id } = await products.create(lamp())
    expect((await products.get(id))?.price).toBe(30) // cached
    failing = true
    await products.update(id, { price: 99 }) // the refresh fails: the entry still says 30
    gets.length = 0
    expect((await products.get(id))?.price).toBe(99)
    expect(gets).toMatchObject([{ ifNoneMatch: expect.any(String), answer: 'body' }]) // not trusted: revalidated
    await products.delete(id)
    expect(await products.get(id)).toBeNull()
    expect(db.cacheStats().errors).toBeGreaterThan(0)

    failing = false
    const next = await products.create(lamp({ sku: 'L-2' }))
    gets.length = 0
    expect(await products.get(next.id)).toEqual(next)
    expect(gets).toEqual([]) // healthy again: trusted, no request
  })

  it.each<RecordCacheMode>(['ttl', 'revalidate'])(
    "treats a value that is not a cached record as a miss, and counts it ('%s')",
    async (mode) => {
      const backend = mapCache()
      const junk: RecordCache = { ...backend, get: async () => ({ body: 42 }) as never }
      const { products, otherProducts, db } = cachedSetup({ mode, backend: junk })
      const { id } = await otherProducts.create(lamp())
      expect((await products.get(id))?.name).toBe('Lamp')
      expect(db.cacheStats()).toEqual({ errors: 1, misses: 1, hits: 0, revalidated: 0, stale: 0 })
    },
  )

  it('reads the store when a cached body no longer decodes', async () => {
    const backend = mapCache()
    const { products, db } = cachedSetup({ mode: 'ttl', backend })
    const { id } = await products.create(lamp())
    for (const entry of backend.entries.values()) entry.value = { body: '{"not":"a product"}', etag: entry.value.etag }
    expect((await products.get(id))?.name).toBe('Lamp')
    expect(db.cacheStats()).toMatchObject({ errors: 1, misses: 1, hits: 0 })
    expect((await products.get(id))?.name).toBe('Lamp') // the entry was replaced by the store's version
    expect(db.cacheStats()).toMatchObject({ hits: 1 })
  })
})
