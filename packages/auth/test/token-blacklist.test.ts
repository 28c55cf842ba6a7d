import { instrumentStore, isS3verlessError, memoryStore } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { TokenBlacklist } from '../src/index.js'
import { testClock } from './fixtures.js'

const HOUR = 3_600_000

function blacklists(options: { negativeCacheMs?: number; maxEntries?: number } = {}) {
  const store = instrumentStore(memoryStore())
  const clock = testClock()
  const make = () => new TokenBlacklist({ store, now: clock.now, ...options })
  return { store, clock, make, later: () => new Date(clock.now().getTime() + HOUR) }
}

describe('TokenBlacklist', () => {
  it('stores one object per jti, seen by a fresh instance', async () => {
    const { store, make, later } = blacklists()
    const a = make()
    await a.add('jti-1', later())
    expect(await a.isBlacklisted('jti-1')).toBe(true)
    expect(await a.isBlacklisted('jti-2')).toBe(false)
    expect((await store.list('s3verless-data/_auth/revoked/')).objects.map((o) => o.key)).toEqual(['s3verless-data/_auth/revoked/jti-1'])
    const fresh = make()
    expect(await fresh.isBlacklisted('jti-1')).toBe(true)
    expect(await fresh.isBlacklisted('jti-2')).toBe(false)
  })

  it('costs 1 GET on a miss, none once known revoked', async () => {
    const { store, make, later } = blacklists()
    await make().add('jti-1', later())
    const b = make()
    store.reset()
    expect(await b.isBlacklisted('jti-1')).toBe(true)
    expect(store.counts()).toMatchObject({ get: 1, total: 1 })
    store.reset()
    expect(await b.isBlacklisted('jti-1')).toBe(true)
    expect(await b.isBlacklisted('nope')).toBe(false)
    expect(store.counts()).toMatchObject({ get: 1, total: 1 }) // the miss only
  })

  it('concurrent adds from two instances are all kept', async () => {
    const { store, make, later } = blacklists()
    store.setLatency(() => Math.random() * 5)
    const [a, b] = [make(), make()]
    const ids = Array.from({ length: 100 }, (_, i) => `jti-${i}`)
    await Promise.all(ids.map((id, i) => (i % 2 ? a : b).add(id, later())))
    store.setLatency(0)
    const fresh = make()
    for (const id of ids) expect(await fresh.isBlacklisted(id)).toBe(true)
  })

  it('never caches "not revoked" by default, so another instance’s revocation is seen at once', async () => {
    const { make, later } = blacklists()
    const [a, b] = [make(), make()]
    expect(await b.isBlacklisted('jti-1')).toBe(false)
    await a.add('jti-1', later())
    expect(await b.isBlacklisted('jti-1')).toBe(true)
  })

  it('with negativeCacheMs, reuses a "not revoked" answer that long (fewer GETs, a delayed view of other instances)', async () => {
    const { store, clock, make, later } = blacklists({ negativeCacheMs: 5000 })
    const [a, b] = [make(), make()]
    expect(await b.isBlacklisted('jti-1')).toBe(false)
    await a.add('jti-1', later())
    store.reset()
    expect(await b.isBlacklisted('jti-1')).toBe(false) // still within the 5 s
    expect(store.counts().total).toBe(0)
    clock.advance(5000)
    expect(await b.isBlacklisted('jti-1')).toBe(true)
    // its own revocations are seen at once whatever the cache
    expect(await b.isBlacklisted('jti-2')).toBe(false)
    await b.add('jti-2', later())
    expect(await b.isBlacklisted('jti-2')).toBe(true)
  })

  it('forgets entries once their token has expired, and cleanup removes them from the store', async () => {
    const { store, clock, make, later } = blacklists()
    const a = make()
    await a.add('short', new Date(clock.now().getTime() + 1000))
    await a.add('long', later())
    await a.add('past', new Date(clock.now().getTime() - 1)) // already expired: nothing to store
    expect((await store.list('s3verless-data/_auth/revoked/')).objects).toHaveLength(2)
    clock.advance(1000)
    expect(await a.isBlacklisted('short')).toBe(false)
    expect(await make().isBlacklisted('short')).toBe(false)
    expect(await a.cleanup()).toBe(1)
    expect((await store.list('s3verless-data/_auth/revoked/')).objects.map((o) => o.key)).toEqual(['s3verless-data/_auth/revoked/long'])
    expect(await make().isBlacklisted('long')).toBe(true)
  })

  it('keeps memory bounded, and a forgotten entry is found again in the store', async () => {
    const { store, make, later } = blacklists({ maxEntries: 10 })
    const a = make()
    for (let i = 0; i < 50; i++) await a.add(`jti-${i}`, later())
    expect(a.size).toBeLessThanOrEqual(10)
    store.reset()
    expect(await a.isBlacklisted('jti-0')).toBe(true)
    expect(store.counts().get).toBe(1)
  })

  it('refuses malformed token ids (they could escape the key prefix)', async () => {
    const { make, later } = blacklists()
    const a = make()
    for (const bad of ['', '../x', 'a/b', 'x'.repeat(201), 'a.b']) {
      const error = await a.add(bad, later()).catch((e) => e)
      expect(isS3verlessError(error, 'auth.invalidToken')).toBe(true)
      expect(await a.isBlacklisted(bad)).toBe(false)
    }
  })
})
