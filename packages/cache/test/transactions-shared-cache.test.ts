import { createDatabase, InjectedFault, instrumentStore, memoryStore, transaction } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { lamp, Product } from '../../core/test/repository/fixtures.js'
import { tapped } from '../../core/test/repository/race-fixtures.js'
import { InMemoryCache, repositoryCache } from '../src/index.js'

/**
 * Review of issue 23 (transactions) against the record cache's promise for databases sharing one
 * backend in 'ttl' mode: "every write renews its record's tokens (when it begins and when it ends) …
 * so one database's change is seen at once". A transaction's commit point is the PUT of its
 * transaction record; nothing renews the tokens of its records before that point. The tokens are
 * renewed only by the committer's roll-forward (`TxSlot.rollForward` → `core.beginWrite`). A
 * committer that dies between its commit point and its roll-forward leaves every other database
 * sharing the backend serving the records' pre-transaction entries for a whole TTL, while records
 * they had not cached read as committed: a torn transaction.
 */
describe("a transaction's commit seen by databases sharing a 'ttl' cache backend", () => {
  it('a committer that dies right after its commit point: the other database sees the whole transaction, not half of it', async () => {
    const memory = memoryStore()
    const shared = new InMemoryCache()
    // Database a (the committer) dies once its transaction record's PUT has been performed: from then
    // on none of its requests reaches the store or the cache backend.
    let dead = false
    const aBackend = new Proxy(shared, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver)
        if (typeof value !== 'function') return value
        return (...args: unknown[]) => {
          if (dead) return Promise.reject(new Error('the client died'))
          return value.apply(target, args)
        }
      },
    })
    const aStore = instrumentStore(
      tapped(memory, (op, key) => {
        if (!dead && op === 'put' && /_tx\//.test(key)) {
          dead = true
          aStore.injectFault({ times: Number.POSITIVE_INFINITY, error: () => new InjectedFault(op, 'the client died') })
        }
      }),
    )
    const a = createDatabase({ store: aStore, models: [Product], cache: { backend: repositoryCache(aBackend), mode: 'ttl' } })
    const b = createDatabase({ store: memory, models: [Product], cache: { backend: repositoryCache(shared), mode: 'ttl' } })
    const plain = createDatabase({ store: memory, models: [Product] }).repository(Product) // a third process, no cache
    const first = await plain.create(lamp({ sku: 'A', price: 10 }))
    expect((await b.repository(Product).get(first.id))?.price).toBe(10) // b has read the first: cached (in the shared backend)

    // Reprices the first and adds a second product, together; committed, then the committer dies
    // before rolling forward (the transaction call itself resolves: the roll-forward is best effort).
    await transaction(a, async (tx) => {
      const products = tx.repository(Product)
      await products.update(first.id, { price: 5 })
      await products.create(lamp({ sku: 'B', price: 5 }))
    })
    expect(dead).toBe(true)

    const seen = {
      firstPrice: (await b.repository(Product).get(first.id))?.price,
      secondFound: (await b.repository(Product).findBy('sku', 'B')) !== null,
      count: await b.repository(Product).count(),
    }
    // Before the fix b saw { firstPrice: 10, secondFound: true, count: 2 }: the transaction's create
    // but not its update (served from the shared entry, whose tokens nothing renewed before the
    // commit point), for the whole TTL. Now the records are announced before the commit point.
    expect(seen).toEqual({ firstPrice: 5, secondFound: true, count: 2 })
    expect(await plain.get(first.id).then((r) => r?.price)).toBe(5)
  })
})
