import { isS3verlessError } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import type { CacheBackend } from '../src/index.js'
import { type TestClock, testClock } from './clock.js'

/** What a conformance run needs to build a backend: defaults and a shared manual clock. */
export interface BackendSetup {
  defaultTtl: number
  maxSize: number
  clock: TestClock
}

/**
 * Behaviour every CacheBackend must share, run against each backend. Eviction order and the
 * eviction/expiration counters differ by design and are tested per backend.
 */
export const runCacheConformance = (name: string, make: (setup: BackendSetup) => CacheBackend): void => {
  const setup = (overrides: Partial<Omit<BackendSetup, 'clock'>> = {}) => {
    const clock = testClock()
    const cache = make({ defaultTtl: 300, maxSize: 100, ...overrides, clock })
    return { cache, clock }
  }

  describe(`${name} (CacheBackend conformance)`, () => {
    it('returns what was set, by reference, and undefined for a missing key', async () => {
      const { cache } = setup()
      const value = { name: 'Ada', tags: ['x'] }
      await cache.set('user:1', value)
      expect(await cache.get('user:1')).toBe(value)
      expect(await cache.get('user:2')).toBeUndefined()
    })

    it('replaces a value on a second set', async () => {
      const { cache } = setup()
      await cache.set('k', 1)
      await cache.set('k', 2)
      expect(await cache.get('k')).toBe(2)
    })

    it('caches null, and treats setting undefined as a delete', async () => {
      const { cache } = setup()
      await cache.set('negative', null)
      expect(await cache.get('negative')).toBeNull()
      expect(await cache.exists('negative')).toBe(true)
      await cache.set('negative', undefined)
      expect(await cache.exists('negative')).toBe(false)
    })

    it('expires entries after the default TTL, and not before', async () => {
      const { cache, clock } = setup({ defaultTtl: 10 })
      await cache.set('k', 'v')
      clock.advance(10_000)
      expect(await cache.get('k')).toBe('v')
      clock.advance(1)
      expect(await cache.get('k')).toBeUndefined()
      expect(await cache.exists('k')).toBe(false)
    })

    it('honours a per-call TTL, shorter or longer than the default', async () => {
      const { cache, clock } = setup({ defaultTtl: 10 })
      await cache.set('short', 's', 2)
      await cache.set('long', 'l', 60)
      await cache.set('default', 'd', 0)
      clock.advance(2_001)
      expect(await cache.get('short')).toBeUndefined()
      expect(await cache.get('default')).toBe('d')
      clock.advance(8_000)
      expect(await cache.get('default')).toBeUndefined()
      expect(await cache.get('long')).toBe('l')
      clock.advance(50_000)
      expect(await cache.get('long')).toBeUndefined()
    })

    it('keeps entries forever when the default TTL is 0', async () => {
      const { cache, clock } = setup({ defaultTtl: 0 })
      await cache.set('k', 'v')
      clock.advance(365 * 24 * 3600 * 1000)
      expect(await cache.get('k')).toBe('v')
    })

    it('a new set restarts the TTL', async () => {
      const { cache, clock } = setup({ defaultTtl: 10 })
      await cache.set('k', 1)
      clock.advance(9_000)
      await cache.set('k', 2)
      clock.advance(9_000)
      expect(await cache.get('k')).toBe(2)
    })

    it('delete reports whether a live entry was removed', async () => {
      const { cache, clock } = setup({ defaultTtl: 10 })
      await cache.set('a', 1)
      await cache.set('b', 1, 1)
      expect(await cache.delete('a')).toBe(true)
      expect(await cache.delete('a')).toBe(false)
      expect(await cache.get('a')).toBeUndefined()
      clock.advance(1_001)
      expect(await cache.delete('b')).toBe(false) // expired entries are already gone
    })

    it('exists answers without counting as a hit or a miss', async () => {
      const { cache } = setup()
      await cache.set('a', 1)
      expect(await cache.exists('a')).toBe(true)
      expect(await cache.exists('b')).toBe(false)
      expect(cache.stats()).toMatchObject({ hits: 0, misses: 0, hitRate: 0 })
    })

    it('clear removes everything', async () => {
      const { cache } = setup()
      await cache.set('a', 1)
      await cache.set('b', 2)
      await cache.clear()
      expect(await cache.exists('a')).toBe(false)
      expect(await cache.exists('b')).toBe(false)
    })

    it('deletePattern removes exactly the matching live keys and counts them', async () => {
      const { cache, clock } = setup({ defaultTtl: 10 })
      for (const key of ['p:1', 'p:22', 'p:3', 'px:1', 'q:p:1', 'p:9']) await cache.set(key, key)
      await cache.set('p:old', 'x', 1)
      clock.advance(1_001)
      expect(await cache.deletePattern('p:*')).toBe(4) // p:1 p:22 p:3 p:9; p:old had expired
      expect(await cache.get('px:1')).toBe('px:1')
      expect(await cache.get('q:p:1')).toBe('q:p:1')
      expect(await cache.exists('p:1')).toBe(false)
      await cache.set('a1', 1)
      await cache.set('a22', 1)
      expect(await cache.deletePattern('a?')).toBe(1)
      expect(await cache.exists('a22')).toBe(true)
      expect(await cache.deletePattern('nothing*')).toBe(0)
    })

    it('counts hits and misses and derives the hit rate', async () => {
      const { cache } = setup()
      expect(cache.stats().hitRate).toBe(0)
      await cache.set('a', 1)
      await cache.get('a')
      await cache.get('a')
      await cache.get('a')
      await cache.get('missing')
      expect(cache.stats()).toMatchObject({ hits: 3, misses: 1, hitRate: 0.75 })
    })

    it('never holds more than maxSize entries', async () => {
      const { cache } = setup({ maxSize: 5 })
      for (let i = 0; i < 20; i++) await cache.set(`k${i}`, i)
      expect(cache.stats().size).toBe(5)
      expect(await cache.get('k19')).toBe(19) // the newest entry always survives
    })

    it('rejects a negative or non-finite TTL with cache.invalidOptions', async () => {
      const { cache } = setup()
      for (const ttl of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
        const error = await cache.set('k', 1, ttl).catch((e: unknown) => e)
        expect(isS3verlessError(error, 'cache.invalidOptions')).toBe(true)
      }
      expect(await cache.exists('k')).toBe(false)
    })
  })
}
