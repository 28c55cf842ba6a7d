import { isS3verlessError } from '@s3verless/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InMemoryCache } from '../src/index.js'
import { runCacheConformance } from './cache-conformance.js'
import { testClock } from './clock.js'

runCacheConformance('InMemoryCache', ({ clock, ...options }) => new InMemoryCache({ ...options, now: clock.now }))

const keysOf = async (cache: InMemoryCache, keys: string[]) => {
  const present: string[] = []
  for (const key of keys) if (await cache.exists(key)) present.push(key)
  return present
}

describe('InMemoryCache eviction', () => {
  it('evicts the entry that expires soonest, whatever the write order', async () => {
    const clock = testClock()
    const cache = new InMemoryCache({ maxSize: 3, now: clock.now })
    await cache.set('a', 1, 100)
    await cache.set('b', 1, 10)
    await cache.set('c', 1, 50)
    await cache.set('d', 1, 100)
    expect(await keysOf(cache, ['a', 'b', 'c', 'd'])).toEqual(['a', 'c', 'd'])
    expect(cache.stats()).toMatchObject({ size: 3, evictions: 1, expirations: 0 })
  })

  it('breaks expiry ties by evicting the oldest write; reading does not protect an entry', async () => {
    const clock = testClock()
    const cache = new InMemoryCache({ maxSize: 3, defaultTtl: 0, now: clock.now })
    await cache.set('a', 1)
    await cache.set('b', 1)
    await cache.set('c', 1)
    await cache.get('a')
    await cache.set('d', 1)
    expect(await keysOf(cache, ['a', 'b', 'c', 'd'])).toEqual(['b', 'c', 'd'])
    await cache.set('b', 2) // rewriting makes b the newest write
    await cache.set('e', 1)
    expect(await keysOf(cache, ['b', 'c', 'd', 'e'])).toEqual(['b', 'd', 'e'])
  })

  it('evicts entries without expiry last', async () => {
    const clock = testClock()
    const cache = new InMemoryCache({ maxSize: 2, defaultTtl: 0, now: clock.now })
    await cache.set('forever', 1)
    await cache.set('timed', 1, 1000)
    await cache.set('new', 1)
    expect(await keysOf(cache, ['forever', 'timed', 'new'])).toEqual(['forever', 'new'])
  })

  it('purges expired entries first when full, counting them as expirations, not evictions', async () => {
    const clock = testClock()
    const cache = new InMemoryCache({ maxSize: 3, now: clock.now })
    await cache.set('a', 1, 1)
    await cache.set('b', 1, 1)
    await cache.set('c', 1, 100)
    clock.advance(1_001)
    await cache.set('d', 1)
    expect(cache.stats()).toMatchObject({ size: 2, evictions: 0, expirations: 2 })
    expect(await keysOf(cache, ['c', 'd'])).toEqual(['c', 'd'])
  })

  it('does not evict when a full cache rewrites an existing key', async () => {
    const cache = new InMemoryCache({ maxSize: 2 })
    await cache.set('a', 1)
    await cache.set('b', 1)
    await cache.set('a', 2)
    expect(cache.stats()).toMatchObject({ size: 2, evictions: 0 })
    expect(await cache.get('a')).toBe(2)
  })

  it('counts an expired lookup as a miss and an expiration', async () => {
    const clock = testClock()
    const cache = new InMemoryCache({ defaultTtl: 1, now: clock.now })
    await cache.set('a', 1)
    clock.advance(1_001)
    expect(await cache.get('a')).toBeUndefined()
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 1, expirations: 1, size: 0 })
  })

  it('rejects invalid options with cache.invalidOptions', () => {
    for (const options of [{ maxSize: 0 }, { maxSize: 1.5 }, { defaultTtl: -1 }, { defaultTtl: Number.NaN }]) {
      expect(() => new InMemoryCache(options)).toThrowError(expect.objectContaining({ code: 'cache.invalidOptions' }))
    }
    const error = (() => {
      try {
        return new InMemoryCache({ maxSize: -3 })
      } catch (e) {
        return e
      }
    })()
    expect(isS3verlessError(error, 'cache.invalidOptions')).toBe(true)
  })

  it('uses a real clock by default', async () => {
    const cache = new InMemoryCache({ defaultTtl: 0.01 })
    await cache.set('a', 1)
    expect(await cache.get('a')).toBe(1)
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(await cache.get('a')).toBeUndefined()
  })
})

type Op =
  | { kind: 'set'; key: string; ttl: number }
  | { kind: 'get'; key: string }
  | { kind: 'delete'; key: string }
  | { kind: 'advance'; ms: number }

/** The documented policy written the slow, obvious way: scan for the soonest expiry. */
class ReferenceCache {
  entries = new Map<string, { value: number; expiresAt: number; seq: number }>()
  seq = 0
  evictions = 0
  constructor(
    readonly maxSize: number,
    readonly now: () => number,
  ) {}
  live(key: string) {
    const e = this.entries.get(key)
    if (e && this.now() > e.expiresAt) {
      this.entries.delete(key)
      return undefined
    }
    return e
  }
  set(key: string, value: number, ttlSeconds: number) {
    if (!this.entries.has(key) && this.entries.size >= this.maxSize) {
      const before = this.entries.size
      for (const [k, e] of this.entries) if (this.now() > e.expiresAt) this.entries.delete(k)
      if (this.entries.size === before) {
        let victim: [string, { expiresAt: number; seq: number }] | undefined
        for (const entry of this.entries) {
          const [, e] = entry
          if (!victim || e.expiresAt < victim[1].expiresAt || (e.expiresAt === victim[1].expiresAt && e.seq < victim[1].seq)) victim = entry
        }
        if (victim) this.entries.delete(victim[0])
        this.evictions++
      }
    }
    this.entries.set(key, {
      value,
      expiresAt: ttlSeconds === 0 ? Number.POSITIVE_INFINITY : this.now() + ttlSeconds * 1000,
      seq: this.seq++,
    })
  }
}

describe('InMemoryCache against a reference model', () => {
  const key = fc.constantFrom(...'abcdefghijkl'.split(''))
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), key, ttl: fc.constantFrom(0, 1, 2, 5, 30) }),
    fc.record({ kind: fc.constant('get' as const), key }),
    fc.record({ kind: fc.constant('delete' as const), key }),
    fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 6_000 }) }),
  )

  it('agrees on every read and on the eviction count over random operation sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.array(op, { maxLength: 300 }), async (maxSize, ops) => {
        const clock = testClock()
        const cache = new InMemoryCache({ maxSize, defaultTtl: 0, now: clock.now })
        const model = new ReferenceCache(maxSize, clock.now)
        let n = 0
        for (const o of ops) {
          if (o.kind === 'advance') clock.advance(o.ms)
          else if (o.kind === 'set') {
            await cache.set(o.key, ++n, o.ttl)
            model.set(o.key, n, o.ttl)
          } else if (o.kind === 'get') expect(await cache.get(o.key)).toBe(model.live(o.key)?.value)
          else expect(await cache.delete(o.key)).toBe(model.live(o.key) !== undefined && model.entries.delete(o.key))
        }
        expect(cache.stats().evictions).toBe(model.evictions)
        for (const k of 'abcdefghijkl') expect(await cache.get(k)).toBe(model.live(k)?.value)
      }),
      { numRuns: 300 },
    )
  })

  it('stays correct through heavy churn that rewrites the same keys', async () => {
    const clock = testClock()
    const cache = new InMemoryCache({ maxSize: 10, defaultTtl: 0, now: clock.now })
    const model = new ReferenceCache(10, clock.now)
    for (let i = 0; i < 20_000; i++) {
      const k = `k${(i * 7919) % 13}`
      await cache.set(k, i, (i % 3) + 1)
      model.set(k, i, (i % 3) + 1)
      if (i % 100 === 0) clock.advance(900)
    }
    for (let j = 0; j < 13; j++) expect(await cache.get(`k${j}`)).toBe(model.live(`k${j}`)?.value)
    expect(cache.stats().evictions).toBe(model.evictions)
  })
})
