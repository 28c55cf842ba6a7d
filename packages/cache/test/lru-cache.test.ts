import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LRUCache } from '../src/index.js'
import { runCacheConformance } from './cache-conformance.js'
import { testClock } from './clock.js'

runCacheConformance('LRUCache', ({ clock, ...options }) => new LRUCache({ ...options, now: clock.now }))

const present = async (cache: LRUCache, keys: string[]) => {
  const found: string[] = []
  for (const key of keys) if (await cache.exists(key)) found.push(key)
  return found
}

const filled = async (keys: string[], maxSize = keys.length) => {
  const clock = testClock()
  const cache = new LRUCache({ maxSize, now: clock.now })
  for (const key of keys) await cache.set(key, key)
  return { cache, clock }
}

describe('LRUCache recency', () => {
  it('evicts the least recently used key, so a touched key survives', async () => {
    const { cache } = await filled(['a', 'b', 'c'])
    await cache.get('a')
    await cache.set('d', 'd')
    expect(await present(cache, ['a', 'b', 'c', 'd'])).toEqual(['a', 'c', 'd'])
    expect(cache.stats()).toMatchObject({ evictions: 1, expirations: 0, size: 3 })
  })

  it('without the touch, the oldest key goes', async () => {
    const { cache } = await filled(['a', 'b', 'c'])
    await cache.set('d', 'd')
    expect(await present(cache, ['a', 'b', 'c', 'd'])).toEqual(['b', 'c', 'd'])
  })

  it('rewriting a key makes it the most recently used', async () => {
    const { cache } = await filled(['a', 'b', 'c'])
    await cache.set('a', 'again')
    await cache.set('d', 'd')
    expect(await present(cache, ['a', 'b', 'c', 'd'])).toEqual(['a', 'c', 'd'])
  })

  it('exists does not refresh recency', async () => {
    const { cache } = await filled(['a', 'b', 'c'])
    expect(await cache.exists('a')).toBe(true)
    await cache.set('d', 'd')
    expect(await cache.exists('a')).toBe(false)
  })

  it('follows exact LRU order over random access sequences', async () => {
    const key = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g')
    const op = fc.record({ write: fc.boolean(), key })
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.array(op, { maxLength: 200 }), async (maxSize, ops) => {
        const cache = new LRUCache({ maxSize, defaultTtl: 0 })
        let order: string[] = [] // least recently used first
        let evictions = 0
        for (const { write, key } of ops) {
          if (write) {
            if (!order.includes(key) && order.length === maxSize) {
              order = order.slice(1)
              evictions++
            }
            order = [...order.filter((k) => k !== key), key]
            await cache.set(key, key)
          } else {
            const expected = order.includes(key) ? key : undefined
            if (expected) order = [...order.filter((k) => k !== key), key]
            expect(await cache.get(key)).toBe(expected)
          }
        }
        expect(cache.stats().evictions).toBe(evictions)
      }),
      { numRuns: 300 },
    )
  })
})

describe('LRUCache expiry and stats', () => {
  it('counts an expired lookup as a miss and an expiration', async () => {
    const clock = testClock()
    const cache = new LRUCache({ defaultTtl: 1, now: clock.now })
    await cache.set('a', 1)
    await cache.get('a')
    clock.advance(1_001)
    expect(await cache.get('a')).toBeUndefined()
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, hitRate: 0.5, expirations: 1, evictions: 0, size: 0 })
  })

  it('counts an expired entry pushed out at the LRU end as an expiration, not an eviction', async () => {
    const clock = testClock()
    const cache = new LRUCache({ maxSize: 2, now: clock.now })
    await cache.set('short', 1, 1)
    await cache.set('long', 1, 100)
    clock.advance(1_001)
    await cache.set('new', 1)
    expect(cache.stats()).toMatchObject({ evictions: 0, expirations: 1, size: 2 })
    await cache.set('newer', 1)
    expect(cache.stats()).toMatchObject({ evictions: 1, expirations: 1 })
  })

  it('works with a clock that starts at zero', async () => {
    let t = 0
    const cache = new LRUCache({ defaultTtl: 1, now: () => t })
    await cache.set('a', 1)
    t = 1_001
    expect(await cache.get('a')).toBeUndefined()
  })

  it('uses a real clock by default', async () => {
    const cache = new LRUCache({ defaultTtl: 0.01 })
    await cache.set('a', 1)
    expect(await cache.get('a')).toBe(1)
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(await cache.get('a')).toBeUndefined()
  })

  it('rejects invalid options with cache.invalidOptions', () => {
    for (const options of [{ maxSize: 0 }, { maxSize: 2.5 }, { defaultTtl: -5 }]) {
      expect(() => new LRUCache(options)).toThrowError(expect.objectContaining({ code: 'cache.invalidOptions' }))
    }
  })
})
