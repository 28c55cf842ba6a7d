import { describe, expect, it } from 'vitest'
import { createDatabase, isS3verlessError, memoryStore } from '../../src/index.js'
import { cachedSetup, mapCache, requestsOf } from './cache-fixtures.js'
import { Author, Book, lamp, Product } from './fixtures.js'

describe("record cache, 'ttl' mode", () => {
  it('serves 1,000 reads of a hot record with exactly 1 GET', async () => {
    const { products, otherProducts, store, db } = cachedSetup({ mode: 'ttl' })
    const { id } = await otherProducts.create(lamp())
    const counts = await requestsOf(store, async () => {
      for (let i = 0; i < 1000; i++) expect((await products.get(id))?.name).toBe('Lamp')
    })
    expect(counts).toEqual({ get: 1, put: 0, list: 0, delete: 0, deleteMany: 0, total: 1 })
    expect(db.cacheStats()).toMatchObject({ misses: 1, hits: 999, errors: 0 })
  })

  it('serves a record changed elsewhere until its entry expires, then reads the store', async () => {
    let now = 0
    const backend = mapCache({ now: () => now })
    const { products, otherProducts, store } = cachedSetup({ mode: 'ttl', ttlSeconds: 30, backend })
    const { id } = await otherProducts.create(lamp())
    await products.get(id)
    await otherProducts.update(id, { price: 99 })
    now += 30_000
    expect((await products.get(id))?.price).toBe(30) // eventual: still within 30 s
    now += 1
    expect(await requestsOf(store, async () => expect((await products.get(id))?.price).toBe(99))).toMatchObject({ get: 1 })
  })

  it('hands out a new object on every hit, so a caller cannot change what the next one reads', async () => {
    const { products } = cachedSetup({ mode: 'ttl' })
    const { id } = await products.create(lamp())
    const first = await products.get(id)
    if (!first) throw new Error('missing')
    first.name = 'Scribbled'
    first.releasedAt = new Date(0)
    const second = await products.get(id)
    expect(second?.name).toBe('Lamp')
    expect(second?.releasedAt).toBeUndefined()
    expect(second).not.toBe(first)
  })
})

describe("record cache, 'revalidate' mode", () => {
  it('never serves a record changed by another database, and pays 1 body-less request when unchanged', async () => {
    const { products, otherProducts, gets, store, db } = cachedSetup({ mode: 'revalidate' })
    const { id } = await otherProducts.create(lamp())
    await products.get(id) // miss: fills the entry
    await otherProducts.update(id, { price: 99 })
    gets.length = 0
    expect((await products.get(id))?.price).toBe(99)
    expect(gets).toEqual([{ key: expect.stringContaining(id), ifNoneMatch: expect.any(String), answer: 'body' }])

    gets.length = 0
    const counts = await requestsOf(store, async () => expect((await products.get(id))?.price).toBe(99))
    expect(counts).toEqual({ get: 1, put: 0, list: 0, delete: 0, deleteMany: 0, total: 1 })
    const etag = (await otherProducts.get(id))?.$etag
    expect(gets[0]).toEqual({ key: expect.stringContaining(id), ifNoneMatch: etag, answer: 'notModified' })
    expect(db.cacheStats()).toMatchObject({ misses: 1, stale: 1, revalidated: 1, hits: 0 })
  })

  it('answers null for a record deleted elsewhere and forgets its entry', async () => {
    const { products, otherProducts, gets, backend } = cachedSetup({ mode: 'revalidate' })
    const { id } = await otherProducts.create(lamp())
    await products.get(id)
    await otherProducts.delete(id)
    expect(await products.get(id)).toBeNull()
    expect(backend.entries.size).toBe(0)
    gets.length = 0
    expect(await products.get(id)).toBeNull()
    expect(gets).toEqual([{ key: expect.stringContaining(id), ifNoneMatch: undefined, answer: 'null' }])
  })

  it('revalidates every read path: findBy, getMany and listByPrefix see changes made elsewhere', async () => {
    const { products, otherProducts } = cachedSetup({ mode: 'revalidate' })
    const a = await otherProducts.create(lamp({ sku: 'A' }))
    const b = await otherProducts.create(lamp({ sku: 'B' }))
    await products.getMany([a.id, b.id])
    await otherProducts.update(a.id, { name: 'Desk lamp' })
    await otherProducts.update(b.id, { name: 'Floor lamp' })
    expect((await products.findBy('sku', 'A'))?.name).toBe('Desk lamp')
    expect((await products.listByPrefix()).items.map((p) => p.name)).toEqual(['Desk lamp', 'Floor lamp'])
  })
})

describe('record cache options', () => {
  it('lets a model opt out or choose its own mode', async () => {
    const { products, authors, store } = cachedSetup({ mode: 'ttl', models: { Author: false, Product: { mode: 'revalidate' } } })
    const author = await authors.create({ name: 'Ada', email: 'ada@example.com' })
    const product = await products.create(lamp())
    expect(await requestsOf(store, () => authors.get(author.id))).toMatchObject({ get: 1 })
    expect(await requestsOf(store, () => authors.get(author.id))).toMatchObject({ get: 1 })
    expect(await requestsOf(store, () => products.get(product.id))).toMatchObject({ get: 1 }) // revalidated, not trusted
  })

  it("still invalidates an opted-out model's cached queries after its writes", async () => {
    const { authors, backend, db } = cachedSetup({ mode: 'ttl', models: { Author: false } })
    const author = await authors.create({ name: 'Ada', email: 'ada@example.com' })
    await authors.update(author.id, { name: 'Ada L.' })
    expect(await authors.get(author.id)).toMatchObject({ name: 'Ada L.' })
    expect(backend.invalidated).toEqual(['authors', 'authors'])
    expect(backend.entries.size).toBe(0)
    expect(db.cacheStats()).toEqual({ hits: 0, revalidated: 0, stale: 0, misses: 0, errors: 0 })
  })

  it('rejects an unknown mode, a TTL that is not positive, and an override naming no model', () => {
    const make = (cache: object) => () =>
      createDatabase({ store: memoryStore(), models: [Product, Author, Book], cache: { backend: mapCache(), ...cache } })
    for (const bad of [
      { mode: 'forever' },
      { ttlSeconds: 0 },
      { ttlSeconds: -1 },
      { models: { Product: { ttlSeconds: Number.NaN } } },
      { models: { Widget: false } },
    ]) {
      let error: unknown
      try {
        make(bad)()
      } catch (e) {
        error = e
      }
      expect(isS3verlessError(error, 'settings.invalid'), JSON.stringify(bad)).toBe(true)
    }
    expect(make({ mode: 'ttl', models: { Product: false } })).not.toThrow()
  })

  it('reports zeroed stats without a cache', () => {
    const db = createDatabase({ store: memoryStore(), models: [Product] })
    expect(db.cacheStats()).toEqual({ hits: 0, revalidated: 0, stale: 0, misses: 0, errors: 0 })
  })
})
