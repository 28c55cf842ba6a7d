import { isS3verlessError } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { type CacheBackend, type CacheStats, CompositeCache, InMemoryCache, LRUCache, type TierErrorContext } from '../src/index.js'
import { runCacheConformance } from './cache-conformance.js'
import { testClock } from './clock.js'

runCacheConformance(
  'CompositeCache',
  ({ clock, ...options }) =>
    new CompositeCache([new LRUCache({ ...options, now: clock.now }), new InMemoryCache({ ...options, now: clock.now })]),
)

/** A tier whose every operation fails; `sync` makes it throw before returning a promise. */
const brokenTier = (sync = false): CacheBackend => {
  const fail = (): never => {
    throw new Error('tier down')
  }
  const op = sync ? fail : async () => fail()
  return { get: op, set: op, delete: op, exists: op, clear: op, deletePattern: op, stats: fail }
}

const twoTiers = () => {
  const clock = testClock()
  const l1 = new LRUCache({ maxSize: 10, defaultTtl: 60, now: clock.now })
  const l2 = new InMemoryCache({ maxSize: 100, defaultTtl: 300, now: clock.now })
  return { clock, l1, l2 }
}

const lookups = (s: CacheStats) => ({ hits: s.hits, misses: s.misses })

describe('CompositeCache reads', () => {
  it('promotes a value found in L2 into L1, so the next get hits L1', async () => {
    const { l1, l2 } = twoTiers()
    const cache = new CompositeCache([l1, l2])
    const value = { id: 1 }
    await l2.set('k', value)

    expect(await cache.get('k')).toBe(value)
    expect(lookups(l1.stats())).toEqual({ hits: 0, misses: 1 })
    expect(lookups(l2.stats())).toEqual({ hits: 1, misses: 0 })
    expect(await l1.exists('k')).toBe(true)

    expect(await cache.get('k')).toBe(value)
    expect(lookups(l1.stats())).toEqual({ hits: 1, misses: 1 })
    expect(lookups(l2.stats())).toEqual({ hits: 1, misses: 0 }) // L2 not asked again
    const stats = cache.stats()
    expect(stats).toMatchObject({ hits: 2, misses: 0, hitRate: 1, errors: 0 })
    expect(stats.tiers.map(lookups)).toEqual([lookups(l1.stats()), lookups(l2.stats())])
  })

  it('promotes into every faster tier, not into slower ones', async () => {
    const a = new InMemoryCache()
    const b = new InMemoryCache()
    const c = new InMemoryCache()
    const d = new InMemoryCache()
    await c.set('k', 'v')
    expect(await new CompositeCache([a, b, c, d]).get('k')).toBe('v')
    expect([await a.exists('k'), await b.exists('k'), await d.exists('k')]).toEqual([true, true, false])
  })

  it('counts one miss when no tier has the key', async () => {
    const { l1, l2 } = twoTiers()
    const cache = new CompositeCache([l1, l2])
    expect(await cache.get('nope')).toBeUndefined()
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 1, hitRate: 0 })
    expect(lookups(l1.stats())).toEqual({ hits: 0, misses: 1 })
    expect(lookups(l2.stats())).toEqual({ hits: 0, misses: 1 })
  })

  it('gives promoted copies promoteTtl when set, the tier default otherwise', async () => {
    const { clock, l1, l2 } = twoTiers()
    await l2.set('k', 'v')
    await new CompositeCache([l1, l2], { promoteTtl: 5 }).get('k')
    clock.advance(5_001)
    expect(await l1.exists('k')).toBe(false)
    expect(await l2.exists('k')).toBe(true)

    const fresh = twoTiers()
    await fresh.l2.set('k', 'v')
    await new CompositeCache([fresh.l1, fresh.l2]).get('k')
    fresh.clock.advance(59_000)
    expect(await fresh.l1.exists('k')).toBe(true) // L1's own default: 60 s
  })

  it('exists looks through the tiers without counting or promoting', async () => {
    const { l1, l2 } = twoTiers()
    const cache = new CompositeCache([l1, l2])
    await l2.set('k', 'v')
    expect(await cache.exists('k')).toBe(true)
    expect(await cache.exists('other')).toBe(false)
    expect(await l1.exists('k')).toBe(false)
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 0 })
  })
})

describe('CompositeCache writes', () => {
  it('set writes every tier, each with its own default TTL unless one is given', async () => {
    const { clock, l1, l2 } = twoTiers()
    const cache = new CompositeCache([l1, l2])
    await cache.set('k', 'v')
    await cache.set('pinned', 'p', 500)
    expect([await l1.get('k'), await l2.get('k')]).toEqual(['v', 'v'])
    clock.advance(60_001)
    expect([await l1.exists('k'), await l2.exists('k')]).toEqual([false, true])
    expect([await l1.exists('pinned'), await l2.exists('pinned')]).toEqual([true, true])
  })

  it('delete reaches every tier and is true when any tier held the key', async () => {
    const { l1, l2 } = twoTiers()
    const cache = new CompositeCache([l1, l2])
    await cache.set('both', 1)
    await l2.set('onlyL2', 1)
    expect(await cache.delete('both')).toBe(true)
    expect(await cache.delete('onlyL2')).toBe(true)
    expect(await cache.delete('none')).toBe(false)
    for (const key of ['both', 'onlyL2']) expect([await l1.exists(key), await l2.exists(key)]).toEqual([false, false])
  })

  it('clear empties every tier', async () => {
    const { l1, l2 } = twoTiers()
    const cache = new CompositeCache([l1, l2])
    await cache.set('a', 1)
    await l2.set('b', 1)
    await cache.clear()
    expect([l1.stats().size, l2.stats().size]).toEqual([0, 0])
  })

  it('deletePattern reaches every tier and returns the largest per-tier count', async () => {
    const { l1, l2 } = twoTiers()
    const cache = new CompositeCache([l1, l2])
    await cache.set('products:1', 1)
    await cache.set('products:2', 1)
    await l2.set('products:3', 1) // only in the slower tier
    await cache.set('productsX:1', 1)
    expect(await cache.deletePattern('products:*')).toBe(3)
    expect(await cache.exists('products:1')).toBe(false)
    expect(await cache.exists('products:3')).toBe(false)
    expect(await cache.get('productsX:1')).toBe(1)
  })

  it('rejects an invalid TTL without writing any tier', async () => {
    const { l1, l2 } = twoTiers()
    const cache = new CompositeCache([l1, l2])
    const error = await cache.set('k', 1, -1).catch((e: unknown) => e)
    expect(isS3verlessError(error, 'cache.invalidOptions')).toBe(true)
    expect(cache.stats().errors).toBe(0)
    expect([l1.stats().size, l2.stats().size]).toEqual([0, 0])
  })

  it('needs at least one tier', () => {
    expect(() => new CompositeCache([])).toThrowError(expect.objectContaining({ code: 'cache.invalidOptions' }))
  })
})

describe('CompositeCache with a failing tier', () => {
  for (const sync of [false, true]) {
    it(`a ${sync ? 'synchronously' : 'asynchronously'} throwing L1 does not fail get; it is counted and reported`, async () => {
      const l2 = new InMemoryCache()
      const reported: TierErrorContext[] = []
      const cache = new CompositeCache([brokenTier(sync), l2], { onError: (_e, context) => reported.push(context) })
      await l2.set('k', 'v')
      expect(await cache.get('k')).toBe('v')
      expect(await cache.get('missing')).toBeUndefined()
      expect(reported).toEqual([
        { tier: 0, operation: 'get', key: 'k' },
        { tier: 0, operation: 'promote', key: 'k' },
        { tier: 0, operation: 'get', key: 'missing' },
      ])
      expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, errors: 3 })
    })
  }

  it('writes and deletes still reach the healthy tiers; a tier that cannot take them makes them reject and is no longer read', async () => {
    const l1 = new InMemoryCache()
    const cache = new CompositeCache([l1, brokenTier()])
    const tierFailed = { code: 'cache.tierFailed', details: expect.objectContaining({ tiers: [1] }) }
    await expect(cache.set('products:1', 'v')).rejects.toMatchObject(tierFailed)
    expect(await l1.get('products:1')).toBe('v')
    expect(await cache.exists('products:1')).toBe(true)
    await expect(cache.deletePattern('products:*')).rejects.toMatchObject(tierFailed)
    expect(await l1.exists('products:1')).toBe(false)
    await expect(cache.set('k', 'v')).rejects.toMatchObject(tierFailed)
    await expect(cache.delete('k')).rejects.toMatchObject(tierFailed)
    expect(await l1.exists('k')).toBe(false)
    await expect(cache.clear()).rejects.toMatchObject(tierFailed)
    // set, its drop, deletePattern, set, its drop, delete, its drop, clear (exists stopped at L1, and skips L2 since)
    expect(cache.stats().errors).toBe(8)
  })

  it('a cache whose every tier fails still answers reads: a miss, no throw', async () => {
    const cache = new CompositeCache([brokenTier(), brokenTier(true)])
    expect(await cache.get('k')).toBeUndefined()
    await expect(cache.set('k', 1)).rejects.toMatchObject({ code: 'cache.tierFailed' })
    expect(await cache.exists('k')).toBe(false) // neither tier is asked for 'k' any more
    expect(await cache.get('k')).toBeUndefined()
    const stats = cache.stats() // the tiers' stats() throw too: they read as zeros
    expect(stats).toMatchObject({ hits: 0, misses: 2, errors: 6 }) // 2 gets, 2 sets and their 2 drops
    expect(stats.tiers).toEqual([
      { hits: 0, misses: 0, hitRate: 0, size: 0, evictions: 0 },
      { hits: 0, misses: 0, hitRate: 0, size: 0, evictions: 0 },
    ])
    expect(cache.stats().errors).toBe(6) // reading stats does not change them
  })

  it('reports a failing stats() to onError', () => {
    const reported: TierErrorContext[] = []
    new CompositeCache([brokenTier()], { onError: (_e, context) => reported.push(context) }).stats()
    expect(reported).toEqual([{ tier: 0, operation: 'stats' }])
  })

  it('an onError that throws is ignored', async () => {
    const cache = new CompositeCache([brokenTier(), new InMemoryCache()], {
      onError: () => {
        throw new Error('logger down')
      },
    })
    await expect(cache.set('k', 1)).rejects.toMatchObject({ code: 'cache.tierFailed' })
    expect(await cache.get('k')).toBe(1)
  })
})
