import { describe, expect, it } from 'vitest'
import { transaction } from '../../src/index.js'
import { lamp } from './fixtures.js'
import { txWorld } from './tx-fixtures.js'

// Request counts of transactions (README "Transactions"), counted on the committing client's store.
describe('transaction request budgets', () => {
  it('the stock example (update a product, create an order with one indexed field): 1 GET + 6 PUTs, three rounds after the read', async () => {
    const { clients } = txWorld(1)
    const a = clients[0] as (typeof clients)[0]
    const p = await a.products.create(lamp())
    await a.orders.create({ productId: p.id, qty: 1, buyer: 'warm-up' }) // the index catalogs are read once per process
    a.store.reset()
    await transaction(a.db, async (tx) => {
      const product = await tx.repository(a.products.model).getOrThrow(p.id)
      await tx.repository(a.products.model).update(p.id, { stock: product.stock + 1 })
      await tx.repository(a.orders.model).create({ productId: p.id, qty: 1, buyer: 'b' })
    })
    // phase 1: 2 intents + 1 index entry; the commit; 2 roll-forwards
    expect(a.store.counts()).toMatchObject({ get: 1, put: 6, delete: 0, deleteMany: 0, list: 0 })
  })

  it.each([2, 5, 10, 25])('k = %i records updated (no indexed or unique field changed): k GETs + 2k + 1 PUTs', async (k) => {
    const { clients } = txWorld(1)
    const a = clients[0] as (typeof clients)[0]
    const ids: string[] = []
    for (let i = 0; i < k; i++) ids.push((await a.accounts.create({ owner: `o${i}`, branch: 'n', balance: 10 })).id)
    a.store.reset()
    await transaction(a.db, async (tx) => {
      for (const id of ids) {
        const cur = await tx.repository(a.accounts.model).getOrThrow(id)
        await tx.repository(a.accounts.model).update(id, { balance: cur.balance + 1 })
      }
    })
    expect(a.store.counts()).toMatchObject({ get: k, put: 2 * k + 1, delete: 0, deleteMany: 0, list: 0 })
  })

  it.each([1, 3])(
    'k = %i orders deleted (one indexed field): k GETs + 3k + 1 PUTs (intents, markers, commit, tombstones) + k DELETEs of the markers + k batched removals of the entries',
    async (k) => {
      const { clients } = txWorld(1)
      const a = clients[0] as (typeof clients)[0]
      const ids: string[] = []
      for (let i = 0; i < k; i++) ids.push((await a.orders.create({ productId: 'p', qty: 1, buyer: `b${i}` })).id)
      a.store.reset()
      await transaction(a.db, async (tx) => {
        for (const id of ids) await tx.repository(a.orders.model).delete(id)
      })
      // Each deleted order's index entry goes after the roll-forward, as a single delete's does (1 batched request).
      expect(a.store.counts()).toMatchObject({ get: k, put: 3 * k + 1, delete: k, deleteMany: k, list: 0 })
      a.store.reset()
      expect(await a.orders.count()).toBe(0)
      expect(a.store.counts().total).toBe(1) // nothing left for a count to settle
    },
  )

  it('a count pays only for what transactions left undecided: 1 LIST; + 2 GETs and 1 PUT for a committed create not rolled forward', async () => {
    const { clients } = txWorld(2)
    const [a, b] = clients as [(typeof clients)[0], (typeof clients)[0]]
    for (let i = 0; i < 30; i++) await b.orders.create({ productId: 'p', qty: 1, buyer: `b${i}` })
    b.store.reset()
    expect(await b.orders.count()).toBe(30)
    expect(b.store.counts()).toMatchObject({ list: 1, total: 1 })
    a.crashAfter('put', /_tx\//) // committed, then died before rolling forward
    await transaction(a.db, async (tx) => {
      await tx.repository(a.orders.model).create({ productId: 'p', qty: 1, buyer: 'tx' })
    })
    b.store.reset()
    expect(await b.orders.count()).toBe(31)
    expect(b.store.counts()).toMatchObject({ list: 1, get: 2, put: 1, total: 4 })
    b.store.reset()
    expect(await b.orders.count()).toBe(31)
    expect(b.store.counts().total).toBe(1)
  })

  it('a record only read costs 2 PUTs more (its read lock and its release); a transaction that only reads costs its GETs twice and no write', async () => {
    const { clients } = txWorld(1)
    const a = clients[0] as (typeof clients)[0]
    const x = await a.accounts.create({ owner: 'x', branch: 'n', balance: 10 })
    const y = await a.accounts.create({ owner: 'y', branch: 'n', balance: 10 })
    a.store.reset()
    await transaction(a.db, async (tx) => {
      await tx.repository(a.accounts.model).getOrThrow(x.id)
      await tx.repository(a.accounts.model).update(y.id, { balance: 11 })
    })
    expect(a.store.counts()).toMatchObject({ get: 2, put: 5 })
    a.store.reset()
    await transaction(a.db, async (tx) => {
      await tx.repository(a.accounts.model).getOrThrow(x.id)
      await tx.repository(a.accounts.model).getOrThrow(y.id)
    })
    expect(a.store.counts()).toMatchObject({ get: 4, put: 0 })
  })

  it('a reader that meets an intent pays 1 GET of the transaction record, plus 1 PUT to roll it forward or clear it; then nothing more', async () => {
    const { clients, advance } = txWorld(2)
    const [a, b] = clients as [(typeof clients)[0], (typeof clients)[0]]
    const x = await a.accounts.create({ owner: 'x', branch: 'n', balance: 10 })
    a.crashAfter('put', /\/accounts\//) // dies right after its intent landed
    await transaction(a.db, async (tx) => {
      await tx.repository(a.accounts.model).update(x.id, { balance: 3 })
    }).catch(() => undefined)
    b.store.reset()
    expect((await b.accounts.getOrThrow(x.id)).balance).toBe(10) // in flight: 1 GET + 1 GET of the transaction record
    expect(b.store.counts()).toMatchObject({ get: 2, put: 0 })
    advance(1_500)
    b.store.reset()
    expect((await b.accounts.getOrThrow(x.id)).balance).toBe(10) // abandoned: decided aborted (1 PUT) and cleared (1 PUT)
    expect(b.store.counts()).toMatchObject({ get: 2, put: 2 })
    b.store.reset()
    await b.accounts.getOrThrow(x.id)
    expect(b.store.counts()).toMatchObject({ get: 1, put: 0 })
  })
})
