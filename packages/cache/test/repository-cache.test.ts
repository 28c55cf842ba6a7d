import { createDatabase, instrumentStore, memoryStore, type RecordCacheOptions } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
// The cache package has no zod of its own to define a model with: borrow core's test models.
import { Author, Book, lamp, Product } from '../../core/test/repository/fixtures.js'
import { type CacheBackend, CompositeCache, cacheKeys, InMemoryCache, LRUCache, repositoryCache } from '../src/index.js'
import { testClock } from './clock.js'

/** A database reading through `backend`, plus an uncached one on the same store playing another process. */
function setup(backend: CacheBackend, cache: Omit<RecordCacheOptions, 'backend'> = { mode: 'ttl' }) {
  const memory = memoryStore()
  const store = instrumentStore(memory)
  const db = createDatabase({ store, models: [Product, Author, Book], cache: { backend: repositoryCache(backend), ...cache } })
  const other = createDatabase({ store: memory, models: [Product, Author, Book] })
  const gets = async (work: () => Promise<unknown>) => {
    store.reset()
    await work()
    return store.counts().get
  }
  return { db, gets, products: db.repository(Product), authors: db.repository(Author), otherProducts: other.repository(Product) }
}

describe('repositoryCache', () => {
  it.each([
    ['InMemoryCache', () => new InMemoryCache()],
    ['LRUCache', () => new LRUCache()],
    ['CompositeCache', () => new CompositeCache([new LRUCache({ maxSize: 10 }), new InMemoryCache()])],
  ])("lets %s serve 1,000 reads of a hot record in 'ttl' mode with 1 GET", async (_, make) => {
    const { products, otherProducts, gets } = setup(make())
    const { id } = await otherProducts.create(lamp())
    const hot = async () => {
      for (let i = 0; i < 1000; i++) expect((await products.get(id))?.name).toBe('Lamp')
    }
    expect(await gets(hot)).toBe(1)
  })

  it('reads the store again once the TTL has run out', async () => {
    const clock = testClock()
    const { products, otherProducts, gets } = setup(new InMemoryCache({ now: clock.now }), { mode: 'ttl', ttlSeconds: 30 })
    const { id } = await otherProducts.create(lamp())
    expect(await gets(() => products.get(id))).toBe(1)
    await otherProducts.update(id, { price: 99 })
    clock.advance(30_000)
    expect(await gets(async () => expect((await products.get(id))?.price).toBe(30))).toBe(0)
    clock.advance(1)
    expect(await gets(async () => expect((await products.get(id))?.price).toBe(99))).toBe(1)
    expect(await gets(() => products.get(id))).toBe(0)
  })

  it('keeps records under cacheKeys().record(plural, id), with the chosen prefix', async () => {
    const backend = new InMemoryCache()
    const db = createDatabase({ store: memoryStore(), models: [Product], cache: { backend: repositoryCache(backend, { prefix: 'shop' }) } })
    const { id, $etag } = await db.repository(Product).create(lamp())
    expect(await backend.get(cacheKeys({ prefix: 'shop' }).record('products', id))).toMatchObject({ etag: $etag })
    expect(await backend.get(cacheKeys().record('products', id))).toBeUndefined()
  })

  it("after a write drops the model's cached queries, and keeps its other records and other models' entries", async () => {
    const backend = new InMemoryCache()
    const keys = cacheKeys()
    const { products, authors, gets } = setup(backend)
    const a = await products.create(lamp({ sku: 'A' }))
    const b = await products.create(lamp({ sku: 'B' }))
    const author = await authors.create({ name: 'Ada', email: 'ada@example.com' })
    await backend.set(keys.query('products', { category: 'home' }), ['cached result'])
    await backend.set(keys.query('authors', { name: 'Ada' }), ['cached result'])
    await products.update(a.id, { price: 1 })
    expect(await backend.exists(keys.query('products', { category: 'home' }))).toBe(false)
    expect(await backend.exists(keys.query('authors', { name: 'Ada' }))).toBe(true)
    expect(await gets(() => Promise.all([products.get(b.id), authors.get(author.id)]))).toBe(0)
  })

  it('can leave query results alone', async () => {
    const backend = new InMemoryCache()
    const key = cacheKeys().query('products', {})
    const db = createDatabase({
      store: memoryStore(),
      models: [Product],
      cache: { backend: repositoryCache(backend, { invalidateQueries: false }) },
    })
    await backend.set(key, 'kept')
    await db.repository(Product).create(lamp())
    expect(await backend.get(key)).toBe('kept')
  })
})
