import { describe, expect, it } from 'vitest'
import { createDatabase, fromUtf8, instrumentStore, isS3verlessError, memoryStore, type RecordCacheMode } from '../../src/index.js'
import { cachedSetup, mapCache, requestsOf } from './cache-fixtures.js'
import { Author, Book, lamp, Product } from './fixtures.js'

describe.each<RecordCacheMode>(['ttl', 'revalidate'])("writes through a '%s' cache", (mode) => {
  it('are read back at once: create, update, replace, functional update, delete', async () => {
    const { products } = cachedSetup({ mode })
    const created = await products.create(lamp())
    expect(await products.get(created.id)).toEqual(created)
    await products.update(created.id, { price: 25 })
    expect((await products.get(created.id))?.price).toBe(25)
    await products.replace(created.id, lamp({ name: 'Desk lamp', price: 40 }))
    expect(await products.get(created.id)).toMatchObject({ name: 'Desk lamp', price: 40 })
    const incremented = await products.update(created.id, (current) => ({ stock: current.stock + 3 }))
    const updated = await products.get(created.id)
    expect(updated).toMatchObject({ name: 'Desk lamp', stock: 3 })
    expect(updated?.$etag).toBe(incremented.$etag)
    await products.delete(created.id)
    expect(await products.get(created.id)).toBeNull()
    expect(await products.findBy('sku', 'L-1')).toBeNull()
  })

  it('refresh the entry with what was written: the next read costs what a fresh entry costs', async () => {
    const { products, store, gets } = cachedSetup({ mode })
    const { id } = await products.create(lamp())
    const updated = await products.update(id, { price: 25 })
    gets.length = 0
    const counts = await requestsOf(store, async () => expect(await products.get(id)).toEqual(updated))
    if (mode === 'ttl') expect(counts.total).toBe(0)
    else expect(gets).toEqual([{ key: expect.stringContaining(id), ifNoneMatch: updated.$etag, answer: 'notModified' }])
  })

  it('cache exactly the bytes and etag the store holds after a create, an update and a unique-field change', async () => {
    const { products, backend, memory } = cachedSetup({ mode })
    const stored = async (id: string) => {
      const object = await memory.get(`s3verless-data/products/${id}.json`)
      return object && { body: fromUtf8(object.body), etag: object.etag }
    }
    const { id } = await products.create(lamp())
    expect(backend.entries.get(`products/${id}`)?.value).toEqual(await stored(id))
    await products.update(id, { price: 5 })
    expect(backend.entries.get(`products/${id}`)?.value).toEqual(await stored(id))
    await products.update(id, { sku: 'L-2' }) // the body's bookkeeping now names a new claim
    expect(backend.entries.get(`products/${id}`)?.value).toEqual(await stored(id))
  })

  it('read the current version for a compare-and-swap, not the cached one (no spurious conflict)', async () => {
    const { products, otherProducts, gets } = cachedSetup({ mode })
    const { id } = await products.create(lamp())
    await products.get(id)
    const elsewhere = await otherProducts.update(id, { stock: 5 })
    gets.length = 0
    const result = await products.update(id, (current) => ({ stock: current.stock + 1 }), { maxAttempts: 1 })
    expect(result.stock).toBe(6)
    expect(gets).toHaveLength(1) // one read for the write: a conditional GET that brought the new body
    expect(gets[0]).toMatchObject({ answer: 'body', ifNoneMatch: expect.any(String) })
    const again = await otherProducts.update(id, { price: 1 })
    expect(elsewhere.$etag).not.toBe(again.$etag)
    await expect(products.update(id, { name: 'Lamp 2' }, { ifMatch: again.$etag })).resolves.toMatchObject({ price: 1, stock: 6 })
  })

  it('call invalidateModel with the plural after every write, and not after reads or refused writes', async () => {
    const { products, backend } = cachedSetup({ mode })
    const { id } = await products.create(lamp())
    await products.update(id, { price: 1 })
    await products.get(id)
    await expect(products.update(id, { price: -1 })).rejects.toSatisfy((e) => isS3verlessError(e, 'model.validation'))
    await products.delete(id)
    expect(backend.invalidated).toEqual(['products', 'products', 'products'])
  })

  it('keep the update budget: 1 GET + 1 PUT', async () => {
    const { products, store } = cachedSetup({ mode })
    const { id } = await products.create(lamp())
    expect(await requestsOf(store, () => products.update(id, { name: 'Renamed' }))).toEqual({
      get: 1,
      put: 1,
      list: 0,
      delete: 0,
      deleteMany: 0,
      total: 2,
    })
  })
})

describe("coherence of a 'ttl' cache with its own writes", () => {
  it('a read that started before a write never puts the old version back', async () => {
    const { products, otherProducts, holdNext, gets } = cachedSetup({ mode: 'ttl' })
    const { id } = await otherProducts.create(lamp()) // not cached here: the next read is a miss
    let release = () => {}
    holdNext(
      (key) => key.includes(id),
      new Promise<void>((resolve) => {
        release = resolve
      }),
    )
    const slowRead = products.get(id) // takes the price-30 version from the store, then stalls
    while (gets.length === 0) await new Promise((resolve) => setTimeout(resolve, 1))
    await products.update(id, { price: 99 })
    release()
    expect((await slowRead)?.price).toBe(30)
    expect((await products.get(id))?.price).toBe(99)
  })

  it('an update rolled back after losing its new unique value leaves the previous version cached, not its own', async () => {
    const LEASE = 200
    const { products, store } = cachedSetup({ mode: 'ttl' }, { leaseMs: LEASE })
    const a = await products.create(lamp({ sku: 'A' }))
    store.injectFault({ op: 'put', key: /s3verless-data\/products\/[^/]+\.json$/, delayMs: 3 * LEASE })
    const slow = products.update(a.id, { sku: 'V' }).catch((e) => e)
    await new Promise((resolve) => setTimeout(resolve, 1.5 * LEASE))
    await products.create(lamp({ sku: 'V', name: 'fast' }))
    expect((await slow).code).toBe('model.unique')
    expect((await products.get(a.id))?.sku).toBe('A')
  })
})

describe('a claim is only taken over on a fresh read of its holder', () => {
  it("a 'ttl' entry saying the holder moved on does not let a second record take its unique value", async () => {
    let now = 1_000_000
    const memory = memoryStore({ now: () => now })
    const db = createDatabase({
      store: instrumentStore(memory),
      models: [Product, Author, Book],
      leaseMs: 1_000,
      cache: { backend: mapCache(), mode: 'ttl', ttlSeconds: 3600 },
    })
    const other = createDatabase({ store: memory, models: [Product, Author, Book], leaseMs: 1_000 })
    const products = db.repository(Product)
    const held = await products.create(lamp({ sku: 'OLD' }))
    await other.repository(Product).update(held.id, { sku: 'NEW' }) // the cache still says OLD
    now += 10_000 // the claim on NEW is past its lease
    await expect(products.create(lamp({ sku: 'NEW' }))).rejects.toSatisfy((e) => isS3verlessError(e, 'model.unique'))
  })
})
