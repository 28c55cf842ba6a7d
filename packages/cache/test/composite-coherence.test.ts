import { createDatabase, memoryStore } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
// The cache package has no zod of its own to define a model with: borrow core's test models.
import { lamp, Product } from '../../core/test/repository/fixtures.js'
import { CompositeCache, cacheKeys, InMemoryCache, LRUCache, repositoryCache } from '../src/index.js'
import { flakyTier, gatedTier } from './tiers.js'

const recordKey = (id: string) => cacheKeys().record('products', id)

describe('CompositeCache: a promotion never undoes a write that landed while the slower tier answered (issue 9, item 9)', () => {
  it.each(['delete', 'set', 'deletePattern', 'clear'] as const)(
    '%s during a slow L2 read: the old value does not come back',
    async (write) => {
      const l1 = new LRUCache()
      const l2 = gatedTier(new InMemoryCache())
      const cache = new CompositeCache([l1, l2.tier])
      await l2.inner.set('k', 'old') // only in L2: the next get reads L2 and promotes
      const gate = l2.holdNextGet((key) => key === 'k')
      const reading = cache.get('k')
      await gate.reached
      if (write === 'set') await cache.set('k', 'new')
      else if (write === 'delete') await cache.delete('k')
      else if (write === 'deletePattern') await cache.deletePattern('*')
      else await cache.clear()
      gate.release()
      await reading // concurrent with the write: either answer is fine
      expect(await cache.get('k')).toBe(write === 'set' ? 'new' : undefined)
      expect(await l1.get('k')).toBe(write === 'set' ? 'new' : undefined)
    },
  )

  it("through a 'ttl' database: a read after one's own update returns the update", async () => {
    const l1 = new LRUCache()
    const l2 = gatedTier(new InMemoryCache())
    const db = createDatabase({
      store: memoryStore(),
      models: [Product],
      cache: { backend: repositoryCache(new CompositeCache([l1, l2.tier])), mode: 'ttl' },
    })
    const products = db.repository(Product)
    const { id } = await products.create(lamp())
    await l1.clear() // L1 lost its copy (evicted): the next read is answered by L2
    const gate = l2.holdNextGet((key) => key === recordKey(id))
    const reading = products.get(id)
    await gate.reached
    await products.update(id, { price: 99 })
    gate.release()
    await reading
    expect((await products.get(id))?.price).toBe(99)
  })
})

describe('CompositeCache: a tier that fails a write is not hidden (issue 9, item 10)', () => {
  const setup = () => {
    const l1 = flakyTier(new LRUCache())
    const l2 = new InMemoryCache()
    return { l1, l2, cache: new CompositeCache([l1.tier, l2]) }
  }

  it('never serves the value a failed set or delete replaced, and rejects when a tier may still hold it', async () => {
    const { l1, cache } = setup()
    await cache.set('k', 'old')
    await cache.set('q:1', 'old count')
    l1.state.failing = true
    await expect(cache.set('k', 'new')).rejects.toMatchObject({ code: 'cache.tierFailed' })
    expect(await cache.get('k')).toBe('new')
    await expect(cache.delete('k')).rejects.toMatchObject({ code: 'cache.tierFailed' })
    expect(await cache.get('k')).toBeUndefined()
    await expect(cache.deletePattern('q:*')).rejects.toMatchObject({ code: 'cache.tierFailed' })
    expect(await cache.get('q:1')).toBeUndefined()
    expect(cache.stats().errors).toBeGreaterThanOrEqual(3)
    l1.state.failing = false // once the tier takes writes again, it is trusted again for what it is given
    await cache.set('k', 'newer')
    expect(await l1.inner.get('k')).toBe('newer')
    expect(await cache.get('k')).toBe('newer')
  })

  it('resolves when the failing tier could at least drop the key (it then holds nothing stale)', async () => {
    const l1 = new InMemoryCache()
    const l2 = new InMemoryCache()
    const cache = new CompositeCache([l1, l2])
    await cache.set('k', 'old')
    const set = l1.set.bind(l1)
    l1.set = async () => {
      throw new Error('value too large for L1')
    }
    await cache.set('k', 'new')
    expect(await l1.get('k')).toBeUndefined()
    expect(await cache.get('k')).toBe('new')
    l1.set = set
  })

  it("through a 'ttl' database: one's own update is read back, and the failure is counted", async () => {
    const { l1, cache } = setup()
    const db = createDatabase({ store: memoryStore(), models: [Product], cache: { backend: repositoryCache(cache), mode: 'ttl' } })
    const products = db.repository(Product)
    const { id } = await products.create(lamp())
    expect((await products.get(id))?.price).toBe(30) // cached in both tiers
    l1.state.failing = true
    await products.update(id, { price: 99 })
    expect((await products.get(id))?.price).toBe(99)
    expect(db.cacheStats().errors).toBeGreaterThan(0)
    await products.delete(id)
    expect(await products.get(id)).toBeNull()
  })
})
