import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { fsStore } from '../../src/fs/index.js'
import { createDatabase, instrumentStore, transaction } from '../../src/index.js'
import { lamp, Product } from './fixtures.js'
import { MODELS, Order } from './tx-fixtures.js'

// Transactions on the file-system store (issue 23: every store), with two databases on one folder
// standing in for two processes.

const roots: string[] = []
afterEach(async () => {
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true })
})

async function folder() {
  const root = await mkdtemp(join(tmpdir(), 's3v-tx-'))
  roots.push(root)
  const open = () => {
    const store = instrumentStore(fsStore({ root }))
    const db = createDatabase({ store, models: MODELS, leaseMs: 1_000 })
    return { store, db, products: db.repository(Product), orders: db.repository(Order) }
  }
  return { a: open(), b: open() }
}

describe('transactions on fsStore', () => {
  it('commit: both writes seen together by the other database; a thrown error writes nothing', async () => {
    const { a, b } = await folder()
    const p = await a.products.create({ ...lamp({ sku: 'FS-1' }), stock: 5 })
    await transaction(a.db, async (tx) => {
      const product = await tx.repository(Product).getOrThrow(p.id)
      await tx.repository(Product).update(p.id, { stock: product.stock - 2 })
      await tx.repository(Order).create({ productId: p.id, qty: 2, buyer: 'ada' })
    })
    expect((await b.products.getOrThrow(p.id)).stock).toBe(3)
    expect((await b.orders.findAllBy('productId', p.id)).map((o) => o.qty)).toEqual([2])
    expect(await b.orders.count()).toBe(1)
    b.store.reset()
    const failed = await transaction(b.db, async (tx) => {
      await tx.repository(Product).update(p.id, { stock: 0 })
      throw new Error('changed my mind')
    }).catch((e: Error) => e)
    expect(failed.message).toBe('changed my mind')
    expect(b.store.counts().put).toBe(0)
    expect((await a.products.getOrThrow(p.id)).stock).toBe(3)
  })

  it('a crash right after the commit point is rolled forward by the other database', async () => {
    const { a, b } = await folder()
    const p = await a.products.create(lamp({ sku: 'FS-2', category: 'home' }))
    let died = false
    const put = a.store.put.bind(a.store)
    a.store.put = async (key, body, options) => {
      if (died) throw new Error('the process died')
      const result = await put(key, body, options)
      if (key.includes('/_tx/')) died = true // the commit landed, then the process died
      return result
    }
    await transaction(a.db, async (tx) => {
      await tx.repository(Product).update(p.id, { category: 'garden' })
      await tx.repository(Order).create({ productId: p.id, qty: 1, buyer: 'bob' })
    })
    const raw = await b.store.get(b.products.core.layout.recordKey(p.id))
    expect(new TextDecoder().decode(raw?.body)).toContain('"tx":') // still the intent: nobody rolled it forward
    expect((await b.products.findAllBy('category', 'garden')).map((r) => r.id)).toEqual([p.id])
    expect((await b.orders.findAllBy('productId', p.id)).map((o) => o.buyer)).toEqual(['bob'])
    expect(await b.orders.count()).toBe(1)
  })

  it('a delete and a create committed by a process that died before rolling forward: the other database counts them right first, and its markers go', async () => {
    const { a, b } = await folder()
    const gone = await a.orders.create({ productId: 'p', qty: 1, buyer: 'old' })
    const kept = await a.orders.create({ productId: 'p', qty: 2, buyer: 'kept' })
    let died = false
    const put = a.store.put.bind(a.store)
    a.store.put = async (key, body, options) => {
      if (died) throw new Error('the process died')
      const result = await put(key, body, options)
      if (key.includes('/_tx/')) died = true
      return result
    }
    const made = await transaction(a.db, async (tx) => {
      await tx.repository(Order).delete(gone.id)
      return tx.repository(Order).create({ productId: 'p', qty: 3, buyer: 'new' })
    })
    const listed = async () => (await b.store.list(b.orders.core.layout.recordPrefix)).objects.map((o) => o.key)
    expect((await listed()).filter((k) => k.includes('.json.tx.'))).toHaveLength(1)
    expect(await b.orders.count()).toBe(2) // before anything else read them
    expect((await listed()).filter((k) => k.includes('.json.tx.'))).toEqual([])
    expect((await b.orders.findAllBy('productId', 'p')).map((o) => o.id).sort()).toEqual([kept.id, made.id].sort())
    expect(await b.orders.get(gone.id)).toBeNull()
  })
})
