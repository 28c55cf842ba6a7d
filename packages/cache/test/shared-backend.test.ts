import { createDatabase, memoryStore, type ObjectStore } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
// The cache package has no zod of its own to define a model with: borrow core's test models.
import { lamp, Product } from '../../core/test/repository/fixtures.js'
import { type CacheBackend, CompositeCache, InMemoryCache, LRUCache, repositoryCache } from '../src/index.js'
import { testClock } from './clock.js'
import { gatedStore, isRecordKey } from './tiers.js'

/** Two databases (two processes, say) on one bucket, whose record caches share `backend` in 'ttl' mode; `b` reads through a gated store. */
function twoDatabases(backendOf: () => { a: CacheBackend; b: CacheBackend }) {
  const memory = memoryStore()
  const gated = gatedStore(memory)
  const { a, b } = backendOf()
  const make = (store: ObjectStore, backend: CacheBackend) =>
    createDatabase({ store, models: [Product], cache: { backend: repositoryCache(backend), mode: 'ttl' } }).repository(Product)
  return { a: make(memory, a), b: make(gated.store, b), holdNextGet: gated.holdNextGet }
}

describe("databases sharing one cache backend in 'ttl' mode (issue 9, item 13)", () => {
  it.each([
    ['one InMemoryCache', () => new InMemoryCache()],
    ['one CompositeCache', () => new CompositeCache([new LRUCache(), new InMemoryCache()])],
  ])("through %s: one's slow read never overwrites the other's newer entry", async (_, make) => {
    const shared = make()
    const { a, b, holdNextGet } = twoDatabases(() => ({ a: shared, b: shared }))
    const { id } = await a.create(lamp())
    await shared.clear() // b's next read is a miss that fills the shared entry
    const gate = holdNextGet(isRecordKey)
    const slow = b.get(id) // has read price 30 from the store; fills after a's update
    await gate.reached
    await a.update(id, { price: 99 })
    gate.release()
    await slow
    expect((await a.get(id))?.price).toBe(99)
    expect((await b.get(id))?.price).toBe(99)
  })

  it('with a private L1 per database in front of one shared L2: each still reads its own writes', async () => {
    const clock = testClock()
    const l2 = new InMemoryCache()
    const { a, b, holdNextGet } = twoDatabases(() => ({
      a: new CompositeCache([new LRUCache({ now: clock.now }), l2]),
      b: new CompositeCache([new LRUCache({ now: clock.now }), l2]),
    }))
    const { id } = await a.create(lamp())
    await l2.clear()
    const gate = holdNextGet(isRecordKey)
    const slow = b.get(id)
    await gate.reached
    await a.update(id, { price: 99 })
    gate.release()
    await slow
    clock.advance(60_001) // a's private copy (60 s, the record TTL) has expired: a reads the shared L2
    expect((await a.get(id))?.price).toBe(99)
  })
})
