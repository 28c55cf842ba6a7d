import { describe, expect, it } from 'vitest'
import { sleep } from '../../src/repository/concurrency.js'
import { cachedSetup } from './cache-fixtures.js'
import { lamp } from './fixtures.js'

describe("a 'ttl' record cache never makes readers delete valid index entries", () => {
  it('re-reads the record before judging an old entry stale, so a stale cache cannot erase it', async () => {
    const env = cachedSetup({ mode: 'ttl', ttlSeconds: 3600 }, { leaseMs: 50 })
    const p = await env.products.create(lamp({ category: 'home' }))
    await env.products.get(p.id) // cached: category home
    await env.otherProducts.update(p.id, { category: 'garden' }) // another process moves it
    await sleep(80) // the new entry is now older than the lease
    // The cached record (home) does not hold the garden entry; a fresh read does: the entry must survive.
    expect(await env.products.findAllBy('category', 'garden')).toHaveLength(1)
    expect(env.memory.keys().filter((k) => k.includes('/category/sgarden/'))).toHaveLength(1)
    expect((await env.otherProducts.findAllBy('category', 'garden')).map((r) => r.id)).toEqual([p.id])
  })
})
